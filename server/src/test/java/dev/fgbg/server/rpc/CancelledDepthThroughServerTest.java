package dev.fgbg.server.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.common.SampleDigest;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.TinyOnnx;
import dev.fgbg.core.assets.AssetSet;
import dev.fgbg.core.assets.Background;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.depth.DepthRuntime;
import dev.fgbg.core.depth.ModelConfig;
import dev.fgbg.core.depth.OnnxDepthModel;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.ServerStatsRequest;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * StreamEpoch calls cancelled before their first batch (a rapid reset) cost the depth model
 * nothing: their queued depth requests are withdrawn, not inferred, through a real Netty server
 * and a real ONNX Runtime session. The batcher's clock stands still until the test lets it go,
 * and its batches hold every request of the calls, so no request can reach the model before
 * the calls are cancelled; one the model had taken would be computed, however the calls end.
 */
@ExtendWith(LogCapture.Clean.class)
class CancelledDepthThroughServerTest {
  private static final int CALLS = 6;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  /** The tiny model; {@code maxBatch} images a batch, formed within 20 ms by {@code ticker}. */
  private DepthRuntime runtime(String name, int maxBatch, Ticker ticker) throws Exception {
    Path model = Files.createDirectories(dir.resolve(name));
    TinyOnnx.linearDepth(model);
    Files.writeString(model.resolve("config.json"), "{\"name\": \"tiny\", \"inputHeight\": 32, "
        + "\"inputWidth\": 32, \"inputScale\": 1.0, \"outputKind\": \"DEPTH_OUTPUT_KIND_METRIC\", "
        + "\"outputScale\": 0.00390625, \"maxBatch\": " + maxBatch + ", \"maxQueueDelayMs\": 20}");
    ModelConfig config = ModelConfig.load(model, null);
    OnnxDepthModel m = OnnxDepthModel.load(config, OnnxDepthModel.Device.CPU, 1);
    return DepthRuntime.create("tiny", m.device(), m, config, 64 << 20, null, null, ticker);
  }

  /** The tiny built-in world without its exact depth: a teacher's dataset. */
  private static Dataset teacher(DepthRuntime rt) {
    AssetSet a = TestDatasets.tiny().assets();
    List<Background> bgs = a.backgrounds().stream().map(b -> new Background(b.name(), b.label(),
        b.width(), b.height(), b.rgb(), null, null, 0)).toList();
    return new Dataset("teach", new AssetSet(a.width(), a.height(), bgs, a.foregrounds(),
        a.backgroundLabels(), a.foregroundLabels(), "none"), TestDatasets.tiny().spec(),
        rt.teacher());
  }

  private static StreamEpochRequest request(long seed) {
    return StreamEpochRequest.newBuilder().setDataset("teach").setSeed(seed).setShuffle(true)
        .setBatchSize(10).build();
  }

  private static String digest(TestServer s, long seed) {
    SampleDigest d = new SampleDigest();
    FgbgGrpc.newBlockingStub(s.channel()).withDeadlineAfter(120, TimeUnit.SECONDS)
        .streamEpoch(request(seed)).forEachRemaining(b -> d.add(b.getIndicesList(),
            b.getImages(), b.getMasks(), b.getDepth()));
    return d.hex();
  }

  private static void awaitState(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.onSpinWait();
    }
  }

  @Test
  void streamsCancelledBeforeTheirFirstBatchLeaveTheModelIdleAndTheNextStreamExact()
      throws Exception {
    String expected;
    try (DepthRuntime plain = runtime("plain", 8, Ticker.systemTicker());
        TestServer s = TestServer.inProcess(new DatasetRegistry(List.of(teacher(plain))), 2,
            TestServer.exportRoot(), List.of(plain))) {
      expected = digest(s, 100);
    }
    AtomicBoolean frozen = new AtomicBoolean(true);
    long t0 = System.nanoTime();
    Ticker ticker = () -> frozen.get() ? t0 : System.nanoTime();
    try (DepthRuntime rt = runtime("frozen", 1000, ticker);
        TestServer s = TestServer.netty(new DatasetRegistry(List.of(teacher(rt))),
            TestServer.options(2).build(), List.of(rt))) {
      StreamEpochServer stats = new StreamEpochServer(s);
      CountDownLatch ended = new CountDownLatch(CALLS);
      List<Context.CancellableContext> calls = new ArrayList<>();
      for (int c = 0; c < CALLS; c++) {
        Context.CancellableContext call = Context.current().withCancellation();
        calls.add(call);
        long seed = 100 + c;
        call.run(() -> FgbgGrpc.newStub(s.channel()).streamEpoch(request(seed),
            new StreamObserver<>() {
              @Override
              public void onNext(SampleBatch b) {}

              @Override
              public void onError(Throwable t) {
                ended.countDown();
              }

              @Override
              public void onCompleted() {
                ended.countDown();
              }
            }));
      }
      // Every call's first piece has asked for its depth; none can run (a batch holds 1000).
      awaitState(() -> rt.queued() >= CALLS * 10, "each call's first piece waits for depth");
      calls.forEach(c -> c.cancel(null));
      assertTrue(ended.await(WAIT.toSeconds(), TimeUnit.SECONDS));
      // The server ends a call once no piece of it works, so it has withdrawn every request.
      assertTrue(stats.await(CALLS), "the server ended every cancelled call");
      long asked = rt.stats().snapshot().misses();
      assertTrue(asked >= CALLS * 10, asked + " samples asked for");
      assertEquals(asked, rt.stats().snapshot().withdrawn(),
          "every request the calls made is withdrawn");
      assertEquals(asked, FgbgGrpc.newBlockingStub(s.channel()).withDeadlineAfter(30,
          TimeUnit.SECONDS).serverStats(ServerStatsRequest.getDefaultInstance()).getDepth(0)
          .getWithdrawn(), "ServerStats counts them as the log line and /metrics do");
      frozen.set(false);
      awaitState(() -> rt.queued() == 0, "the withdrawn requests leave the queue");
      assertEquals(0, rt.stats().snapshot().inferred(),
          "the model computed nothing for cancelled calls");
      // Nothing withdrawn was cached: a stream of a cancelled call's seed gets its exact bytes.
      assertEquals(expected, digest(s, 100));
      assertEquals(120, rt.stats().snapshot().inferred(), "each of its samples inferred once");
    }
  }

  /** The server's count of StreamEpoch calls ended by their client's cancel. */
  private record StreamEpochServer(TestServer server) {
    boolean await(long cancelled) throws InterruptedException {
      StreamStats st = server.server().stats();
      return st.await(() -> st.snapshot().streamsCancelled() >= cancelled, WAIT);
    }
  }
}
