package dev.fgbg.core.sampling;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * The samples an Export, Stats or Gallery request covers: indices {@code [start, end)}, every
 * {@code stride}-th of them ({@code start, start + stride, …}), and of those, when
 * {@code sample > 0}, a uniform random subset of exactly {@code sample} drawn from the request's
 * seed. Always in ascending index order: indices are background-major, so a walk in this order
 * meets each background's samples together (one shard per background, each background's pixels
 * warm in the caches once).
 *
 * <p>The random subset is the first {@code sample} positions of a keyed permutation of the
 * strided range ({@link EpochPermutation}, keyed by the seed and a constant of its own), sorted:
 * every subset of that size is as likely as any other, membership never depends on the order
 * of the walk, and the same (range, stride, sample, seed) always gives the same indices. It
 * costs {@code sample} permutation lookups and a sort, whatever the dataset's size, and holds
 * the chosen positions: 4 bytes each (8 beyond 2³¹ positions), at most {@link #MAX_SAMPLE}.
 */
public final class Selection implements IndexSequence {
  /** The largest random subset (64 MiB of positions). */
  public static final long MAX_SAMPLE = 1L << 24;
  /** Keys the subset's permutation apart from the epoch orders of the same seed. */
  private static final long SAMPLE_KEY = 0x53454C4543544544L;

  private final long start;
  private final long end;
  private final long stride;
  private final long sample;
  private final long seed;
  private final long population;
  /** The chosen positions of the strided range, ascending; null when not sampled. */
  private final int[] narrow;
  private final long[] wide;

  private Selection(long start, long end, long stride, long sample, long seed) {
    this.start = start;
    this.end = end;
    this.stride = stride;
    this.sample = sample;
    this.seed = seed;
    this.population = strided(start, end, stride);
    EpochPermutation order = sample == 0 ? null
        : new EpochPermutation(population, seed, SAMPLE_KEY, true);
    if (order != null && population <= Integer.MAX_VALUE) {
      narrow = new int[(int) sample];
      Arrays.setAll(narrow, j -> (int) order.indexAt(j));
      Arrays.sort(narrow);
    } else {
      narrow = null;
    }
    if (order != null && narrow == null) {
      wide = new long[(int) sample];
      Arrays.setAll(wide, order::indexAt);
      Arrays.sort(wide);
    } else {
      wide = null;
    }
  }

  /**
   * A selection as requests give it, where 0 means the default: {@code end} 0 is the dataset's
   * size, {@code stride} 0 is 1, {@code sample} 0 is every sample; validated as {@link #of}.
   */
  public static Selection requested(long datasetSize, String dataset, long start, long end,
      long stride, long sample, long seed) {
    return of(datasetSize, dataset, start, end == 0 ? datasetSize : end, stride == 0 ? 1 : stride,
        sample, seed);
  }

  /** Indices {@code [start, end)} of a dataset of {@code datasetSize}, validated. */
  public static Selection range(long datasetSize, String dataset, long start, long end) {
    return of(datasetSize, dataset, start, end, 1, 0, 0);
  }

  /**
   * Validates a request's selection against a dataset of {@code datasetSize} samples (named
   * {@code dataset} in messages), naming the field at fault: range start, range end, stride,
   * sample.
   *
   * @param stride 1 for every index of the range
   * @param sample 0 for all of the strided range, else the size of the random subset
   * @param seed the request's seed, which draws the subset
   */
  public static Selection of(long datasetSize, String dataset, long start, long end, long stride,
      long sample, long seed) {
    if (start < 0 || start >= datasetSize) {
      throw FgbgException.invalidArgument("range start " + start + " must be in [0, "
          + datasetSize + ") for dataset " + Quoted.of(dataset));
    }
    if (end < 0) { // not an empty range: a field at fault, named as the others are
      throw FgbgException.invalidArgument("range end " + end + " must not be negative");
    }
    if (end > datasetSize) {
      throw FgbgException.invalidArgument("range end " + end + " is past the end of dataset "
          + Quoted.of(dataset) + " (" + datasetSize + " samples)");
    }
    if (end <= start) {
      throw FgbgException.invalidArgument("range " + start + ":" + end + " is empty");
    }
    if (stride < 1) {
      throw FgbgException.invalidArgument("stride " + stride + " must be at least 1");
    }
    if (sample < 0 || sample > MAX_SAMPLE) {
      throw FgbgException.invalidArgument(String.format(Locale.ROOT,
          "sample %d must be in [0, %,d] (0: every sample of the range)", sample, MAX_SAMPLE));
    }
    long population = strided(start, end, stride);
    if (sample > population) {
      throw FgbgException.invalidArgument("sample " + sample + " is more than the "
          + population + " samples of range " + start + ":" + end
          + (stride > 1 ? " with stride " + stride : "")
          + "; leave out --sample (sample 0) to take all " + population);
    }
    return new Selection(start, end, stride, sample, seed);
  }

  /** Indices of {@code [start, end)} (not empty) a stride apart; no overflow at any stride. */
  private static long strided(long start, long end, long stride) {
    return (end - start - 1) / stride + 1;
  }

  @Override
  public long size() {
    return sample > 0 ? sample : population;
  }

  @Override
  public long indexAt(long position) {
    long q = narrow != null ? narrow[(int) position] : wide != null ? wide[(int) position]
        : position;
    return start + q * stride;
  }

  /** The first position whose index is at least {@code index} ({@link #size()} if none). */
  public long firstAtOrAfter(long index) {
    long lo = 0;
    long hi = size();
    while (lo < hi) {
      long mid = (lo + hi) >>> 1;
      if (indexAt(mid) < index) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  public long start() {
    return start;
  }

  /** Exclusive. */
  public long end() {
    return end;
  }

  public long stride() {
    return stride;
  }

  /** The size of the random subset; 0 when every sample of the strided range is taken. */
  public long sample() {
    return sample;
  }

  /** Whether this is a random subset (so its statistics are estimates with standard errors). */
  public boolean isRandom() {
    return sample > 0;
  }

  /** The samples of the strided range: what a random subset is drawn from. */
  public long population() {
    return population;
  }

  /** The seed that drew the subset (0 for selections that are not random). */
  public long seed() {
    return sample > 0 ? seed : 0;
  }

  /** Whether this is every index of its range, in order (what requests did before subsets). */
  public boolean isRange() {
    return stride == 1 && sample == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Selection s && s.start == start && s.end == end && s.stride == stride
        && s.sample == sample && s.seed() == seed();
  }

  @Override
  public int hashCode() {
    return Objects.hash(start, end, stride, sample, seed());
  }

  /** "100:260", "0:400000 stride 50", "0:400000 sample 4000 (seed 1)". */
  @Override
  public String toString() {
    return start + ":" + end + (stride > 1 ? " stride " + stride : "")
        + (sample > 0 ? " sample " + sample + " (seed " + Long.toUnsignedString(seed) + ")" : "");
  }
}
