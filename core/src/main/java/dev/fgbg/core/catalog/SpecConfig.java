package dev.fgbg.core.catalog;

import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.spec.SpecFieldException;
import dev.fgbg.v1.FolderDatasetConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A dataset configuration's placement, mask and scene fields (flag-style text) as a {@link
 * Spec}, every bad setting named: the spec checks one rule at a time, so each setting at fault
 * is named and then left at its default to find the next, and one refusal lists them all.
 */
final class SpecConfig {
  private SpecConfig() {}

  /** A setting's text that cannot be read, named by the setting (flag form, "fg-scale"). */
  static final class SettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String setting;

    SettingException(String setting, String message) {
      super(message);
      this.setting = setting;
    }

    String setting() {
      return setting;
    }
  }

  /** The spec; INVALID_CONFIG with one line per setting at fault, each naming {@code who}. */
  static Spec of(String who, FolderDatasetConfig c, SettingNames names) {
    List<String> problems = new ArrayList<>();
    Spec spec = of(who, c, names, problems);
    if (!problems.isEmpty()) {
      throw FgbgException.invalidConfig(String.join("\n", problems));
    }
    return spec;
  }

  /** The spec, or null with a line per setting at fault added to {@code problems}. */
  static Spec of(String who, FolderDatasetConfig c, SettingNames names, List<String> problems) {
    FolderDatasetConfig.Builder left = c.toBuilder();
    int before = problems.size();
    while (true) { // ends: each turn clears a set field or stops
      String setting;
      try {
        Spec spec = build(left.build(), names);
        return problems.size() == before ? spec : null;
      } catch (SettingException e) {
        problems.add(who + ": " + e.getMessage());
        setting = e.setting();
      } catch (SpecFieldException e) {
        setting = SettingNames.ofSpecField(e.field());
        problems.add(who + ": " + names.of(setting) + " " + Quoted.of(text(c, setting)) + ": "
            + e.rule());
      } catch (IllegalArgumentException e) { // no setting to leave out: the first is all
        problems.add(who + ": " + e.getMessage());
        return null;
      }
      FieldDescriptor f = field(setting);
      if (f == null || !left.hasField(f)) {
        return null;
      }
      left.clearField(f);
    }
  }

  private static Spec build(FolderDatasetConfig c, SettingNames names) {
    Spec.Builder b = Spec.builder();
    if (!c.getSize().isEmpty()) {
      int[] hw = read("size", () -> size(names.of("size"), c.getSize()));
      b.size(hw[0], hw[1]);
    }
    if (!c.getFgScale().isEmpty()) {
      double[] mm = pair(names, "fg-scale", c.getFgScale());
      b.fgScale(mm[0], mm[1]);
    }
    if (c.hasPlacements()) {
      b.placements(c.getPlacements());
    }
    if (c.hasFlip()) {
      b.flip(c.getFlip());
    }
    b.position(switch (c.getPosition().toLowerCase(Locale.ROOT)) {
      case "", "random" -> Spec.Position.RANDOM;
      case "fixed" -> Spec.Position.FIXED;
      case "ground" -> Spec.Position.GROUND;
      case "depth" -> Spec.Position.DEPTH;
      default -> throw new SettingException("position", names.of("position") + " '"
          + c.getPosition() + "' must be random, fixed, ground or depth");
    });
    if (!c.getGroundBand().isEmpty()) {
      double[] band = pair(names, "ground-band", c.getGroundBand());
      b.ground(band[0], band[1]);
    }
    if (c.hasMaskThreshold()) {
      b.maskThreshold(c.getMaskThreshold());
    }
    if (c.hasSoftMask()) {
      b.softMask(c.getSoftMask());
    }
    Spec spec = b.scene(SceneConfig.parse(c, names)).build();
    SceneConfig.checkRead(c, spec, names);
    return spec;
  }

  /** What {@code parse} gives; a SettingException naming {@code setting} when it cannot. */
  static <T> T read(String setting, Supplier<T> parse) {
    try {
      return parse.get();
    } catch (SpecFieldException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new SettingException(setting, e.getMessage());
    }
  }

  /** The text {@code c} holds for a setting (flag form), as the user wrote it. */
  private static String text(FolderDatasetConfig c, String setting) {
    FieldDescriptor f = field(setting);
    return f == null ? "" : String.valueOf(c.getField(f));
  }

  /** The config field a setting (flag form) is, or null. */
  private static FieldDescriptor field(String setting) {
    return FolderDatasetConfig.getDescriptor().findFieldByName(setting.replace('-', '_'));
  }

  /** "MIN:MAX" as two numbers; a SettingException naming the setting otherwise. */
  private static double[] pair(SettingNames names, String setting, String text) {
    String[] p = text.split(":");
    try {
      if (p.length == 2) {
        return new double[] {Double.parseDouble(p[0].trim()), Double.parseDouble(p[1].trim())};
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new SettingException(setting, names.of(setting) + " '" + text + "' must be MIN:MAX");
  }

  /** "H" or "HxW"; IllegalArgumentException naming {@code setting} otherwise. */
  static int[] size(String setting, String s) {
    String[] p = s.toLowerCase(Locale.ROOT).split("x", -1);
    try {
      if (p.length == 1) {
        int v = Integer.parseInt(p[0].trim());
        return new int[] {v, v};
      }
      if (p.length == 2) {
        return new int[] {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim())};
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(setting + " '" + s + "' must be H or HxW, e.g. 224 or "
        + "32x48");
  }
}
