package dev.fgbg.core.assets.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.assets.builtin.Scene.Box;
import dev.fgbg.core.assets.builtin.Scene.Decal;
import org.junit.jupiter.api.Test;

class SurfaceTexturesTest {
  private static final int PAINT = 0xE8E4DA;

  /** A room with a window on the back wall (u 1 to 2) and a door on the left (u 3 to 3.9). */
  private static Scene room() {
    Scene s = new Scene(SceneKind.OFFICE);
    s.wallRgb = PAINT;
    s.decals.add(new Decal(Wall.BACK, 1, 0.9, 2, 2.2, DecalKind.WINDOW, 0));
    s.decals.add(new Decal(Wall.LEFT, 3, 0, 3.9, 2.05, DecalKind.DOOR, 0x8B5A2B));
    return s;
  }

  @Test
  void wallsHaveASkirtingBoardAndSlightlyMottledPaint() {
    Scene s = room();
    assertEquals(Colours.scale(PAINT, 0.55), SurfaceTextures.wall(s, Wall.RIGHT, 1.5, 0.05));
    int paint = SurfaceTextures.wall(s, Wall.RIGHT, 1.5, 1.5);
    int red = paint >>> 16;
    assertTrue(Math.abs(red - (PAINT >>> 16)) <= 10, Integer.toHexString(paint));
  }

  @Test
  void aWindowHasAFrameAMullionAndSkyOnlyOnItsOwnWall() {
    Scene s = room();
    assertEquals(0xF4F4F0, SurfaceTextures.wall(s, Wall.BACK, 1.02, 1.5)); // frame
    assertEquals(0xF4F4F0, SurfaceTextures.wall(s, Wall.BACK, 1.5, 1.5)); // mullion
    int pane = SurfaceTextures.wall(s, Wall.BACK, 1.25, 2.0);
    assertTrue((pane & 0xff) > (pane >>> 16), "blue sky: " + Integer.toHexString(pane));
    // The same spot on another wall is paint.
    int elsewhere = SurfaceTextures.wall(s, Wall.RIGHT, 1.25, 2.0);
    assertTrue(Math.abs((elsewhere >>> 16) - (PAINT >>> 16)) <= 10, Integer.toHexString(elsewhere));
  }

  @Test
  void aDoorHasADarkerFrameAndAHandle() {
    Scene s = room();
    assertEquals(0x8B5A2B, SurfaceTextures.wall(s, Wall.LEFT, 3.4, 1.5));
    assertEquals(Colours.scale(0x8B5A2B, 0.7), SurfaceTextures.wall(s, Wall.LEFT, 3.02, 1.5));
    assertEquals(0xD4AF37, SurfaceTextures.wall(s, Wall.LEFT, 3.78, 1.0));
  }

  @Test
  void tilesHaveGroutLines() {
    Scene s = room();
    s.floorKind = FloorKind.TILES;
    s.floorRgb = 0xC8C4BC;
    assertEquals(0x8A8680, SurfaceTextures.floor(s, 1.801, 0.3));
    assertNotEquals(0x8A8680, SurfaceTextures.floor(s, 1.9, 0.3));
  }

  @Test
  void aStreetHasACentreLineEdgeLinesAndSidewalks() {
    Scene s = new Scene(SceneKind.STREET);
    s.groundRgb = 0x55585C;
    assertEquals(0xF0F0E8, SurfaceTextures.ground(s, 0, 1));
    assertNotEquals(0xF0F0E8, SurfaceTextures.ground(s, 0, 4)); // the gap between dashes
    assertEquals(0xE8E8E0, SurfaceTextures.ground(s, -4.2, 10));
    int sidewalk = SurfaceTextures.ground(s, 5, 10);
    assertTrue((sidewalk >>> 16) > 0x80, Integer.toHexString(sidewalk));
  }

  @Test
  void boxTexturesDarkenSeamsAndShelves() {
    Box crate = new Box(0, 0, 0, 1, 1, 1, 0x9C7A4A, BoxTexture.CRATE);
    assertEquals(0.75, SurfaceTextures.box(crate, Axis.Z, 0.3, 0.601, 0));
    assertEquals(1.0, SurfaceTextures.box(crate, Axis.Z, 0.3, 0.45, 0));
    Box shelf = new Box(0, 0, 0, 1, 2, 1, 0x8B5A2B, BoxTexture.BOOKSHELF);
    assertEquals(0.6, SurfaceTextures.box(shelf, Axis.X, 0.3, 0.77, 0));
    assertEquals(1.0, SurfaceTextures.box(shelf, Axis.X, 0.3, 0.95, 0)); // a side: no spines
    double spine = SurfaceTextures.box(shelf, Axis.Z, 0.3, 0.95, 0);
    assertTrue(spine >= 0.85 && spine < 1.05, "spine " + spine);
    Box plain = new Box(0, 0, 0, 1, 1, 1, 0x8B5A2B, BoxTexture.PLAIN);
    assertEquals(1.0, SurfaceTextures.box(plain, Axis.Z, 0.3, 0.601, 0));
  }

  @Test
  void facadesHaveAGridOfWindowsAboveTheGround() {
    Box b = new Box(7, 0, 10, 15, 20, 20, 0xB8A48C, BoxTexture.FACADE);
    assertEquals(0xB8A48C, SurfaceTextures.facade(b, Axis.X, 7, 0.5, 13.5));
    assertEquals(0xB8A48C, SurfaceTextures.facade(b, Axis.X, 7, 4.8, 12.3)); // between windows
    assertNotEquals(0xB8A48C, SurfaceTextures.facade(b, Axis.X, 7, 4.8, 13.5));
  }

  @Test
  void theSkyIsHazyAtTheHorizonAndDeepOverhead() {
    assertEquals(0xDCE8F4, SurfaceTextures.sky(0, 0, 1));
    assertEquals(0xDCE8F4, SurfaceTextures.sky(0, -0.5, 1));
    assertEquals(0x4A7CC8, SurfaceTextures.sky(0, 1, 0));
    int mid = SurfaceTextures.sky(0, 0.1, 1);
    assertTrue(mid != 0xDCE8F4 && mid != 0x4A7CC8);
  }
}
