package dev.fgbg.core.stats;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.deliver.Delivery;
import dev.fgbg.core.deliver.Piece;
import dev.fgbg.core.deliver.Plan;
import dev.fgbg.core.deliver.Renders;
import dev.fgbg.core.deliver.Sink;
import dev.fgbg.core.deliver.Work;
import dev.fgbg.core.render.BatchArrays;
import dev.fgbg.core.render.BatchShape;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.render.Renderer;
import dev.fgbg.core.sampling.Selection;
import dev.fgbg.core.synth.DepthEncoding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Exact statistics over a selection: byte sums and sums of squares are integers (exact), depth
 * sums are doubles added in a fixed chunk order (the same result every time). Over a random
 * subset, the spread of the per-sample means gives each mean's standard error. Runs in parallel
 * on the given executor (a fair-scheduler lane in the server); results are cached by
 * (fingerprint, seed, selection, outputs), and one for more outputs answers fewer. Only the
 * asked-for outputs are rendered, so image statistics never wait for a depth model.
 */
public final class StatsCalculator {
  /** Samples summed per piece: the depth sums are added piece by piece, in order. */
  private static final int CHUNK = 512;
  /** Samples of a teacher rendered at once within a piece, into arrays reused by the piece. */
  private static final int SUB = 64;

  /** A selection's description, not the selection: a cached key never holds drawn positions. */
  private record Key(String fingerprint, long seed, long start, long end, long stride,
      long sample, Outputs outputs) {}

  private record Partial(long n, long[] sum, long[] sumSq, long maskSum, long maskSq,
      double depthSum, double depthSq, long depthCount, SampleMeans means) {}

  /** The pieces' sums, added in the pieces' order (so depth's double sums are the same). */
  private static final class Totals implements Sink<Partial> {
    long n;
    final long[] sum = new long[3];
    final long[] sq = new long[3];
    long maskSum;
    long maskSq;
    double depthSum;
    double depthSq;
    long depthCount;
    final SampleMeans means = new SampleMeans();

    @Override
    public void deliver(Piece piece, Partial p) {
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
      means.merge(p.means);
    }

    @Override
    public void ended(Throwable cause) {}
  }

  private final Executor pool;
  private final int window;
  private final Cache<Key, Stats> cache = Caffeine.newBuilder().maximumSize(256).build();

  /** Pieces of 512 samples run on {@code pool}, {@code window} at once. */
  public StatsCalculator(Executor pool, int window) {
    this.pool = pool;
    this.window = Math.max(1, window);
  }

  /** Statistics of {@code outputs} only (meta is ignored); the others are NaN in the result. */
  public Stats compute(Dataset d, long seed, Selection selection, Outputs outputs,
      BooleanSupplier cancelled) {
    return compute(d, seed, selection, outputs, cancelled, n -> { });
  }

  /** Whether {@link #compute} would answer these from its cache (without counting anything). */
  public boolean cached(Dataset d, long seed, Selection selection, Outputs outputs) {
    return fromCache(d, seed, selection, outputs) != null;
  }

  /**
   * A cached answer: for these outputs, or for more outputs of the same samples (`fgbg stats`
   * of all three, then a trainer's image-only normalisation) with the others' figures left out.
   */
  private Stats fromCache(Dataset d, long seed, Selection selection, Outputs outputs) {
    for (int more = 0; more < 8; more++) {
      boolean image = outputs.image() || (more & 1) != 0;
      boolean mask = outputs.mask() || (more & 2) != 0;
      boolean depth = outputs.depth() || (more & 4) != 0;
      Stats s = cache.getIfPresent(key(d, seed, selection,
          new Outputs(image, mask, depth, false)));
      if (s != null) {
        return s.only(outputs.image(), outputs.mask(), outputs.depth());
      }
    }
    return null;
  }

  private static Key key(Dataset d, long seed, Selection selection, Outputs outputs) {
    return new Key(d.fingerprint(), seed, selection.start(), selection.end(),
        selection.stride(), selection.sample(),
        new Outputs(outputs.image(), outputs.mask(), outputs.depth(), false));
  }

  /**
   * As the other {@code compute}, telling {@code counted} (from the worker threads, so it must
   * be thread-safe) each time a run of samples has been counted; a cached result counts the
   * whole selection at once.
   *
   * @param selection a selection of {@code d}, a random one drawn from {@code seed}
   */
  public Stats compute(Dataset d, long seed, Selection selection, Outputs outputs,
      BooleanSupplier cancelled, LongConsumer counted) {
    return compute(d, seed, selection, outputs, cancelled, counted, null);
  }

