package dev.fgbg.server.rpc;

import dev.fgbg.server.ReflectionProbe;
import dev.fgbg.server.V1AlphaReflectionProbe;
import dev.fgbg.server.options.ServerOptions;
import dev.fgbg.server.transport.ConnectOptions;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.server.LogCapture;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The real Netty server on loopback. */
@ExtendWith(LogCapture.Clean.class)
class FgbgServerTest {
  private static StreamEpochRequest epoch() {
    return StreamEpochRequest.newBuilder().setDataset("tiny").setSeed(3).setEpoch(1)
        .setShuffle(true).setBatchSize(16).build();
  }

  private static List<SampleBatch> stream(TestServer s, StreamEpochRequest r) {
    List<SampleBatch> out = new ArrayList<>();
    FgbgGrpc.newBlockingStub(s.channel()).withDeadlineAfter(60, TimeUnit.SECONDS)
        .streamEpoch(r).forEachRemaining(out::add);
    return out;
  }

  @Test
  void aRestartedServerServesTheSameBytes() throws Exception {
    List<SampleBatch> before;
    try (TestServer s = TestServer.netty(TestDatasets.registry(), 2)) {
      before = stream(s, epoch());
    }
    // Everything rebuilt from nothing, as a restarted process would.
    Dataset fresh = new Dataset("tiny", BuiltinWorld.create(32, 32, 4, 5),
        Spec.builder().size(32, 32).placements(3).build());
    try (TestServer s = TestServer.netty(new DatasetRegistry(List.of(fresh)), 3)) {
      List<SampleBatch> after = stream(s, epoch());
      assertEquals(before, after);
      assertEquals(FgbgServiceTest.digest(before), FgbgServiceTest.digest(after));
    }
  }

  @Test
  void aMegabyteDatasetNameGetsAShortNotFoundOverNetty() throws Exception {
    try (TestServer s = TestServer.netty(TestDatasets.registry(), 1)) {
      String name = "n".repeat(1 << 20);
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stream(s,
          StreamEpochRequest.newBuilder().setDataset(name).setBatchSize(4).build()));
      assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e.getStatus().toString());
      String m = e.getStatus().getDescription();
      assertTrue(m.startsWith("unknown dataset 'nnnn") && m.contains("… (1048576 characters);"
          + " known datasets: [builtin, tiny"), m);
      assertTrue(m.length() < 300, m.length() + " characters");
    }
  }

  @Test
  void aSlowReaderDoesNotMakeTheServerBufferWithoutBound() throws Exception {
    try (TestServer s = TestServer.netty(TestDatasets.registry(), 2)) {
      ClientCall<StreamEpochRequest, SampleBatch> call = s.channel().newCall(
          FgbgGrpc.getStreamEpochMethod(), CallOptions.DEFAULT.withDeadlineAfter(60,
              TimeUnit.SECONDS));
      AtomicInteger received = new AtomicInteger();
      CountDownLatch first = new CountDownLatch(1);
      CountDownLatch fourth = new CountDownLatch(4);
      CountDownLatch closed = new CountDownLatch(1);
      call.start(new ClientCall.Listener<>() {
        @Override
        public void onMessage(SampleBatch message) {
          received.incrementAndGet();
          first.countDown();
          fourth.countDown();
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
          closed.countDown();
        }
      }, new Metadata());
      call.request(1); // the trainer takes one message, then stalls
      // 400,000 samples of ~300 KB: about 31,000 chunks if nothing held the server back.
      call.sendMessage(StreamEpochRequest.newBuilder().setDataset("builtin").setBatchSize(64)
          .build());
      call.halfClose();
      StreamStats stats = s.server().stats();
      assertTrue(first.await(30, TimeUnit.SECONDS), "the first message arrives");
      assertTrue(stats.await(() -> stats.snapshot().readyWaits() > 0, Duration.ofSeconds(30)),
          "the stream pauses for the stalled reader");
      // Woken on every chunk rendered: a server that ignored flow control would pass 16 at once.
      // window (4) + what fits in the HTTP/2 windows and socket buffers (a few 4 MiB messages).
      assertFalse(stats.await(() -> stats.snapshot().chunksProduced() > 16, Duration.ofSeconds(2)),
          "produced " + stats.snapshot().chunksProduced() + " chunks for a stalled reader");
      assertEquals(1, received.get());
      call.request(3);
      assertTrue(fourth.await(10, TimeUnit.SECONDS), "reading again resumes the stream");
      assertEquals(4, received.get());
      call.cancel("done", null);
      assertTrue(closed.await(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void healthAndReflectionAreServed() throws Exception {
    try (TestServer s = TestServer.netty(TestDatasets.registry(), 1)) {
      HealthCheckResponse h = HealthGrpc.newBlockingStub(s.channel())
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .check(HealthCheckRequest.newBuilder().setService(FgbgServer.SERVICE_NAME).build());
      assertEquals(HealthCheckResponse.ServingStatus.SERVING, h.getStatus());

      List<String> services = ReflectionProbe.v1(s.channel()).services();
      assertTrue(services.contains("fgbg.v1.Fgbg"), services.toString());
      assertTrue(services.contains("grpc.health.v1.Health"), services.toString());
    }
  }

  @Test
  void reflectionIsServedAsV1AlphaBesideV1() throws Exception {
    try (TestServer s = TestServer.netty(TestDatasets.registry(), 1)) {
      ReflectionProbe.Outcome alpha = V1AlphaReflectionProbe.list(s.channel());
      assertEquals(Status.Code.OK, alpha.status().getCode());
      assertTrue(alpha.services().contains("fgbg.v1.Fgbg"), alpha.services().toString());
      assertTrue(alpha.services().contains("grpc.health.v1.Health"), alpha.services().toString());
    }
  }

  @Test
  void reflectionTurnedOffIsUnimplementedInBothVersions() throws Exception {
    ServerOptions off = TestServer.options(1).window(2)
        .connect(ConnectOptions.builder().reflection(false).build()).build();
    try (TestServer s = TestServer.netty(TestDatasets.registry(), off)) {
      assertEquals(Status.Code.UNIMPLEMENTED, ReflectionProbe.v1(s.channel()).status().getCode());
      assertEquals(Status.Code.UNIMPLEMENTED,
          V1AlphaReflectionProbe.list(s.channel()).status().getCode());
      assertEquals("tiny", FgbgGrpc.newBlockingStub(s.channel())
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .describe(DescribeRequest.newBuilder().setDataset("tiny").build()).getName());
    }
  }
}
