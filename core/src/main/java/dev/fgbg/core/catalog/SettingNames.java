package dev.fgbg.core.catalog;

/**
 * How a message names a dataset setting: as the flag that sets it or as its key in a config
 * file. Settings are named in flag form ("fg-scale") throughout the catalog.
 */
enum SettingNames {
  /** The folder dataset's flags: {@code --fg-scale}. */
  FLAGS,
  /** The built-in dataset's flags: its size and placements have flags of their own. */
  BUILTIN_FLAGS,
  /** A datasets.json key, as protobuf's JSON names it: {@code "fgScale"}. */
  CONFIG_KEYS;

  String of(String setting) {
    return switch (this) {
      case FLAGS -> "--" + setting;
      case BUILTIN_FLAGS -> setting.equals("size") || setting.equals("placements")
          ? "--builtin-" + setting : "--" + setting;
      case CONFIG_KEYS -> '"' + lowerCamel(setting) + '"';
    };
  }

  /** The setting whose text gives a spec field its value. */
  static String ofSpecField(String field) {
    return switch (field) {
      case "height", "width" -> "size";
      case "fg_scale_min", "fg_scale_max" -> "fg-scale";
      case "ground_min", "ground_max" -> "ground-band";
      case "objects_min", "objects_max" -> "objects";
      case "distractors_min", "distractors_max" -> "distractors";
      case "feather_sigma", "motion_length" -> "blend";
      default -> field.replace('_', '-');
    };
  }

  private static String lowerCamel(String setting) {
    StringBuilder s = new StringBuilder();
    boolean upper = false;
    for (char ch : setting.toCharArray()) {
      if (ch == '-') {
        upper = true;
      } else {
        s.append(upper ? Character.toUpperCase(ch) : ch);
        upper = false;
      }
    }
    return s.toString();
  }
}
