package dev.fgbg.server.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Whatever order a call's ends come in, what it held is given back once, and before each end. */
class HeldByCallTest {
  private final AtomicInteger released = new AtomicInteger();
  /** What the call and the service saw, with the releases counted so far. */
  private final List<String> seen = new ArrayList<>();
  private final Recorded call = new Recorded();
  private ServerCall<String, String> started;

  @Test
  void closeThenComplete() {
    ServerCall.Listener<String> listener = start();
    assertEquals(0, released.get(), "held while the call runs");
    started.close(Status.OK, new Metadata());
    listener.onComplete();
    assertEquals(1, released.get());
    assertEquals(List.of("close after 1", "complete after 1"), seen);
  }

  @Test
  void closeThenCancel() {
    ServerCall.Listener<String> listener = start();
    started.close(Status.UNAVAILABLE, new Metadata());
    listener.onCancel();
    assertEquals(1, released.get());
    assertEquals(List.of("close after 1", "cancel after 1"), seen);
  }

  @Test
  void cancelThenClose() {
    ServerCall.Listener<String> listener = start();
    listener.onCancel();
    started.close(Status.CANCELLED, new Metadata());
    assertEquals(1, released.get());
    assertEquals(List.of("cancel after 1", "close after 1"), seen);
  }

  @Test
  void startCallThrowing() {
    IllegalStateException thrown = new IllegalStateException("the service failed to start");
    assertSame(thrown, assertThrows(IllegalStateException.class,
        () -> HeldByCall.start(call, released::incrementAndGet, held -> {
          throw thrown;
        })));
    assertEquals(1, released.get());
  }

  @Test
  void anErrorFromStartCall() {
    assertThrows(StackOverflowError.class,
        () -> HeldByCall.start(call, released::incrementAndGet, held -> {
          throw new StackOverflowError();
        }));
    assertEquals(1, released.get());
  }

  @Test
  void aCloseRacingACancel() throws Exception {
    for (int i = 0; i < 200; i++) {
      released.set(0);
      ServerCall.Listener<String> listener = start();
      CyclicBarrier both = new CyclicBarrier(2);
      Thread cancel = new Thread(() -> {
        await(both);
        listener.onCancel();
      });
      cancel.start();
      await(both);
      started.close(Status.CANCELLED, new Metadata());
      cancel.join();
      assertEquals(1, released.get(), "race " + i);
    }
  }

  private ServerCall.Listener<String> start() {
    return HeldByCall.start(call, released::incrementAndGet, held -> {
      started = held;
      return new ServerCall.Listener<>() {
        @Override
        public void onCancel() {
          note("cancel");
        }

        @Override
        public void onComplete() {
          note("complete");
        }
      };
    });
  }

  private synchronized void note(String what) {
    seen.add(what + " after " + released.get());
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The transport's call: records its close. */
  private final class Recorded extends ServerCall<String, String> {
    @Override
    public void request(int numMessages) {}

    @Override
    public void sendHeaders(Metadata headers) {}

    @Override
    public void sendMessage(String message) {}

    @Override
    public void close(Status status, Metadata trailers) {
      note("close");
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public MethodDescriptor<String, String> getMethodDescriptor() {
      return null;
    }
  }
}
