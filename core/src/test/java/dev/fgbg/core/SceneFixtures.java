package dev.fgbg.core;

import dev.fgbg.core.depth.DepthRuntime;
import dev.fgbg.core.depth.ModelConfig;
import dev.fgbg.core.depth.OnnxDepthModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Photo folders for scene tests, written as real files: "rooms" whose depth under
 * {@link TinyOnnx#linearDepth} (depth = (R + 2G + 4B + 1) / 256) is a floor plane seen by a level
 * pinhole camera below a wall, textured photos, and cut-outs with a labels.csv that gives some
 * of them real heights.
 */
public final class SceneFixtures {
  /** Output size of the photo datasets. */
  public static final int H = 48;
  public static final int W = 64;
  /** The rooms' camera: horizontal field of view, height above the floor, the wall's depth. */
  public static final double FOV = 60;
  public static final double CAMERA_HEIGHT = 0.9;
  public static final double WALL = 6.5;

  private SceneFixtures() {}

  /** The z-depth the rooms' camera sees at row {@code v}: the floor, or the wall above it. */
  public static double roomDepth(int v) {
    double f = (W / 2.0) / Math.tan(Math.toRadians(FOV) / 2);
    double below = v + 0.5 - H / 2.0;
    return below <= 0 ? WALL : Math.min(WALL, f * CAMERA_HEIGHT / below);
  }

  /** A colour whose linear depth is {@code depth} (to 1/256), varied along x by {@code tint}. */
  private static int colourOf(double depth, int tint) {
    int v = (int) Math.round(depth * 256 - 1);
    int b = Math.min(255, v / 4);
    int g = Math.min(255, (v - 4 * b) / 2);
    int r = v - 4 * b - 2 * g;
    // Trade a unit of green for two of red where it fits: same depth, some texture.
    if (tint % 3 == 0 && g > 0 && r <= 253) {
      g--;
      r += 2;
    }
    return r << 16 | g << 8 | b;
  }

  /** bg/room_N.png: the floor-and-wall rooms; bg/photo_N.png: gradients (with roomsOnly false). */
  public static Path backgrounds(Path root, boolean roomsOnly) {
    Path dir = root.resolve("bg");
    for (int n = 0; n < 3; n++) {
      BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          img.setRGB(x, y, colourOf(roomDepth(y) * (1 - 0.02 * n), x + n));
        }
      }
      Fixtures.write(img, dir.resolve("room_" + n + ".png"));
    }
    if (!roomsOnly) {
      for (int n = 0; n < 2; n++) {
        Fixtures.write(Fixtures.rgb(W + 16 * n, H, 5 + n), dir.resolve("photo_" + n + ".png"));
      }
    }
    return dir;
  }

  /**
   * fg/: discs and upright bars in two labels, labels.csv with a height for all but one (which
   * takes the spec's default).
   */
  public static Path foregrounds(Path root) {
    Path dir = root.resolve("fg");
    Fixtures.write(Fixtures.disc(24, 24, 0xE04040), dir.resolve("ball_a.png"));
    Fixtures.write(Fixtures.disc(18, 20, 0x40E040), dir.resolve("ball_b.png"));
    Fixtures.write(bar(10, 30, 0x4040E0), dir.resolve("post_a.png"));
    Fixtures.write(bar(14, 36, 0xE0E040), dir.resolve("post_b.png"));
    try {
      Files.writeString(dir.resolve("labels.csv"), "file,label,height\nball_a.png,ball,0.4\n"
          + "ball_b.png,ball,0.3\npost_a.png,post,1.6\npost_b.png,post,\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /** An upright bar with a rounded top and a hole, on transparency. */
  private static BufferedImage bar(int w, int h, int rgb) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean top = y < w / 2 && Math.hypot(x + 0.5 - w / 2.0, y + 0.5 - w / 2.0) > w / 2.0;
        boolean hole = y >= h / 2 && y < h / 2 + 3 && x >= w / 3 && x < w - w / 3;
        img.setRGB(x, y, top || hole ? 0 : 0xFF000000 | (rgb - y));
      }
    }
    return img;
  }

  /** The linear depth model, at the photo datasets' size (so no resampling), on the CPU. */
  public static DepthRuntime linearDepth(Path dir) {
    try {
      Path model = dir.resolve("linear-model");
      TinyOnnx.linearDepth(model);
      Files.writeString(model.resolve("config.json"), "{\"name\": \"tiny\", \"inputHeight\": "
          + H + ", \"inputWidth\": " + W + ", \"inputScale\": 1.0, \"outputKind\": "
          + "\"DEPTH_OUTPUT_KIND_METRIC\", \"outputScale\": 0.00390625, \"maxBatch\": 8, "
          + "\"maxQueueDelayMs\": 20}");
      ModelConfig config = ModelConfig.load(model, null);
      OnnxDepthModel m = OnnxDepthModel.load(config, OnnxDepthModel.Device.CPU, 2);
      return DepthRuntime.create("tiny", m.device(), m, config, 16 << 20, null, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
