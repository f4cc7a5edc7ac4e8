package dev.fgbg.core.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.SceneFixtures;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.assets.AssetSet;
import dev.fgbg.core.assets.Background;
import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.assets.Foreground;
import dev.fgbg.core.catalog.DatasetCatalog;
import dev.fgbg.core.depth.DepthRuntime;
import dev.fgbg.core.spec.SceneSpec;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.FloorPixels;
import dev.fgbg.core.synth.PinholeCamera;
import dev.fgbg.v1.FolderDatasetConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Depth-aware placement: feet on floor-like surfaces, heights from depth through the camera. */
class DepthPlacementTest {
  @TempDir
  Path dir;

  /** One instance as the floor rule must have placed it: foot pixel, depth, height. */
  private record Placed(int fg, int footPixel, float depth, int height, boolean onFloor) {}

  /**
   * Checks the floor rule for every labelled object of every sample: the foot (middle of the
   * bottom row) on a floor pixel of the background's depth, standing at that depth, with the
   * height the camera gives its real height there, clamped into its scale range. The sample's
   * own cut-out may instead have been moved inside the image after every draw broke the
   * truncation cap; those are returned with onFloor false and must be rare.
   */
  private static List<Placed> checkFloorRule(Dataset d, List<float[]> depths) {
    Spec s = d.spec();
    int w = s.width();
    PinholeCamera cam = new PinholeCamera(w, s.scene().cameraFov());
    List<Set<Integer>> floors = new ArrayList<>();
    for (float[] m : depths) {
      Set<Integer> set = new HashSet<>();
      for (int p : FloorPixels.of(m, w, s.height(), cam).pixels()) {
        set.add(p);
      }
      floors.add(set);
    }
    List<Placed> out = new ArrayList<>();
    for (long i = 0; i < d.size(); i++) {
      SampleInfo info = d.place(2, i);
      for (int k = 0; k < info.instances().size(); k++) {
        InstanceInfo o = info.instances().get(k);
        int foot = (o.y() + o.height() - 1) * w + o.x() + o.width() / 2;
        boolean onFloor = o.x() + o.width() / 2 >= 0 && o.x() + o.width() / 2 < w
            && floors.get(info.bg()).contains(foot);
        assertTrue(onFloor || k == 0, "instance " + (k + 1) + " of " + i + " stands on the floor");
        if (!onFloor) {
          out.add(new Placed(o.fg(), -1, o.depth(), o.height(), false));
          continue;
        }
        float z = depths.get(info.bg())[foot];
        assertEquals(z, o.depth(), "stands at the depth under its foot, " + i);
        Foreground f = d.assets().foregrounds().get(o.fg());
        double real = f.realHeight() > 0 ? f.realHeight() : s.scene().objectHeight();
        double[] range = d.scaleRange(o.fg());
        long hMin = Math.max(1, Math.round(s.height() * range[0]));
        long hMax = Math.max(hMin, Math.round(s.height() * range[1]));
        long expected = Math.max(hMin, Math.min(hMax, Math.round(cam.focal() * real / z)));
        assertEquals(expected, o.height(), "height from depth, instance " + (k + 1) + " of " + i);
        out.add(new Placed(o.fg(), foot, z, o.height(), true));
      }
    }
    long moved = out.stream().filter(p -> !p.onFloor()).count();
    assertTrue(moved * 20 < out.size(), moved + " of " + out.size() + " moved inside");
    return out;
  }

  /** Near objects are larger: of two placements of one cut-out, the nearer is never shorter. */
  private static void nearerIsLarger(List<Placed> placed) {
    int pairs = 0;
    for (Placed a : placed) {
      for (Placed b : placed) {
        if (a.onFloor() && b.onFloor() && a.fg() == b.fg() && a.depth() < b.depth()) {
          assertTrue(a.height() >= b.height(), a + " vs " + b);
          pairs += a.height() > b.height() ? 1 : 0;
        }
      }
    }
    assertTrue(pairs > 100, "strictly larger in " + pairs + " pairs");
  }

