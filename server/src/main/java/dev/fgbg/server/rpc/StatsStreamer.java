package dev.fgbg.server.rpc;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.Rate;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.sampling.Selection;
import dev.fgbg.core.stats.BackgroundStats;
import dev.fgbg.core.stats.Stats;
import dev.fgbg.core.stats.StatsCalculator;
import dev.fgbg.server.stop.RunningCall;
import dev.fgbg.v1.StatsProgress;
import dev.fgbg.v1.StatsRequest;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * Runs StatsWithProgress calls: the computation on the calling thread (its chunks on the worker
 * pool), a progress message with rate and ETA at most every {@link Rate#PACE_NANOS} by the
 * ticker and only while the client is ready (an update is dropped rather than queued), then the
 * result.
 */
final class StatsStreamer {
  private final StatsCalculator calculator;
  private final Ticker ticker;

  StatsStreamer(StatsCalculator calculator, Ticker ticker) {
    this.calculator = calculator;
    this.ticker = ticker;
  }

  StatsCalculator calculator() {
    return calculator;
  }

  void run(Dataset d, StatsRequest r, Selection selection, Outputs outputs,
      ServerCallStreamObserver<StatsProgress> call, RunningCall run) {
    long total = selection.size();
    long start = ticker.read();
    Object lock = new Object();
    long[] done = {0};
    long[] last = {start};
    boolean cached = calculator.cached(d, r.getSeed(), selection, outputs.sampleOnly());
    Stats s = calculator.compute(d, r.getSeed(), selection, outputs.sampleOnly(),
        run.cancelled(),
        n -> {
          synchronized (lock) {
            done[0] += n;
            long now = ticker.read();
            if (done[0] < total && now - last[0] >= Rate.PACE_NANOS && call.isReady()
                && !call.isCancelled()) {
              last[0] = now;
              run.send(() -> call.onNext(progress(done[0], total, now - start).build()));
            }
          }
        });
    // An answer from the calculator's cache has no rate worth a figure (the whole selection
    // over a microsecond read as billions of samples a second).
    StatsProgress.Builder end = cached
        ? StatsProgress.newBuilder().setDone(total).setTotal(total)
        : progress(total, total, ticker.read() - start);
    StatsProgress result = end.setFinished(true).setResult(StatsMapping.stats(d, s, outputs,
        BackgroundStats.of(d, selection, outputs))).build();
    synchronized (lock) {
      run.end(() -> {
        if (!call.isCancelled()) {
          call.onNext(result);
          call.onCompleted();
        }
      });
    }
  }

  private static StatsProgress.Builder progress(long done, long total, long nanos) {
    Rate rate = Rate.of(done, total, nanos);
    return StatsProgress.newBuilder().setDone(done).setTotal(total)
        .setSamplesPerSecond(rate.perSecond()).setEtaSeconds(rate.etaSeconds());
  }
}
