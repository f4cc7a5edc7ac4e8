package dev.fgbg.core.catalog;

import dev.fgbg.core.spec.SceneSpec;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.v1.FolderDatasetConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A dataset configuration's scene fields (flag-style text) as a {@link SceneSpec}; an
 * {@link SpecConfig.SettingException} naming the setting at fault, or a SpecFieldException
 * naming the spec field, otherwise.
 */
final class SceneConfig {
  private static final Pattern WHOLE = Pattern.compile("[+-]?[0-9]+");
  private static final String BLEND_RULE = "must be hard, gaussian[:SIGMA], poisson or "
      + "motion[:LENGTH], or several of them comma-separated";

  private SceneConfig() {}

  static SceneSpec parse(FolderDatasetConfig c, SettingNames names) {
    SceneSpec.Builder b = SceneSpec.builder();
    if (!c.getObjects().isEmpty()) {
      int[] mm = SpecConfig.read("objects", () -> range(names.of("objects"), c.getObjects(), 1));
      b.objects(mm[0], mm[1]);
    }
    if (!c.getDistractors().isEmpty()) {
      int[] mm = SpecConfig.read("distractors",
          () -> range(names.of("distractors"), c.getDistractors(), 0));
      b.distractors(mm[0], mm[1]);
    }
    if (c.hasMaxOcclusion()) {
      b.maxOcclusion(c.getMaxOcclusion());
    }
    if (c.hasMaxTruncation()) {
      b.maxTruncation(c.getMaxTruncation());
    }
    if (!c.getBlend().isEmpty()) {
      SpecConfig.read("blend", () -> blend(names.of("blend"), c.getBlend(), b));
    }
    if (c.hasColourMatch()) {
      b.colourMatch(c.getColourMatch());
    }
    if (c.hasCameraFov()) {
      b.cameraFov(c.getCameraFov());
    }
    if (c.hasObjectHeight()) {
      b.objectHeight(c.getObjectHeight());
    }
    return b.build();
  }

  /**
   * A SettingException for a scene setting {@code spec} would not read (given alone it would
   * be silently ignored), as for --mask-from luminance with --fg-masks.
   */
  static void checkRead(FolderDatasetConfig c, Spec spec, SettingNames names) {
    SceneSpec s = spec.scene();
    if (c.hasMaxOcclusion() && s.objectsMax() < 2 && s.distractorsMax() == 0) {
      throw ignored(names, "max-occlusion", "only other objects hide a labelled one: give "
          + names.of("objects") + " MIN:MAX with MAX above 1, or " + names.of("distractors"));
    }
    if (spec.position() != Spec.Position.DEPTH && (c.hasCameraFov() || c.hasObjectHeight())) {
      throw ignored(names, c.hasCameraFov() ? "camera-fov" : "object-height", "only "
          + names.of("position") + " depth reads it: give " + names.of("position") + " depth");
    }
  }

  private static SpecConfig.SettingException ignored(SettingNames names, String setting,
      String why) {
    return new SpecConfig.SettingException(setting, names.of(setting) + " would be ignored ("
        + why + ", or leave it out)");
  }

  /** "N" or "MIN:MAX" as {min, max}; {@code least}: the lowest count the setting takes. */
  private static int[] range(String setting, String text, int least) {
    String[] p = text.split(":", -1);
    try {
      if (p.length == 1) {
        int n = Integer.parseInt(p[0].trim());
        return new int[] {n, n};
      }
      if (p.length == 2) {
        return new int[] {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim())};
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    if (p.length <= 2 && Arrays.stream(p).allMatch(n -> WHOLE.matcher(n.trim()).matches())) {
      // Whole numbers past int's range: as out of range as 1000000, not of another form.
      throw new IllegalArgumentException(setting + " '" + text + "' is out of range: counts "
          + "must be in [" + least + ", " + SceneSpec.MAX_OBJECTS + "]");
    }
    throw new IllegalArgumentException(setting + " '" + text + "' must be N or MIN:MAX");
  }

  /** "mode[:param],..." into the builder's modes, feather sigma and motion length. */
  private static Void blend(String setting, String text, SceneSpec.Builder b) {
    List<SceneSpec.Blend> modes = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      String[] mp = part.trim().split(":", -1);
      String mode = mp[0].trim().toLowerCase(Locale.ROOT);
      String param = mp.length == 2 ? mp[1].trim() : null;
      try {
        switch (mode) {
          case "hard", "poisson" -> {
            if (mp.length != 1) {
              throw new IllegalArgumentException();
            }
            modes.add(mode.equals("hard") ? SceneSpec.Blend.HARD : SceneSpec.Blend.POISSON);
          }
          case "gaussian" -> {
            modes.add(SceneSpec.Blend.GAUSSIAN);
            if (param != null) {
              b.featherSigma(Double.parseDouble(param));
            }
          }
          case "motion" -> {
            modes.add(SceneSpec.Blend.MOTION);
            if (param != null) {
              b.motionLength(Integer.parseInt(param));
            }
          }
          default -> throw new IllegalArgumentException();
        }
        if (mp.length > 2) {
          throw new IllegalArgumentException();
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(setting + " '" + text + "' " + BLEND_RULE, e);
      }
    }
    b.blends(modes);
    return null;
  }
}
