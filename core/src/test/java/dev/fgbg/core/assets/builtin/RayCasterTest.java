package dev.fgbg.core.assets.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fgbg.core.assets.builtin.Scene.Box;
import dev.fgbg.core.assets.builtin.Scene.Cylinder;
import dev.fgbg.core.assets.builtin.Scene.Sphere;
import org.junit.jupiter.api.Test;

class RayCasterTest {
  private static final double EPS = 1e-12;

  private static Scene outdoors() {
    return new Scene(SceneKind.PARK);
  }

  /** A 5 m wide room (2 m left, 3 m right), 8 m deep and 3 m high. */
  private static Scene room() {
    Scene s = new Scene(SceneKind.OFFICE);
    s.roomLeft = 2;
    s.roomRight = 3;
    s.roomDepth = 8;
    s.roomHeight = 3;
    return s;
  }

  private static Hit cast(Scene s, double oy, double dx, double dy, double dz) {
    return RayCaster.cast(s, new Ray(0, oy, 0, dx, dy, dz));
  }

  private static void assertHit(Hit hit, Surface surface, double t, int index, Axis axis) {
    assertEquals(surface, hit.surface());
    assertEquals(t, hit.t(), EPS);
    assertEquals(index, hit.index());
    assertEquals(axis, hit.axis());
  }

  @Test
  void outdoorsADownwardRayMeetsTheGroundAndAnUpwardOneTheSky() {
    assertHit(cast(outdoors(), 2, 0, -1, 1), Surface.GROUND, 2, -1, Axis.Y);
    assertHit(cast(outdoors(), 2, 0.3, 0.1, 1), Surface.SKY, RayCaster.FAR, -1, null);
    assertHit(cast(outdoors(), 2, 0, 0, 1), Surface.SKY, RayCaster.FAR, -1, null);
  }

  @Test
  void indoorsTheNearestExitOfTheRoomBoxIsTheSurface() {
    assertHit(cast(room(), 1.5, 0, 0, 1), Surface.ROOM, 8, -1, Axis.Z);
    assertHit(cast(room(), 1.5, -1, 0, 0), Surface.ROOM, 2, -1, Axis.X);
    assertHit(cast(room(), 1.5, 1, 0, 0), Surface.ROOM, 3, -1, Axis.X);
    assertHit(cast(room(), 1.5, 0, -1, 0.1), Surface.ROOM, 1.5, -1, Axis.Y);
    assertHit(cast(room(), 1.5, 0, 1, 0.1), Surface.ROOM, 1.5, -1, Axis.Y);
    // Half a metre right per metre forward: the right wall (3 m) comes before the back (8 m).
    assertHit(cast(room(), 1.5, 0.5, 0, 1), Surface.ROOM, 6, -1, Axis.X);
  }

  @Test
  void aBoxIsHitOnTheFaceTheRayEntersThrough() {
    Scene s = outdoors();
    s.boxes.add(new Box(-1, 0, 5, 1, 3, 6, 0, BoxTexture.PLAIN));
    assertHit(cast(s, 1, 0, 0, 1), Surface.BOX, 5, 0, Axis.Z);
    assertHit(RayCaster.cast(s, new Ray(-5, 1, 5.5, 1, 0, 0)), Surface.BOX, 4, 0, Axis.X);
    assertHit(RayCaster.cast(s, new Ray(0, 10, 5.5, 0, -1, 0)), Surface.BOX, 7, 0, Axis.Y);
    // Passing beside it, the ray reaches the ground.
    assertHit(RayCaster.cast(s, new Ray(2, 1, 0, 0, -0.1, 1)), Surface.GROUND, 10, -1, Axis.Y);
  }

  @Test
  void aRayStartingInsideABoxIgnoresIt() {
    Scene s = outdoors();
    s.boxes.add(new Box(-1, 0, -1, 1, 3, 1, 0, BoxTexture.PLAIN));
    assertHit(cast(s, 1, 0, -1, 1), Surface.GROUND, 1, -1, Axis.Y);
  }

  @Test
  void aSphereIsHitOnItsNearSideInRayParameterUnits() {
    Scene s = outdoors();
    s.spheres.add(new Sphere(0, 1, 10, 2, 0));
    assertHit(cast(s, 1, 0, 0, 1), Surface.SPHERE, 8, 0, null);
    // Twice as long a direction: half the parameter for the same point.
    assertHit(cast(s, 1, 0, 0, 2), Surface.SPHERE, 4, 0, null);
    assertHit(cast(s, 1, 0.5, 0, 1), Surface.SKY, RayCaster.FAR, -1, null);
  }

  @Test
  void aCylinderIsHitOnItsSideBetweenTheGroundAndItsTop() {
    Scene s = outdoors();
    s.cylinders.add(new Cylinder(0, 10, 0.5, 3, 0));
    assertHit(cast(s, 1, 0, 0, 1), Surface.CYLINDER, 9.5, 0, null);
    assertHit(cast(s, 4, 0, 0, 1), Surface.SKY, RayCaster.FAR, -1, null);
    // Straight down, parallel to the axis: the side is never crossed.
    assertHit(RayCaster.cast(s, new Ray(0, 5, 10, 0, -1, 0)), Surface.GROUND, 5, -1, Axis.Y);
  }

  @Test
  void theNearestSurfaceWinsWhateverItsKindOrListPosition() {
    Scene s = outdoors();
    s.boxes.add(new Box(-1, 0, 20, 1, 3, 21, 0, BoxTexture.PLAIN));
    s.boxes.add(new Box(-1, 0, 12, 1, 3, 13, 0, BoxTexture.PLAIN));
    s.spheres.add(new Sphere(0, 1, 16, 1, 0));
    s.cylinders.add(new Cylinder(0, 30, 0.5, 3, 0));
    assertHit(cast(s, 1, 0, 0, 1), Surface.BOX, 12, 1, Axis.Z);
    s.spheres.add(new Sphere(0, 1, 8, 1, 0));
    assertHit(cast(s, 1, 0, 0, 1), Surface.SPHERE, 7, 1, null);
    s.cylinders.add(new Cylinder(0, 4, 0.5, 3, 0));
    assertHit(cast(s, 1, 0, 0, 1), Surface.CYLINDER, 3.5, 1, null);
  }

  @Test
  void objectsBehindARoomWallAreHidden() {
    Scene s = room();
    s.boxes.add(new Box(-1, 0, 9, 1, 2, 10, 0, BoxTexture.PLAIN));
    assertHit(cast(s, 1, 0, 0, 1), Surface.ROOM, 8, -1, Axis.Z);
    s.boxes.add(new Box(-1, 0, 6, 1, 2, 7, 0, BoxTexture.PLAIN));
    assertHit(cast(s, 1, 0, 0, 1), Surface.BOX, 6, 1, Axis.Z);
  }
}
