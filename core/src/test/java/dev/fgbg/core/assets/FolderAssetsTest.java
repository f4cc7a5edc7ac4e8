package dev.fgbg.core.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Fixtures;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.spec.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderAssetsTest {
  @TempDir
  Path root;

  private FolderDataset config(FolderDataset.MaskFrom from, Path masks) {
    return new FolderDataset("f", root.resolve("bg"), root.resolve("fg"), masks, from);
  }

  @Test
  void loadsSortedFilesWithLabelsFromSubFolders() {
    Fixtures.goodFolders(root);
    AssetSet a = FolderAssets.load(config(FolderDataset.MaskFrom.ALPHA, null), 32, 32);
    assertEquals(List.of("c.png", "indoor/a.jpg", "outdoor/b.png"),
        a.backgrounds().stream().map(Background::name).toList());
    assertEquals(List.of("indoor", "none", "outdoor"), a.backgroundLabels());
    assertEquals(1, a.backgrounds().get(0).label());
    assertEquals(0, a.backgrounds().get(1).label());
    assertEquals(List.of("ball", "cup"), a.foregroundLabels());
    assertEquals(1, a.foregrounds().get(2).label());
    for (Background b : a.backgrounds()) {
      assertEquals(32 * 32 * 3, b.rgb().length, "centre-cropped and resized");
      assertNull(b.depth());
    }
    assertEquals("none", a.depthSource());
    assertEquals(20, a.foregrounds().get(0).width(), "foregrounds keep their own size");
  }

  @Test
  void sameFilesSameFingerprintAndAChangedPixelChangesIt() {
    Fixtures.goodFolders(root);
    Spec spec = Spec.builder().size(32, 32).build();
    String f1 = new Dataset("f", FolderAssets.load(config(FolderDataset.MaskFrom.ALPHA, null),
        32, 32), spec).fingerprint();
    String f2 = new Dataset("f", FolderAssets.load(config(FolderDataset.MaskFrom.ALPHA, null),
        32, 32), spec).fingerprint();
    assertEquals(f1, f2);
    Fixtures.write(Fixtures.disc(20, 20, 0xFF3031), root.resolve("fg/ball/x.png"));
    String f3 = new Dataset("f", FolderAssets.load(config(FolderDataset.MaskFrom.ALPHA, null),
        32, 32), spec).fingerprint();
    assertNotEquals(f1, f3);
  }

  @Test
  void luminanceMakesTheMask() {
    Fixtures.write(Fixtures.rgb(32, 32, 1), root.resolve("bg/a.png"));
    Fixtures.write(Fixtures.digit(28, 28), root.resolve("fg/7/d.png"));
    AssetSet a = FolderAssets.load(config(FolderDataset.MaskFrom.LUMINANCE, null), 32, 32);
    byte[] rgba = a.foregrounds().get(0).rgba();
    assertEquals(255, rgba[(10 * 28 + 14) * 4 + 3] & 0xff);
    assertEquals(180, rgba[(10 * 28 + 15) * 4 + 3] & 0xff);
    assertEquals(0, rgba[3] & 0xff);
  }

  @Test
  void sidecarMaskWithTheSameStem() {
    Fixtures.write(Fixtures.rgb(32, 32, 1), root.resolve("bg/a.png"));
    Fixtures.write(Fixtures.rgb(10, 12, 5), root.resolve("fg/p.jpg"));
    Fixtures.write(Fixtures.digit(10, 12), root.resolve("masks/p.png"));
    AssetSet a = FolderAssets.load(config(FolderDataset.MaskFrom.ALPHA, root.resolve("masks")),
        32, 32);
    byte[] rgba = a.foregrounds().get(0).rgba();
    assertEquals(255, rgba[(5 * 10 + 5) * 4 + 3] & 0xff);
    assertEquals(0, rgba[3] & 0xff);
  }

  @Test
  void badAssetsFailNamingFileAndProblem() throws Exception {
    Files.createDirectories(root.resolve("bg"));
    Files.createDirectories(root.resolve("fg"));
    expect("holds no PNG or JPEG", FolderDataset.MaskFrom.ALPHA, null);

    Fixtures.goodFolders(root);
    Path missing = root.resolve("nope");
    FgbgException e = assertThrows(FgbgException.class, () -> FolderAssets.load(
        new FolderDataset("f", missing, root.resolve("fg"), null, FolderDataset.MaskFrom.ALPHA),
        32, 32));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());

    byte[] good = Files.readAllBytes(root.resolve("bg/outdoor/b.png"));
    Files.write(root.resolve("bg/outdoor/b.png"), Arrays.copyOf(good, good.length / 2));
    expect("b.png: unreadable or truncated", FolderDataset.MaskFrom.ALPHA, null);
    Files.write(root.resolve("bg/outdoor/b.png"), good);

    Fixtures.write(Fixtures.rgb(8, 8, 9), root.resolve("fg/cup/opaque.jpg"));
    expect("opaque.jpg has no alpha channel; give a mask folder", FolderDataset.MaskFrom.ALPHA,
        null);

    Path masks = root.resolve("masks");
    Fixtures.write(Fixtures.digit(20, 20), masks.resolve("ball/x.png"));
    Fixtures.write(Fixtures.digit(16, 24), masks.resolve("ball/y.png"));
    Fixtures.write(Fixtures.digit(24, 20), masks.resolve("cup/z.png"));
    Fixtures.write(Fixtures.digit(9, 8), masks.resolve("cup/opaque.png"));
    expect("is 9x8 but foreground", FolderDataset.MaskFrom.ALPHA, masks);
    Files.delete(masks.resolve("cup/opaque.png"));
    expect("no mask for foreground cup/opaque.jpg", FolderDataset.MaskFrom.ALPHA, masks);
  }

  @Test
  void foregroundThatCannotFitIsRejected() {
    Fixtures.write(Fixtures.rgb(32, 32, 1), root.resolve("bg/a.png"));
    Fixtures.write(Fixtures.disc(100, 10, 0xFFFFFF), root.resolve("fg/wide.png"));
    AssetSet a = FolderAssets.load(config(FolderDataset.MaskFrom.ALPHA, null), 32, 32);
    FgbgException e = assertThrows(FgbgException.class,
        () -> new Dataset("f", a, Spec.builder().size(32, 32).build()));
    assertTrue(e.getMessage().contains("wide.png") && e.getMessage().contains("cannot fit"),
        e.getMessage());
  }

  private void expect(String fragment, FolderDataset.MaskFrom from, Path masks) {
    FgbgException e = assertThrows(FgbgException.class,
        () -> FolderAssets.load(config(from, masks), 32, 32));
    assertEquals(FgbgException.Reason.INVALID_CONFIG, e.reason());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
