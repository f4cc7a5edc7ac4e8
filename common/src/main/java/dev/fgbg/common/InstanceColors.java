package dev.fgbg.common;

/**
 * Turns an instance-id mask into viewable colours: background (0) dark grey, instance i a hue of
 * its own (golden-angle steps, so neighbouring ids differ), the same for every id everywhere.
 * Shared by the CLI and galleries so that every picture of instances reads the same way.
 */
public final class InstanceColors {
  /** Background's colour. */
  public static final int BACKGROUND = 0x202020;

  private InstanceColors() {}

  /** Packed 0xRRGGBB of instance {@code id} (1..255); {@link #BACKGROUND} for 0. */
  public static int of(int id) {
    if (id == 0) {
      return BACKGROUND;
    }
    double h = (id * 137.508) % 360 / 60;
    double v = id % 2 == 0 ? 0.85 : 1.0;
    double s = 0.75;
    double c = v * s;
    double x = c * (1 - Math.abs(h % 2 - 1));
    double[] rgb = switch ((int) h) {
      case 0 -> new double[] {c, x, 0};
      case 1 -> new double[] {x, c, 0};
      case 2 -> new double[] {0, c, x};
      case 3 -> new double[] {0, x, c};
      case 4 -> new double[] {x, 0, c};
      default -> new double[] {c, 0, x};
    };
    double m = v - c;
    return channel(rgb[0] + m) << 16 | channel(rgb[1] + m) << 8 | channel(rgb[2] + m);
  }

  private static int channel(double f) {
    return (int) Math.round(f * 255);
  }

  /** Packed 0xRRGGBB per pixel of {@code ids} (uint8 ids) from {@code off}, {@code n} pixels. */
  public static int[] colorize(byte[] ids, int off, int n) {
    int[] out = new int[n];
    for (int p = 0; p < n; p++) {
      out[p] = of(ids[off + p] & 0xff);
    }
    return out;
  }
}
