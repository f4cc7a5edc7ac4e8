package dev.fgbg.core.dataset;

import dev.fgbg.core.Quoted;
import dev.fgbg.core.assets.AssetSet;
import dev.fgbg.core.assets.Background;
import dev.fgbg.core.assets.Foreground;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.FloorPixels;
import dev.fgbg.core.synth.PinholeCamera;
import dev.fgbg.core.synth.PlacementRng;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;
import java.util.stream.IntStream;

/**
 * Where one object lands, by the spec's position rule, from its draws: the classic rules
 * (random, fixed, ground; x may reach past the edges by the truncation cap) or depth placement
 * (a floor-like foot point, the height the pinhole camera gives). The depth an object stands at
 * follows the foot-point rule: the floor plane's depth at its foot row when the background has
 * one, else the depth map under the middle of its foot.
 */
final class ObjectPlacer {
  /** A placement: top-left, size, the depth it stands at and its foot row. */
  record Spot(int x, int y, int width, int height, float depth, int foot) {}

  private static final Logger LOG = Logger.getLogger(ObjectPlacer.class.getName());

  private final Spec spec;
  private final AssetSet assets;
  private final ScaleFit fit;
  private final List<float[]> depthMaps;
  private final FloorPixels[] floors;
  private final PinholeCamera camera;

  /**
   * The placer of dataset {@code name}; with depth placement, each background's floor pixels
   * are found first (one log line names those without any).
   *
   * @param depthMaps per background, the depth placement reads (null without depth)
   */
  static ObjectPlacer of(String name, Spec spec, AssetSet assets, ScaleFit fit,
      List<float[]> depthMaps) {
    int n = assets.backgrounds().size();
    if (depthMaps != null && (depthMaps.size() != n || depthMaps.stream().anyMatch(
        m -> m == null || m.length != spec.width() * spec.height()))) {
      throw new IllegalArgumentException("dataset " + Quoted.of(name)
          + ": placement depth needs one " + spec.height() + "x" + spec.width()
          + " map per background");
    }
    if (spec.position() != Spec.Position.DEPTH) {
      return new ObjectPlacer(spec, assets, fit, depthMaps, null);
    }
    if (depthMaps == null) {
      throw new IllegalArgumentException("dataset " + Quoted.of(name)
          + ": position depth needs the backgrounds' depth (exact, or from a depth model)");
    }
    PinholeCamera camera = new PinholeCamera(spec.width(), spec.scene().cameraFov());
    FloorPixels[] floors = IntStream.range(0, n).parallel().mapToObj(b -> FloorPixels.of(
        depthMaps.get(b), spec.width(), spec.height(), camera)).toArray(FloorPixels[]::new);
    long none = Arrays.stream(floors).filter(FloorPixels::fallback).count();
    if (none > 0) {
      LOG.info(String.format(Locale.ROOT, "dataset %s: %d of %d backgrounds show no "
          + "floor-like surface in their depth; objects stand on their bottom row (e.g. %s)",
          Quoted.of(name), none, n, assets.backgrounds().get(IntStream.range(0, n)
              .filter(b -> floors[b].fallback()).findFirst().orElseThrow()).name()));
    }
    return new ObjectPlacer(spec, assets, fit, depthMaps, floors);
  }

  private ObjectPlacer(Spec spec, AssetSet assets, ScaleFit fit, List<float[]> depthMaps,
      FloorPixels[] floors) {
    this.spec = spec;
    this.assets = assets;
    this.fit = fit;
    this.depthMaps = depthMaps;
    this.floors = floors;
    this.camera = new PinholeCamera(spec.width(), spec.scene().cameraFov());
  }

  /** Whether objects are ordered by depth (the background has a depth map) or by foot row. */
  boolean hasDepth(int bg) {
    return depthMaps != null && depthMaps.get(bg) != null;
  }

