package dev.fgbg.core.dataset;

import dev.fgbg.core.assets.AssetSet;
import dev.fgbg.core.spec.SceneSpec;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.IndexCodec;
import dev.fgbg.core.synth.PlacementRng;
import dev.fgbg.core.synth.ScaledForeground;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Plans sample {@code index} as a scene: the sample's own cut-out, then the extra labelled
 * objects and the distractors, each drawn from (seed, index) and tried up to
 * {@link Draws#ATTEMPTS} times until it keeps every labelled object within the occlusion and
 * truncation caps, else dropped. The sample's own cut-out is never dropped: when no attempt
 * keeps it within the truncation cap, its last one is moved wholly inside the image.
 */
final class ScenePlanner {
  private final Spec spec;
  private final AssetSet assets;
  private final IndexCodec codec;
  private final ObjectPlacer placer;
  private final BiFunction<Integer, Integer, ScaledForeground> scaled;

  ScenePlanner(Spec spec, AssetSet assets, IndexCodec codec, ObjectPlacer placer,
      BiFunction<Integer, Integer, ScaledForeground> scaled) {
    this.spec = spec;
    this.assets = assets;
    this.codec = codec;
    this.placer = placer;
    this.scaled = scaled;
  }

  Scene plan(long seed, long index) {
    SceneSpec s = spec.scene();
    PlacementRng rng = new PlacementRng(seed, index);
    int bg = codec.bg(index);
    OcclusionMap map = OcclusionMap.start(spec.width(), spec.height(), spec.maskThreshold());
    int fg = codec.fg(index);
    boolean flip = codec.flip(index) == 1;
    boolean placed = false;
    for (int a = 0; a < Draws.ATTEMPTS && !placed; a++) {
      placed = map.tryAdd(object(bg, 0, fg, flip, true, rng, a, false), 1.0, s.maxTruncation());
    }
    if (!placed) {
      map.add(object(bg, 0, fg, flip, true, rng, Draws.ATTEMPTS - 1, true));
    }
    int extra = s.objectsMin() - 1 + rng.below(Draws.EXTRA_OBJECTS,
        s.objectsMax() - s.objectsMin() + 1);
    int distractors = s.distractorsMin() + rng.below(Draws.DISTRACTORS,
        s.distractorsMax() - s.distractorsMin() + 1);
    int foregrounds = assets.foregrounds().size();
    int labelled = 1;
    int painted = 0;
    for (int slot = 1; slot <= extra + distractors; slot++) {
      boolean isLabelled = slot <= extra;
      int f = rng.below(Draws.of(slot, 0, Draws.FOREGROUND), foregrounds);
      boolean fl = spec.flip() && rng.below(Draws.of(slot, 0, Draws.FLIP), 2) == 1;
      for (int a = 0; a < Draws.ATTEMPTS; a++) {
        if (map.tryAdd(object(bg, slot, f, fl, isLabelled, rng, a, false), s.maxOcclusion(),
            s.maxTruncation())) {
          labelled += isLabelled ? 1 : 0;
          painted += isLabelled ? 0 : 1;
          break;
        }
      }
    }
    List<SceneSpec.Blend> modes = s.blends();
    SceneSpec.Blend blend = modes.size() == 1 ? modes.get(0)
        : modes.get(rng.below(Draws.BLEND, modes.size()));
    return new Scene(bg, map.objects(), labelled, map, blend,
        info(index, bg, map, labelled, blend, painted));
  }

  private SceneObject object(int bg, int slot, int fg, boolean flip, boolean labelled,
      PlacementRng rng, int attempt, boolean inside) {
    ObjectPlacer.Spot p = placer.place(bg, fg, rng, slot, attempt);
    if (inside) {
      p = placer.inside(bg, p);
    }
    float distance = placer.hasDepth(bg) ? p.depth() : -p.foot();
    double angle = Math.PI * rng.uniform(Draws.of(slot, 0, Draws.ANGLE));
    return new SceneObject(slot, fg, flip, labelled, p.x(), p.y(), p.width(), p.height(),
        p.depth(), p.foot(), distance, angle, scaled.apply(fg, p.height()));
  }

  /**
   * The meta: the sample's own cut-out in the top-level fields (its visible box), and for a
   * scene spec every labelled object; a classic spec's meta is the classic one.
   */
  private SampleInfo info(long index, int bg, OcclusionMap map, int labelled,
      SceneSpec.Blend blend, int distractors) {
    List<SceneObject> objects = map.objects();
    List<InstanceInfo> instances = new ArrayList<>();
    for (int i = 0; i < labelled; i++) {
      SceneObject o = objects.get(i);
      int[] b = map.visibleBox(i);
      int total = o.cutout().maskPixels();
      instances.add(new InstanceInfo(o.fg(), o.flip(), o.x(), o.y(), o.width(), o.height(),
          (double) o.height() / spec.height(), b[0], b[1], b[2], b[3],
          total == 0 ? 0 : (double) map.visible(i) / total,
          assets.foregrounds().get(o.fg()).label(), o.depth()));
    }
    InstanceInfo own = instances.get(0);
    boolean scene = spec.isScene();
    return new SampleInfo(index, bg, own.fg(), own.flip(), codec.k(index), own.x(), own.y(),
        own.width(), own.height(), own.scale(), own.bboxX0(), own.bboxY0(), own.bboxX1(),
        own.bboxY1(), assets.backgrounds().get(bg).label(), own.label(), own.depth(),
        scene ? instances : List.of(), scene ? blend : null, scene ? distractors : 0);
  }
}
