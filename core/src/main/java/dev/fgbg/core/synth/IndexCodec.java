package dev.fgbg.core.synth;

/**
 * The index space {@code N = B × F × flips × P} and its one formula:
 * {@code i = ((bg · F + fg) · flips + flip) · P + k}.
 *
 * <p>File names ({@code fg_bg_{fg}_{bg}_{flip}_{k}}) and indices agree through this class alone.
 */
public record IndexCodec(int backgrounds, int foregrounds, int flips, int placements) {
  /** The formula, as describe and the UI show it. */
  public static final String FORMULA = "i = ((bg * F + fg) * flips + flip) * P + k";

  public IndexCodec {
    if (backgrounds < 1 || foregrounds < 1 || placements < 1 || flips < 1 || flips > 2) {
      throw new IllegalArgumentException("bad index space " + backgrounds + "x" + foregrounds
          + "x" + flips + "x" + placements);
    }
  }

  public long size() {
    return (long) backgrounds * foregrounds * flips * placements;
  }

  public long encode(int bg, int fg, int flip, int k) {
    return (((long) bg * foregrounds + fg) * flips + flip) * placements + k;
  }

  public int k(long index) {
    return (int) (index % placements);
  }

  public int flip(long index) {
    return (int) ((index / placements) % flips);
  }

  public int fg(long index) {
    return (int) ((index / placements / flips) % foregrounds);
  }

  public int bg(long index) {
    return (int) (index / placements / flips / foregrounds);
  }

  public boolean contains(long index) {
    return index >= 0 && index < size();
  }
}