  Spot place(int bgId, int fgId, PlacementRng rng, int slot, int attempt) {
    if (spec.position() == Spec.Position.DEPTH) {
      return onFloor(bgId, fgId, rng, Draws.of(slot, attempt, Draws.FLOOR_POINT));
    }
    Background bg = assets.backgrounds().get(bgId);
    int outW = spec.width();
    int outH = spec.height();
    int fh = fit.height(fgId, rng.uniform(Draws.of(slot, attempt, Draws.HEIGHT)));
    int fw = width(fgId, fh);
    int x;
    int y;
    if (spec.position() == Spec.Position.FIXED) {
      x = outW - fw;
      y = outH - fh;
    } else {
      int over = (int) (spec.scene().maxTruncation() * fw);
      x = rng.below(Draws.of(slot, attempt, Draws.X), outW - fw + 1 + 2 * over) - over;
      // The foot row: low enough that the top is inside, on the floor when there is one, in
      // the ground band when asked for.
      int lo = fh - 1;
      int hi = outH - 1;
      if (bg.hasFloor()) {
        lo = Math.max(bg.footRowMin(), lo);
      }
      if (spec.position() == Spec.Position.GROUND) {
        lo = Math.max(spec.groundTopRow(), lo);
        hi = Math.max(lo, Math.min(hi, spec.groundBottomRow()));
      }
      int foot = lo + rng.below(Draws.of(slot, attempt, Draws.FOOT), hi - lo + 1);
      y = foot - fh + 1;
    }
    return new Spot(x, y, fw, fh, depthAt(bgId, x, y, fw, fh), y + fh - 1);
  }

  /** {@code s} moved the least way to lie wholly inside the image, standing where it lands. */
  Spot inside(int bgId, Spot s) {
    int x = Math.max(0, Math.min(spec.width() - s.width(), s.x()));
    int y = Math.max(0, Math.min(spec.height() - s.height(), s.y()));
    return new Spot(x, y, s.width(), s.height(), depthAt(bgId, x, y, s.width(), s.height()),
        y + s.height() - 1);
  }

  /**
   * Depth placement: the foot on a floor pixel where the camera makes the object a height in
   * its scale range (any floor pixel, the height then clamped, when there is none such).
   */
  private Spot onFloor(int bgId, int fgId, PlacementRng rng, int draw) {
    FloorPixels floor = floors[bgId];
    Foreground f = assets.foregrounds().get(fgId);
    double real = f.realHeight() > 0 ? f.realHeight() : spec.scene().objectHeight();
    double[] range = fit.range(fgId);
    int hMin = (int) Math.max(1, Math.min(spec.height(), Math.round(spec.height() * range[0])));
    int hMax = (int) Math.max(hMin, Math.min(spec.height(), Math.round(spec.height() * range[1])));
    int lo = floor.firstAtLeast(camera.depthFor(real, hMax + 0.5));
    int hi = floor.firstAtLeast(camera.depthFor(real, hMin - 0.5));
    if (lo >= hi) {
      lo = 0;
      hi = floor.size();
    }
    int p = floor.pixels()[lo + rng.below(draw, hi - lo)];
    float z = depthMaps.get(bgId)[p];
    long h = z > 0 ? Math.round(camera.pixelHeight(real, z)) : hMax;
    int fh = (int) Math.max(hMin, Math.min(hMax, h));
    int fw = width(fgId, fh);
    int row = p / spec.width();
    return new Spot(p % spec.width() - fw / 2, row - fh + 1, fw, fh, z, row);
  }

  /** The foot-point rule, with the foot's column kept inside the image. */
  private float depthAt(int bgId, int x, int y, int fw, int fh) {
    Background bg = assets.backgrounds().get(bgId);
    int foot = y + fh - 1;
    if (bg.hasFloor() && spec.position() != Spec.Position.DEPTH) {
      return bg.floorDepth()[foot];
    }
    if (!hasDepth(bgId)) {
      return 0f;
    }
    int col = Math.max(0, Math.min(spec.width() - 1, x + fw / 2));
    return depthMaps.get(bgId)[foot * spec.width() + col];
  }

  /** The width of cut-out {@code fgId} drawn {@code height} pixels tall, within the image. */
  int width(int fgId, int height) {
    Foreground f = assets.foregrounds().get(fgId);
    return (int) Math.max(1, Math.min(spec.width(), ScaleFit.widthAt(f, height)));
  }
}
