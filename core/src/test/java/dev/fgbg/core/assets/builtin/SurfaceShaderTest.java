package dev.fgbg.core.assets.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.assets.builtin.Scene.Box;
import org.junit.jupiter.api.Test;

class SurfaceShaderTest {
  private static final Ray FORWARD = new Ray(0, 1, 0, 0, 0, 1);

  /** A scene lit from straight behind the camera, with one plain box ahead facing it. */
  private static Scene facingTheLight(SceneKind kind, int rgb, double z) {
    Scene s = new Scene(kind);
    s.lz = -1;
    s.boxes.add(new Box(-1, 0, z, 1, 2, z + 1, rgb, BoxTexture.PLAIN));
    return s;
  }

  private static int shadeBox(Scene s, double t) {
    return SurfaceShader.shade(s, FORWARD, new Hit(t, Surface.BOX, 0, Axis.Z));
  }

  @Test
  void outdoorsLightIsAmbientPlusLambert() {
    Scene s = facingTheLight(SceneKind.STREET, 0x808080, 5);
    assertEquals(141, shadeBox(s, 5) >>> 16); // 128 * (0.55 + 0.55), barely hazy
    s.lz = 1; // the sun now lights the box's far side
    assertEquals(70, shadeBox(s, 5) >>> 16); // 128 * 0.55
  }

  @Test
  void outdoorsDistanceFadesIntoHaze() {
    Scene s = facingTheLight(SceneKind.PARK, 0x000000, 100);
    assertEquals(0x000000, shadeBox(s, 0));
    assertEquals(Colours.mix(0, 0xC8D8E8, 0.8), shadeBox(s, 100));
    assertEquals(Colours.mix(0, 0xC8D8E8, 0.8), shadeBox(s, 150)); // the haze tops out at FAR
  }

  @Test
  void indoorsLightFallsOffWithDistanceWithoutHaze() {
    Scene s = facingTheLight(SceneKind.OFFICE, 0x808080, 2);
    int near = shadeBox(s, 2);
    int far = shadeBox(s, 20);
    assertEquals(Colours.scale(0x808080, 1.0 / (1.0 + 0.035 * 2)), near);
    assertEquals(Colours.scale(0x808080, 1.0 / (1.0 + 0.035 * 20)), far);
  }

  @Test
  void aSkyHitIsTheSkyUnlit() {
    Ray up = new Ray(0, 1, 0, 0, 1, 0);
    Scene s = new Scene(SceneKind.PARK);
    Hit sky = new Hit(RayCaster.FAR, Surface.SKY, -1, null);
    assertEquals(0x4A7CC8, SurfaceShader.shade(s, up, sky));
  }

  @Test
  void aRoomFloorIsLitFromAboveAndItsTextureDependsOnTheHitPoint() {
    Scene s = new Scene(SceneKind.WAREHOUSE);
    s.roomLeft = 2;
    s.roomRight = 2;
    s.roomDepth = 8;
    s.roomHeight = 3;
    s.floorKind = FloorKind.CONCRETE;
    s.floorRgb = 0x8E8E88;
    s.ly = 1;
    // Straight down from 1 m onto the painted lane at x = -0.3.
    Ray down = new Ray(-0.3, 1, 3, 0, -1, 0);
    int lane = SurfaceShader.shade(s, down, RayCaster.cast(s, down));
    assertTrue((lane >>> 16) > (lane & 0xff) + 40, "yellow paint: " + Integer.toHexString(lane));
  }
}
