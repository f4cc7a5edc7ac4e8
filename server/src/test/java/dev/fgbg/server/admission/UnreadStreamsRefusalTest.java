package dev.fgbg.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.LoopbackClient;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A process that opened its client's every stream slot and stopped reading them (all local
 * trainers are one client, 127.0.0.1): another stream of that client is refused, the refusal
 * saying that those streams are not being read and for how long, until one has not been read
 * for the limit; then that one is ended and the newcomer takes its slot.
 */
class UnreadStreamsRefusalTest {
  private static final int SLOTS = 2;

  private static StreamEpochRequest epoch() {
    return StreamEpochRequest.newBuilder().setDataset("builtin").setBatchSize(64).build();
  }

  /** Opens every slot of 127.0.0.1 with streams that are never read. */
  private static void fill(TestServer s, LoopbackClient stuck) throws InterruptedException {
    for (int i = 0; i < SLOTS; i++) {
      ClientCall<StreamEpochRequest, SampleBatch> call = stuck.channel().newCall(
          FgbgGrpc.getStreamEpochMethod(), CallOptions.DEFAULT);
      call.start(new ClientCall.Listener<>() { }, new Metadata()); // never requests a message
      call.sendMessage(epoch());
      call.halfClose();
    }
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (s.server().streams().count("127.0.0.1") < SLOTS && System.nanoTime() < end) {
      Thread.sleep(20);
    }
  }

  /**
   * Opens a stream of {@code other} and reads its first message: "served" (the stream is then
   * cancelled), or the refusal.
   */
  private static String tryStream(LoopbackClient other) throws Exception {
    Context.CancellableContext c = Context.current().withCancellation();
    try {
      return c.call(() -> {
        FgbgGrpc.newBlockingStub(other.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
            .streamEpoch(epoch()).next();
        return "served";
      });
    } catch (StatusRuntimeException e) {
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e::toString);
      return e.getStatus().getDescription();
    } finally {
      c.cancel(null);
    }
  }

  @Test
  void aRefusedStreamHearsWhichOfItsClientsStreamsAreNotRead() throws Exception {
    LoadOptions load = LoadOptions.builder().maxStreamsPerClient(SLOTS).build();
    try (TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(2)
        .load(load).build());
        LoopbackClient stuck = new LoopbackClient(s.server().port(), 64 << 10);
        LoopbackClient other = new LoopbackClient(s.server().port())) {
      fill(s, stuck);
      String said = "";
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!said.contains("2 of 127.0.0.1") && System.nanoTime() < end) {
        said = tryStream(other);
        Thread.sleep(200);
      }
      String was = said;
      assertTrue(said.matches("client 127\\.0\\.0\\.1 has 2 streams open, the most one client "
          + "may have \\(--max-streams-per-client = 2\\); 2 of 127\\.0\\.0\\.1's open streams "
          + "have not been read for \\d+ s or more \\(the longest for \\d+ s\\): .*; one not "
          + "read for 60 s is ended when its client needs the slot"),
          () -> "refused with: " + was);
      stuck.release();
    }
  }

  @Test
  void aStreamNotReadForTheLimitGivesItsSlotToItsClientsNewcomer() throws Exception {
    LoadOptions load = LoadOptions.builder().maxStreamsPerClient(SLOTS)
        .unreadStream(Duration.ofMillis(1500)).build();
    try (TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(2)
        .load(load).build());
        LoopbackClient stuck = new LoopbackClient(s.server().port(), 64 << 10);
        LoopbackClient other = new LoopbackClient(s.server().port())) {
      fill(s, stuck);
      List<String> said = new ArrayList<>();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!said.contains("served") && System.nanoTime() < end) {
        said.add(tryStream(other));
        Thread.sleep(200);
      }
      assertTrue(said.get(0).startsWith("client 127.0.0.1 has 2 streams open"),
          () -> "at first refused: " + said);
      assertEquals("served", said.get(said.size() - 1), () -> "then served: " + said);
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (s.server().streams().count("127.0.0.1") > 1 && System.nanoTime() < until) {
        Thread.sleep(20); // the newcomer's cancel reaches the server
      }
      assertEquals(1, s.server().streams().count("127.0.0.1"),
          "one stuck stream was ended for it, the other kept");
      stuck.release();
    }
  }
}
