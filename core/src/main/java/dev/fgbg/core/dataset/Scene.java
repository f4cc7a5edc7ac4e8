package dev.fgbg.core.dataset;

import dev.fgbg.core.spec.SceneSpec;
import java.util.List;

/**
 * A planned scene: its objects (labelled ones first, so instance id = index + 1 for those), who
 * is seen at each pixel, the blending mode and the meta. The map is the planning thread's own
 * and valid until that thread plans again.
 */
record Scene(int bg, List<SceneObject> objects, int labelled, OcclusionMap map,
    SceneSpec.Blend blend, SampleInfo info) {}
