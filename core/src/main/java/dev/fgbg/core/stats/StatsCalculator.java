package dev.fgbg.core.stats;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.render.Renderer;
import dev.fgbg.core.synth.DepthEncoding;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Exact statistics over a range: byte sums and sums of squares are integers (exact), depth sums
 * are doubles added in a fixed chunk order (the same result every time). Runs in parallel on
 * the given executor (a fair-scheduler lane in the server); results are cached by (fingerprint,
 * seed, range, outputs). Only the asked-for outputs are rendered, so image statistics never wait
 * for a depth model.
 */
public final class StatsCalculator {
  private static final int CHUNK = 512;

  private record Key(String fingerprint, long seed, long start, long end, Outputs outputs) {}

  private record Partial(long n, long[] sum, long[] sumSq, long maskSum, long maskSq,
      double depthSum, double depthSq, long depthCount) {}

  private final Executor pool;
  private final Cache<Key, Stats> cache = Caffeine.newBuilder().maximumSize(256).build();

  public StatsCalculator(Executor pool) {
    this.pool = pool;
  }

  /** Statistics of everything the dataset has. */
  public Stats compute(Dataset d, long seed, long start, long end, BooleanSupplier cancelled) {
    return compute(d, seed, start, end, Outputs.all(d), cancelled);
  }

  /** Statistics of {@code outputs} only (meta is ignored); the others are NaN in the result. */
  public Stats compute(Dataset d, long seed, long start, long end, Outputs outputs,
      BooleanSupplier cancelled) {
    return compute(d, seed, start, end, outputs, cancelled, n -> { });
  }

  /**
   * As the other {@code compute}, telling {@code counted} (from the worker threads, so it must
   * be thread-safe) each time a run of samples has been counted; a cached result counts the
   * whole range at once.
   */
  public Stats compute(Dataset d, long seed, long start, long end, Outputs outputs,
      BooleanSupplier cancelled, LongConsumer counted) {
    return compute(d, seed, start, end, outputs, cancelled, counted, null);
  }

  /**
   * As the other {@code compute}, also counting every rendered value into {@code histograms}
   * (null: none). Histograms need the pixels, so a cached result is not reused for them.
   */
  public Stats compute(Dataset d, long seed, long start, long end, Outputs outputs,
      BooleanSupplier cancelled, LongConsumer counted, Histograms histograms) {
    if (start < 0 || start >= d.size() || end > d.size() || end <= start) {
      throw FgbgException.invalidArgument("range " + start + ":" + end + " must be a non-empty "
          + "part of [0, " + d.size() + ") for dataset '" + d.name() + "'");
    }
    Outputs render = new Outputs(outputs.image(), outputs.mask(), outputs.depth(), false);
    Key key = new Key(d.fingerprint(), seed, start, end, render);
    Stats hit = histograms == null ? cache.getIfPresent(key) : null;
    if (hit != null) {
      counted.accept(end - start);
      return hit;
    }
    List<Future<Partial>> parts = new ArrayList<>();
    for (long s = start; s < end; s += CHUNK) {
      long from = s;
      long to = Math.min(end, s + CHUNK);
      parts.add(CompletableFuture.supplyAsync(
          () -> partial(d, seed, from, to, render, cancelled, counted, histograms), pool));
    }
    long n = 0;
    long[] sum = new long[3];
    long[] sq = new long[3];
    long maskSum = 0;
    long maskSq = 0;
    double depthSum = 0;
    double depthSq = 0;
    long depthCount = 0;
    try {
      for (Future<Partial> f : parts) {
        Partial p = f.get();
        if (p == null) {
          throw new CancellationException("stats cancelled");
        }
        n += p.n;
        for (int c = 0; c < 3; c++) {
          sum[c] += p.sum[c];
          sq[c] += p.sumSq[c];
        }
        maskSum += p.maskSum;
        maskSq += p.maskSq;
        depthSum += p.depthSum;
        depthSq += p.depthSq;
        depthCount += p.depthCount;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("stats interrupted");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e);
    } finally {
      parts.forEach(f -> f.cancel(true));
    }
    long pixels = n * d.spec().width() * d.spec().height();
    double[] mean = new double[3];
    double[] std = new double[3];
    for (int c = 0; c < 3; c++) {
      mean[c] = render.image() ? sum[c] / (255.0 * pixels) : Double.NaN;
      std[c] = render.image() ? std(sum[c], sq[c], pixels) / 255.0 : Double.NaN;
    }
    double dm = Double.NaN;
    double ds = Double.NaN;
    if (depthCount > 0) {
      dm = depthSum / depthCount;
      ds = Math.sqrt(Math.max(0, depthSq / depthCount - dm * dm));
    }
    Stats stats = new Stats(n, mean, std,
        render.mask() ? maskSum / (255.0 * pixels) : Double.NaN,
        render.mask() ? std(maskSum, maskSq, pixels) / 255.0 : Double.NaN, dm, ds);
    cache.put(key, stats);
    return stats;
  }