  @Test
  void onTheBuiltinWorldFeetStandOnTheFloorAndHeightsFollowTheExactDepth() {
    AssetSet world = BuiltinWorld.create(96, 96, 16, 20);
    Spec spec = Spec.builder().size(96, 96).placements(3).fgScale(0.1, 1.0)
        .position(Spec.Position.DEPTH).scene(SceneSpec.builder().objects(1, 3)
            .maxTruncation(0.4).build()).build();
    Dataset d = new Dataset("depth", world, spec);
    List<float[]> depths = world.backgrounds().stream().map(Background::depth).toList();
    List<Placed> placed = checkFloorRule(d, depths);
    nearerIsLarger(placed);
    // The floor the depth map shows is the world's floor: the plane at each row's floor depth
    // (or a horizontal top of furniture, nearer than it).
    PinholeCamera cam = new PinholeCamera(96, 60);
    long onPlane = 0;
    long above = 0;
    for (Background b : world.backgrounds()) {
      for (int p : FloorPixels.of(b.depth(), 96, 96, cam).pixels()) {
        float plane = b.floorDepth()[p / 96];
        onPlane += Math.abs(b.depth()[p] - plane) <= 0.01 * plane ? 1 : 0;
        above += b.depth()[p] < 0.99 * plane ? 1 : 0;
      }
    }
    assertTrue(onPlane > 20 * above, onPlane + " floor pixels on the plane, " + above
        + " on tops");
  }

  @Test
  void onPhotoFoldersWithAModelTheFloorIsTheModelsAndTeacherModePlacesAsLayeredDoes() {
    Path bg = SceneFixtures.backgrounds(dir, true);
    Path fg = SceneFixtures.foregrounds(dir);
    FolderDatasetConfig c = FolderDatasetConfig.newBuilder().setName("rooms")
        .setBg(bg.toString()).setFg(fg.toString())
        .setSize(SceneFixtures.H + "x" + SceneFixtures.W).setPlacements(8).setFgScale("0.1:1")
        .setPosition("depth").setObjects("1:3").setMaxTruncation(0.4).setObjectHeight(1.1)
        .setDepthModel("tiny").build();
    try (DepthRuntime rt = SceneFixtures.linearDepth(dir)) {
      Dataset layered = DatasetCatalog.folder(c.toBuilder().setDepthMode("layered").build(),
          (m, w) -> rt);
      List<float[]> depths = layered.assets().backgrounds().stream().map(Background::depth)
          .toList();
      List<Placed> placed = checkFloorRule(layered, depths);
      nearerIsLarger(placed);
      for (Placed p : placed) {
        if (p.onFloor()) {
          int row = p.footPixel() / SceneFixtures.W;
          assertTrue(SceneFixtures.roomDepth(row) < SceneFixtures.WALL, "a floor row: " + row);
        }
      }
      assertTrue(placed.stream().anyMatch(p -> p.onFloor() && p.fg() == 3),
          "post_b (no height in labels.csv) placed by --object-height");
      Dataset teacher = DatasetCatalog.folder(c, (m, w) -> rt);
      assertTrue(teacher.depthSource().endsWith(":teacher"));
      assertNotEquals(layered.fingerprint(), teacher.fingerprint());
      for (long i = 0; i < teacher.size(); i++) {
        SampleInfo a = layered.place(2, i);
        SampleInfo b = teacher.place(2, i);
        assertEquals(a.instances(), b.instances(), "the same background depth, the same places");
      }
    }
  }

  @Test
  void depthPlacementWithoutDepthIsAClearError() {
    Path bg = SceneFixtures.backgrounds(dir, true);
    Path fg = SceneFixtures.foregrounds(dir);
    FgbgException e = assertThrows(FgbgException.class, () -> DatasetCatalog.folder(
        FolderDatasetConfig.newBuilder().setName("flat").setBg(bg.toString())
            .setFg(fg.toString()).setPosition("depth").build(), null));
    assertEquals(FgbgException.Reason.INVALID_CONFIG, e.reason());
    assertEquals("dataset 'flat': --position depth needs the backgrounds' depth: give a "
        + "--depth-model (teacher or layered mode)", e.getMessage());
    Dataset plain = TestDatasets.noDepth();
    IllegalArgumentException direct = assertThrows(IllegalArgumentException.class,
        () -> new Dataset("flat", plain.assets(), plain.spec().toBuilder()
            .position(Spec.Position.DEPTH).build()));
    assertTrue(direct.getMessage().contains("position depth needs the backgrounds' depth"),
        direct.getMessage());
  }
}