  /**
   * As the other {@code compute}, also counting every rendered value into {@code histograms}
   * (null: none). Histograms need the pixels, so a cached result is not reused for them.
   */
  public Stats compute(Dataset d, long seed, Selection selection, Outputs outputs,
      BooleanSupplier cancelled, LongConsumer counted, Histograms histograms) {
    Outputs render = new Outputs(outputs.image(), outputs.mask(), outputs.depth(), false);
    Key key = key(d, seed, selection, outputs);
    Stats hit = histograms == null ? fromCache(d, seed, selection, outputs) : null;
    if (hit != null) {
      counted.accept(selection.size());
      return hit;
    }
    Totals t = new Totals();
    BatchShape shape = new BatchShape(d, render, DepthEncoding.FLOAT16);
    Work<Partial> work = (p, stop) -> CompletableFuture.completedFuture(
        partial(shape, seed, p.indices(), stop, counted, histograms));
    try {
      Delivery.of(Plan.of(selection, CHUNK), work, t, pool)
          .window(window).cancelledWhen(cancelled).start().await();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long pixels = t.n * d.spec().width() * d.spec().height();
    double[] mean = new double[3];
    double[] std = new double[3];
    for (int c = 0; c < 3; c++) {
      mean[c] = render.image() ? t.sum[c] / (255.0 * pixels) : Double.NaN;
      std[c] = render.image() ? std(t.sum[c], t.sq[c], pixels) / 255.0 : Double.NaN;
    }
    double dm = Double.NaN;
    double ds = Double.NaN;
    if (t.depthCount > 0) {
      dm = t.depthSum / t.depthCount;
      ds = Math.sqrt(Math.max(0, t.depthSq / t.depthCount - dm * dm));
    }
    long population = selection.isRandom() ? selection.population() : 0;
    double[] se = new double[SampleMeans.CHANNELS];
    for (int c = 0; c < se.length; c++) {
      boolean computed = c < 3 ? render.image() : c == 3 ? render.mask() : t.depthCount > 0;
      se[c] = computed && population > 0 ? t.means.standardError(c, population) : Double.NaN;
    }
    Stats stats = new Stats(t.n, mean, std,
        render.mask() ? t.maskSum / (255.0 * pixels) : Double.NaN,
        render.mask() ? std(t.maskSum, t.maskSq, pixels) / 255.0 : Double.NaN, dm, ds,
        population, new double[] {se[0], se[1], se[2]}, se[3], se[4]);
    cache.put(key, stats);
    return stats;
  }

  /** sqrt(E[x²] − E[x]²) with the numerator n·Σx² − (Σx)² computed exactly. */
  private static double std(long sum, long sumSq, long n) {
    BigInteger num = BigInteger.valueOf(n).multiply(BigInteger.valueOf(sumSq))
        .subtract(BigInteger.valueOf(sum).pow(2));
    return Math.sqrt(num.doubleValue()) / n;
  }

  private static Partial partial(BatchShape shape, long seed, long[] indices,
      BooleanSupplier cancelled, LongConsumer counted, Histograms histograms) {
    Dataset d = shape.dataset();
    long from = 0;
    long to = indices.length;
    // Runs that stay in the core's cache, so the sums read what was just written (a power of
    // two, so that progress is still told every 64 samples); a teacher's runs stay at 64, for
    // the model batches what one run asks for.
    int sub = shape.teacher() ? SUB : Integer.highestOneBit(Math.min(SUB,
        Renders.runSamples(shape)));
    long uncounted = 0;
    BatchArrays arrays = BatchArrays.allocate(shape, (int) Math.min(sub, to));
    int px = d.spec().width() * d.spec().height();
    Histograms mine = histograms == null ? null : new Histograms();
    long[] sum = new long[3];
    long[] sq = new long[3];
    long maskSum = 0;
    long maskSq = 0;
    double depthSum = 0;
    double depthSq = 0;
    long depthCount = 0;
    SampleMeans means = new SampleMeans();
    double[] sampleMean = new double[SampleMeans.CHANNELS];
    for (long i = from; i < to; i += sub) {
      long[] idx = Arrays.copyOfRange(indices, (int) i, (int) Math.min(to, i + sub));
      RenderedBatch b = Renderer.render(shape, seed, idx, arrays, 0, cancelled).join();
      arrays = arrays.used();
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
          sampleMean[0] = s0 / (255.0 * px);
          sampleMean[1] = s1 / (255.0 * px);
          sampleMean[2] = s2 / (255.0 * px);
        }
        if (mask != null) {
          long ms = 0;
          for (int p = base; p < base + px; p++) {
            int m = mask[p] & 0xff;
            ms += m;
            maskSq += m * m;
          }
          maskSum += ms;
          sampleMean[3] = ms / (255.0 * px);
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
          sampleMean[4] = ds / px;
        }
        means.add(sampleMean);
      }
      uncounted += idx.length;
      if (uncounted >= SUB || i + sub >= to) {
        counted.accept(uncounted);
        uncounted = 0;
      }
    }
    if (mine != null) {
      histograms.merge(mine);
    }
    return new Partial(to - from, sum, sq, maskSum, maskSq, depthSum, depthSq, depthCount,
        means);
  }
}
