package dev.fgbg.core.assets.builtin;

import java.util.Arrays;
import java.util.List;

/**
 * What a background shows. The declaration order is the background label code (and scene
 * {@code i} is kind {@code i % 5}), so it must not change.
 */
enum SceneKind {
  OFFICE("office", true),
  LIVING_ROOM("living_room", true),
  WAREHOUSE("warehouse", true),
  STREET("street", false),
  PARK("park", false);

  private static final SceneKind[] ALL = values();

  private final String label;
  private final boolean indoor;

  SceneKind(String label, boolean indoor) {
    this.label = label;
    this.indoor = indoor;
  }

  /** The kind of background number {@code index}: the kinds take turns. */
  static SceneKind of(int index) {
    return ALL[index % ALL.length];
  }

  /** The labels in label-code order. */
  static List<String> labels() {
    return Arrays.stream(ALL).map(SceneKind::label).toList();
  }

  String label() {
    return label;
  }

  /** Whether the camera stands inside a room box rather than on open ground under the sky. */
  boolean indoor() {
    return indoor;
  }
}
