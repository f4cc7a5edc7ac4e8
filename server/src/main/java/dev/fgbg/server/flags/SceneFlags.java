package dev.fgbg.server.flags;

import dev.fgbg.v1.FolderDatasetConfig;
import picocli.CommandLine.Option;

/**
 * What a composite holds beyond one hard-pasted cut-out. Like the depth flags, they go to the
 * folder dataset given by flags, or to the built-in one when there is none; a config file's
 * datasets use their own fields of the same names.
 */
public final class SceneFlags {
  @Option(names = "--objects", description = "Labelled objects per composite, N or MIN:MAX: the "
      + "sample's own cut-out and up to MAX-1 more, painted far to near. Default: 1.")
  String objects = "";

  @Option(names = "--distractors", description = "Unlabelled objects per composite, N or "
      + "MIN:MAX (painted and in depth, never in the mask). Default: 0.")
  String distractors = "";

  @Option(names = "--max-occlusion", description = "The largest fraction of a labelled object "
      + "nearer ones may hide; an object that would hide more is re-drawn, then dropped. "
      + "Default: 0.5.")
  Double maxOcclusion;

  @Option(names = "--max-truncation", description = "The largest fraction of a labelled object "
      + "that may lie outside the image. Default: 0 (every object inside).")
  Double maxTruncation;

  @Option(names = "--blend", description = "hard (default), gaussian[:SIGMA] (feathered edge, "
      + "sigma 2 px), poisson (gradient-domain) or motion[:LENGTH] (blur, 9 px); several, "
      + "comma-separated, are drawn per sample. The mask stays the cut-out's.")
  String blend = "";

  @Option(names = "--colour-match", description = "Match each cut-out's colour mean and spread "
      + "to what lies under it.")
  boolean colourMatch;

  @Option(names = "--camera-fov", description = "With --position depth: the camera's "
      + "horizontal field of view in degrees. Default: 60.")
  Double cameraFov;

  @Option(names = "--object-height", description = "With --position depth: the real height in "
      + "metres of cut-outs labels.csv gives none (its column height). Default: 1.")
  Double objectHeight;

  /** {@code c} with these flags' fields set (those given). */
  public FolderDatasetConfig.Builder apply(FolderDatasetConfig.Builder c) {
    c.setObjects(objects).setDistractors(distractors).setBlend(blend);
    if (maxOcclusion != null) {
      c.setMaxOcclusion(maxOcclusion);
    }
    if (maxTruncation != null) {
      c.setMaxTruncation(maxTruncation);
    }
    if (colourMatch) {
      c.setColourMatch(true);
    }
    if (cameraFov != null) {
      c.setCameraFov(cameraFov);
    }
    if (objectHeight != null) {
      c.setObjectHeight(objectHeight);
    }
    return c;
  }
}
