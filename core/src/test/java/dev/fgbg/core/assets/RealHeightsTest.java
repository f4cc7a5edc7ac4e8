package dev.fgbg.core.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Fixtures;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.spec.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real heights for depth placement: labels.csv's height column, and the built-in kinds'. */
class RealHeightsTest {
  @TempDir
  Path root;

  private AssetSet load() {
    return FolderAssets.load(new FolderDataset("f", root.resolve("bg"), root.resolve("fg"), null,
        FolderDataset.MaskFrom.ALPHA), 32, 32);
  }

  @Test
  void aHeightColumnGivesCutOutsTheirRealHeightAndAnEmptyCellNone() throws Exception {
    Fixtures.goodFolders(root);
    Files.writeString(root.resolve("fg/labels.csv"), "file,label,height\nball/x.png,ball,0.22\n"
        + "ball/y.png,ball,\ncup/z.png,cup,0.1\n");
    AssetSet a = load();
    assertEquals(List.of(0.22, 0.0, 0.1), a.foregrounds().stream().map(Foreground::realHeight)
        .toList());
    Files.writeString(root.resolve("fg/labels.csv"), "file,label\nball/x.png,ball\n"
        + "ball/y.png,ball\ncup/z.png,cup\n");
    assertEquals(List.of(0.0, 0.0, 0.0), load().foregrounds().stream()
        .map(Foreground::realHeight).toList(), "two columns: none");
  }

  @Test
  void badHeightsAndHeadersAreNamed() throws Exception {
    Fixtures.goodFolders(root);
    Path csv = root.resolve("fg/labels.csv");
    Files.writeString(csv, "file,label,height\nball/x.png,ball,tall\nball/y.png,ball,-1\n"
        + "cup/z.png,cup,0.1,extra\n");
    FgbgException e = assertThrows(FgbgException.class, this::load);
    // A bad height is its image's problem (skippable); a cut row is the csv's.
    assertTrue(e.getMessage().contains(root.resolve("fg/ball/x.png") + ": " + csv + " row 2: "
        + "height 'tall' must be metres above 0\n"), e.getMessage());
    assertTrue(e.getMessage().contains(root.resolve("fg/ball/y.png") + ": " + csv + " row 3: "
        + "height '-1' must be metres above 0\n"), e.getMessage());
    assertTrue(e.getMessage().contains(csv + ": row 4 has 4 cells but the header "
        + "file,label,height has 3 (quote a name or label that holds a comma)"), e.getMessage());
    assertFalse(e.getMessage().contains("not listed"), e.getMessage());
    Files.writeString(csv, "file,label,size\nball/x.png,ball,1\n");
    e = assertThrows(FgbgException.class, this::load);
    assertTrue(e.getMessage().contains(csv + ": the first row must be the header file,label "
        + "(or file,label,height)"), e.getMessage());
  }

  @Test
  void heightsAreFingerprintedOnlyWhereDepthPlacementReadsThem() {
    AssetSet world = BuiltinWorld.create(32, 32, 2, 3);
    assertEquals(1.7, world.foregrounds().get(0).realHeight(), "a person");
    List<Foreground> taller = world.foregrounds().stream().map(f -> new Foreground(f.name(),
        f.label(), f.width(), f.height(), f.rgba(), f.realHeight() + 0.1)).toList();
    AssetSet other = new AssetSet(32, 32, world.backgrounds(), taller, world.backgroundLabels(),
        world.foregroundLabels(), world.depthSource());
    Spec random = Spec.builder().size(32, 32).build();
    Spec depth = random.toBuilder().position(Spec.Position.DEPTH).build();
    assertEquals(new Dataset("a", world, random).fingerprint(),
        new Dataset("a", other, random).fingerprint());
    assertNotEquals(new Dataset("a", world, depth).fingerprint(),
        new Dataset("a", other, depth).fingerprint());
  }
}