  /** sqrt(E[x²] − E[x]²) with the numerator n·Σx² − (Σx)² computed exactly. */
  private static double std(long sum, long sumSq, long n) {
    BigInteger num = BigInteger.valueOf(n).multiply(BigInteger.valueOf(sumSq))
        .subtract(BigInteger.valueOf(sum).pow(2));
    return Math.sqrt(num.doubleValue()) / n;
  }

  private static Partial partial(Dataset d, long seed, long from, long to, Outputs outputs,
      BooleanSupplier cancelled, LongConsumer counted, Histograms histograms) {
    int px = d.spec().width() * d.spec().height();
    Histograms mine = histograms == null ? null : new Histograms();
    long[] sum = new long[3];
    long[] sq = new long[3];
    long maskSum = 0;
    long maskSq = 0;
    double depthSum = 0;
    double depthSq = 0;
    long depthCount = 0;
    for (long i = from; i < to; i += 64) {
      long[] idx = new long[(int) Math.min(64, to - i)];
      for (int s = 0; s < idx.length; s++) {
        idx[s] = i + s;
      }
      if (cancelled.getAsBoolean()) {
        return null;
      }
      RenderedBatch b = Renderer.render(d, seed, idx, outputs, DepthEncoding.FLOAT16,
          cancelled).join();
      byte[] img = b.images();
      byte[] mask = b.masks();
      for (int s = 0; s < idx.length; s++) {
        int base = s * px;
        if (mine != null) {
          mine.add(b, s, px);
        }
        if (img != null) {
          long s0 = 0;
          long s1 = 0;
          long s2 = 0;
          long q0 = 0;
          long q1 = 0;
          long q2 = 0;
          for (int p = base; p < base + px; p++) {
            int r = img[p * 3] & 0xff;
            int g = img[p * 3 + 1] & 0xff;
            int bl = img[p * 3 + 2] & 0xff;
            s0 += r;
            s1 += g;
            s2 += bl;
            q0 += r * r;
            q1 += g * g;
            q2 += bl * bl;
          }
          sum[0] += s0;
          sum[1] += s1;
          sum[2] += s2;
          sq[0] += q0;
          sq[1] += q1;
          sq[2] += q2;
        }
        if (mask != null) {
          for (int p = base; p < base + px; p++) {
            int m = mask[p] & 0xff;
            maskSum += m;
            maskSq += m * m;
          }
        }
        if (b.depth() != null) {
          double ds = 0;
          double dq = 0;
          for (int p = base; p < base + px; p++) {
            double v = DepthEncoding.FLOAT16.get(b.depth(), p * 2);
            ds += v;
            dq += v * v;
          }
          depthSum += ds;
          depthSq += dq;
          depthCount += px;
        }
      }
      counted.accept(idx.length);
    }
    if (mine != null) {
      histograms.merge(mine);
    }
    return new Partial(to - from, sum, sq, maskSum, maskSq, depthSum, depthSq, depthCount);
  }
}
