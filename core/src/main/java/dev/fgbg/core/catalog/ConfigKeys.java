package dev.fgbg.core.catalog;

import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.fgbg.core.Nearest;
import java.util.List;

/** The key a mistyped config key was meant to be, by {@link Nearest}'s rule. */
final class ConfigKeys {
  private ConfigKeys() {}

  /** The key nearest {@code key}, or null when none is close. */
  static FieldDescriptor nearest(String key, List<FieldDescriptor> keys) {
    List<String> meant = Nearest.of(key, keys.stream().map(FieldDescriptor::getJsonName)
        .toList());
    return meant.isEmpty() ? null : keys.stream()
        .filter(f -> f.getJsonName().equals(meant.get(0))).findFirst().orElse(null);
  }
}
