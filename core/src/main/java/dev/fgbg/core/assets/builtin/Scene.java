package dev.fgbg.core.assets.builtin;

import java.util.ArrayList;
import java.util.List;

/**
 * One background's world: camera, light, the room box (indoors) and the objects in it. Filled in
 * by {@link SceneDescriber}; read-only once rendering starts.
 *
 * <p>World axes: X right, Y up, Z forward; the camera stands at (0, {@link #camH}, 0) pitched
 * down by {@link #pitch}. The floor or ground is Y = 0. A room spans X from -{@link #roomLeft}
 * to {@link #roomRight}, Z from behind the camera to {@link #roomDepth}.
 */
final class Scene {
  /** An axis-aligned box with a colour and a texture. */
  record Box(double x0, double y0, double z0, double x1, double y1, double z1, int rgb,
      BoxTexture texture) {}

  /** A tree crown. */
  record Sphere(double x, double y, double z, double r, int rgb) {}

  /** A vertical cylinder standing on the ground. */
  record Cylinder(double x, double z, double r, double h, int rgb) {}

  /**
   * A rectangle drawn on a room wall: u runs along the wall (from the camera for the side walls,
   * from the left wall for the back wall), v up; {@code rgb} is a door's colour.
   */
  record Decal(Wall wall, double u0, double v0, double u1, double v1, DecalKind kind, int rgb) {}

  final SceneKind kind;
  final boolean indoor;
  double camH;
  double pitch;
  double hfov;
  double roomLeft;
  double roomRight;
  double roomDepth;
  double roomHeight;
  int wallRgb;
  int floorRgb;
  FloorKind floorKind;
  int groundRgb;
  final List<Box> boxes = new ArrayList<>();
  final List<Sphere> spheres = new ArrayList<>();
  final List<Cylinder> cylinders = new ArrayList<>();
  final List<Decal> decals = new ArrayList<>();
  /** Unit vector towards the light. */
  double lx;
  double ly;
  double lz;

  Scene(SceneKind kind) {
    this.kind = kind;
    this.indoor = kind.indoor();
  }
}
