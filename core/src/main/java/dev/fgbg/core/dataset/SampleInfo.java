package dev.fgbg.core.dataset;

import dev.fgbg.core.spec.SceneSpec;
import java.util.List;

/**
 * What sample {@code index} is: its factors and where the foreground went.
 * Box coordinates are inclusive-exclusive; all zero when the mask is empty.
 *
 * <p>For a scene, the fields describe the sample's own cut-out (instance 1) with its bbox the box
 * of its visible part, {@code instances} lists every labelled object (instance id = position +
 * 1), {@code blend} is the sample's mode and {@code distractors} the unlabelled objects painted;
 * for the classic composite {@code instances} is empty and {@code blend} null.
 */
public record SampleInfo(long index, int bg, int fg, boolean flip, int k, int x, int y,
    int fgWidth, int fgHeight, double scale, int bboxX0, int bboxY0, int bboxX1, int bboxY1,
    int bgLabel, int fgLabel, float fgDepth, List<InstanceInfo> instances,
    SceneSpec.Blend blend, int distractors) {

  public SampleInfo {
    instances = List.copyOf(instances);
  }

  /** A classic composite's info. */
  public SampleInfo(long index, int bg, int fg, boolean flip, int k, int x, int y,
      int fgWidth, int fgHeight, double scale, int bboxX0, int bboxY0, int bboxX1, int bboxY1,
      int bgLabel, int fgLabel, float fgDepth) {
    this(index, bg, fg, flip, k, x, y, fgWidth, fgHeight, scale, bboxX0, bboxY0, bboxX1, bboxY1,
        bgLabel, fgLabel, fgDepth, List.of(), null, 0);
  }
}
