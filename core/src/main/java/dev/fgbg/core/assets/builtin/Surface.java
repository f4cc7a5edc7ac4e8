package dev.fgbg.core.assets.builtin;

/** What kind of surface a ray hit first. */
enum Surface {
  /** The inside of the room box: floor, ceiling or a wall. */
  ROOM,
  /** The ground plane outdoors. */
  GROUND,
  BOX,
  SPHERE,
  CYLINDER,
  /** Nothing: an outdoor ray that left the scene, placed at {@link RayCaster#FAR}. */
  SKY
}
