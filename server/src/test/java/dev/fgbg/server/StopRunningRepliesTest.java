package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.SettableFuture;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.admission.LoadOptions;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.GalleryRequest;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.StatsProgress;
import dev.fgbg.v1.StatsRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Reply calls still running when a stop's grace runs out (GetSamples, Gallery, Stats and
 * StatsWithProgress, their renders queued behind render threads held busy) end UNAVAILABLE
 * naming the stop, for a plain grpc-java client too, never in the transport's bare reset
 * (CANCELLED, which such a client takes for its own cancel and does not retry); the budget
 * bytes they held all come back.
 */
class StopRunningRepliesTest {
  private static final int THREADS = 2;

  /** Holds every render thread until the stop interrupts them; returns once all are held. */
  private static void holdRenderThreads(ExecutorService pool, CountDownLatch release)
      throws InterruptedException {
    CountDownLatch held = new CountDownLatch(THREADS);
    for (int t = 0; t < THREADS; t++) {
      pool.execute(() -> {
        held.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
    assertTrue(held.await(30, TimeUnit.SECONDS), "the render threads were not all held");
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    for (int i = 0; i < 600 && !condition.getAsBoolean(); i++) {
      Thread.sleep(50);
    }
    assertTrue(condition.getAsBoolean(), what);
  }

  private static Status status(ListenableFuture<?> call) throws Exception {
    try {
      call.get(30, TimeUnit.SECONDS);
      return Status.OK;
    } catch (ExecutionException e) {
      return Status.fromThrowable(e.getCause());
    }
  }

  @Test
  void replyCallsRunningWhenTheGraceRunsOutEndUnavailableInWords() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(THREADS)
             .load(LoadOptions.builder().maxStats(4).build())
             .shutdownGrace(Duration.ofMillis(200)).build())) {
      holdRenderThreads(s.application().workers(), release);
      FgbgGrpc.FgbgFutureStub stub = FgbgGrpc.newFutureStub(s.channel())
          .withDeadlineAfter(60, TimeUnit.SECONDS);
      ListenableFuture<?> samples = stub.getSamples(GetSamplesRequest.newBuilder()
          .setDataset("builtin").addIndices(1).addIndices(2).addIndices(3).build());
      await(() -> s.server().budget().used() > 0, "the GetSamples reply was not rendering");
      long samplesBytes = s.server().budget().used();
      ListenableFuture<?> gallery = stub.gallery(GalleryRequest.newBuilder()
          .setDataset("builtin").setCount(4).build());
      ListenableFuture<?> stats = stub.stats(StatsRequest.newBuilder().setDataset("builtin")
          .setStart(0).setEnd(2_000).build());
      SettableFuture<Void> progress = SettableFuture.create();
      FgbgGrpc.newStub(s.channel()).withDeadlineAfter(60, TimeUnit.SECONDS).statsWithProgress(
          StatsRequest.newBuilder().setDataset("builtin").setStart(0).setEnd(2_000).build(),
          new StreamObserver<>() {
            @Override
            public void onNext(StatsProgress value) { }

            @Override
            public void onError(Throwable t) {
              progress.setException(t);
            }

            @Override
            public void onCompleted() {
              progress.set(null);
            }
          });
      await(() -> s.server().galleryAdmission().running() == 1
          && s.server().statsAdmission().running() == 2
          && s.server().budget().used() > samplesBytes, "the Gallery and Stats calls did not run");
      try {
        s.application().close("test", null);
      } finally {
        release.countDown();
      }
      Map<String, ListenableFuture<?>> calls = Map.of("GetSamples call", samples,
          "Gallery call", gallery, "Stats call", stats, "StatsWithProgress call", progress);
      List<Executable> checks = new ArrayList<>();
      for (Map.Entry<String, ListenableFuture<?>> c : calls.entrySet()) {
        Status st = status(c.getValue());
        checks.add(() -> assertEquals(Status.Code.UNAVAILABLE, st.getCode(),
            c.getKey() + ": " + st));
        checks.add(() -> assertTrue(String.valueOf(st.getDescription()).startsWith("the server "
            + "is shutting down and its --shutdown-grace ran out with this " + c.getKey()
            + " running; call it again"), st.getDescription()));
      }
      assertAll(checks);
      await(() -> s.server().budget().used() == 0, "the replies' bytes did not all come back");
      log.assertNoTraces();
    }
  }
}
