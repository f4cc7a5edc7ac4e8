package dev.fgbg.core.stats;

import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.sampling.Selection;
import dev.fgbg.core.synth.DepthEncoding;
import dev.fgbg.core.synth.IndexCodec;
import java.util.Arrays;

/**
 * Statistics of the backgrounds of a selection's samples (OUTPUT_BACKGROUND: R, G, B on [0, 1];
 * OUTPUT_BACKGROUND_DEPTH: metres), each sample counting its background's pixels, as Stats of
 * those outputs streamed would: every distinct background is read once and weighted by its
 * samples (counted by binary search in the ascending selection), so nothing is rendered. Over a
 * random subset each mean's standard error is that of the per-sample means, as
 * {@link SampleMeans} gives for the sample outputs. Fields not asked for are null.
 *
 * @param mean per channel; then {@code std}, {@code se} (null unless random) alike
 */
public record BackgroundStats(double[] mean, double[] std, double[] se, double[] depthMean,
    double[] depthStd, double[] depthSe) {

  /** The statistics {@code outputs} asks for over {@code sel}'s backgrounds, or null. */
  public static BackgroundStats of(Dataset d, Selection sel, Outputs outputs) {
    if (!outputs.backgrounds()) {
      return null;
    }
    IndexCodec c = d.codec();
    long perBg = c.size() / c.backgrounds();
    int pixels = d.spec().width() * d.spec().height();
    Moments rgb = outputs.background() ? new Moments(3) : null;
    Moments depth = outputs.backgroundDepth() ? new Moments(1) : null;
    long p = 0;
    while (p < sel.size()) {
      int bg = c.bg(sel.indexAt(p));
      long next = sel.firstAtOrAfter((bg + 1) * perBg);
      long count = next - p;
      if (rgb != null) {
        byte[] px = d.backgroundRgb(bg);
        rgb.add(count, pixels, (i, ch) -> (px[i * 3 + ch] & 0xff) / 255.0);
      }
      if (depth != null) {
        byte[] half = d.backgroundDepth(bg, DepthEncoding.FLOAT16).join();
        depth.add(count, pixels, (i, ch) -> DepthEncoding.FLOAT16.get(half, i * 2));
      }
      p = next;
    }
    long population = sel.isRandom() ? sel.population() : 0;
    return new BackgroundStats(rgb == null ? null : rgb.mean(), rgb == null ? null : rgb.std(),
        rgb == null ? null : rgb.se(population), depth == null ? null : depth.mean(),
        depth == null ? null : depth.std(), depth == null ? null : depth.se(population));
  }

  /** A pixel's value in a channel. */
  private interface Pixel {
    double value(int pixel, int channel);
  }

  /** Sums over samples, per channel: pixel sums, squares, and the per-sample means'. */
  private static final class Moments {
    private final double[] sum;
    private final double[] squares;
    private final double[] meanSum;
    private final double[] meanSquares;
    private long samples;
    private long values;

    Moments(int channels) {
      sum = new double[channels];
      squares = new double[channels];
      meanSum = new double[channels];
      meanSquares = new double[channels];
    }

    /** {@code count} samples whose background is {@code pixels} values read through {@code v}. */
    void add(long count, int pixels, Pixel v) {
      for (int ch = 0; ch < sum.length; ch++) {
        double s = 0;
        double q = 0;
        for (int i = 0; i < pixels; i++) {
          double x = v.value(i, ch);
          s += x;
          q += x * x;
        }
        sum[ch] += count * s;
        squares[ch] += count * q;
        meanSum[ch] += count * (s / pixels);
        meanSquares[ch] += count * (s / pixels) * (s / pixels);
      }
      samples += count;
      values += count * pixels;
    }

    double[] mean() {
      return Arrays.stream(sum).map(s -> s / values).toArray();
    }

    double[] std() {
      double[] m = mean();
      double[] out = new double[sum.length];
      for (int ch = 0; ch < out.length; ch++) {
        out[ch] = Math.sqrt(Math.max(0, squares[ch] / values - m[ch] * m[ch]));
      }
      return out;
    }

    /**
     * Standard errors over a random subset of {@code population} (null otherwise); NaN for a
     * subset of one sample, as {@link SampleMeans} gives the sample outputs'.
     */
    double[] se(long population) {
      if (population == 0) {
        return null;
      }
      double[] out = new double[sum.length];
      if (samples < 2) {
        Arrays.fill(out, Double.NaN);
        return out;
      }
      for (int ch = 0; ch < out.length; ch++) {
        double m = meanSum[ch] / samples;
        double s2 = Math.max(0, meanSquares[ch] - samples * m * m) / (samples - 1);
        out[ch] = Math.sqrt((1 - (double) samples / population) * s2 / samples);
      }
      return out;
    }
  }
}
