package dev.fgbg.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A revocation that lands while the service is inside a send: gRPC's {@code ServerCall} is not
 * thread-safe, so the revocation's close must wait until the send is out (never run beside it),
 * and what the service sends after it is dropped without an exception.
 */
class RevokedCallsTest {
  private static final String ALICE = "aaaaaaaaaaaaaaaaaaaa-old";

  @TempDir
  Path dir;

  @Test
  void aRevocationDuringASendClosesAfterItAndDropsWhatFollows() throws Exception {
    Path file = Files.writeString(dir.resolve("tokens"), "alice:" + ALICE + "\n");
    RevokedCalls calls = new RevokedCalls(LiveTokens.fixed(AccessTokens.load(file)));
    Transport transport = new Transport();
    AtomicReference<ServerCall<String, String>> service = new AtomicReference<>();
    calls.start(transport, new Metadata(), ALICE, "alice", (call, headers) -> {
      service.set(call);
      return new ServerCall.Listener<>() { };
    });

    Thread sender = new Thread(() -> service.get().sendMessage("first"));
    sender.start();
    assertTrue(transport.inSend.await(60, TimeUnit.SECONDS), "the send began");
    Files.writeString(file, "bobby:bbbbbbbbbbbbbbbbbbbb-new\n");
    AccessTokens without = AccessTokens.load(file);
    Thread revoker = new Thread(() -> calls.revoke(without));
    revoker.start();
    // The revocation waits for the send (blocked), or leaves the close to it (done).
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (revoker.getState() == Thread.State.NEW
        || revoker.getState() == Thread.State.RUNNABLE) {
      assertTrue(System.nanoTime() < end, "the revocation neither waits nor ends");
      Thread.onSpinWait();
    }
    assertEquals(List.of("send first"), transport.seen, "nothing closes during a send");
    transport.sendMayEnd.countDown();
    sender.join();
    revoker.join();
    service.get().sendMessage("after");
    service.get().close(Status.OK, new Metadata());

    assertEquals(List.of("send first", "close UNAUTHENTICATED"), transport.seen);
    assertTrue(transport.closed.get().getDescription().startsWith("token 'alice' was revoked"),
        transport.closed.get().toString());
    assertFalse(transport.overlapped, "a close ran beside a send");
  }

  /** The transport's call: its first send holds until the test lets it end. */
  private static final class Transport extends ServerCall<String, String> {
    final List<String> seen = new CopyOnWriteArrayList<>();
    final CountDownLatch inSend = new CountDownLatch(1);
    final CountDownLatch sendMayEnd = new CountDownLatch(1);
    final AtomicReference<Status> closed = new AtomicReference<>();
    volatile boolean sending;
    volatile boolean overlapped;

    @Override
    public void request(int numMessages) {}

    @Override
    public void sendHeaders(Metadata headers) {}

    @Override
    public void sendMessage(String message) {
      sending = true;
      seen.add("send " + message);
      inSend.countDown();
      try {
        sendMayEnd.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      sending = false;
    }

    @Override
    public void close(Status status, Metadata trailers) {
      overlapped |= sending;
      seen.add("close " + status.getCode());
      closed.set(status);
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
