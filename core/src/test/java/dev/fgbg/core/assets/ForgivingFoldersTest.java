package dev.fgbg.core.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Fixtures;
import dev.fgbg.core.LogLines;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.spec.Spec;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Photo folders as people make them: hand masks a pixel off or drawn at another scale start
 * with the default flags; a mask that truly does not fit, and any other bad file, is named, and
 * {@code --on-bad-file skip} serves the rest with one warning, the fingerprint that of the files
 * served (removing a skipped file, as the warning asks, keeps caches and exports).
 */
class ForgivingFoldersTest {
  @TempDir
  Path root;

  private FolderDataset config(FolderDataset.OnBadFile onBadFile) {
    return new FolderDataset("f", root.resolve("bg"), root.resolve("fg"), root.resolve("masks"),
        FolderDataset.MaskFrom.ALPHA, ImageFiles.DEFAULT_MAX_PIXELS, onBadFile);
  }

  /** A filled ellipse on black: a hand-drawn mask of the cut-out, at any size. */
  private static BufferedImage ellipse(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double dx = (x + 0.5) / w - 0.5;
        double dy = (y + 0.5) / h - 0.5;
        img.getRaster().setSample(x, y, 0, dx * dx + dy * dy <= 0.2 ? 255 : 0);
      }
    }
    return img;
  }

  @Test
  void masksAPixelOffOrAtAnotherScaleStartWithTheDefaultFlags() {
    Fixtures.write(Fixtures.rgb(64, 64, 1), root.resolve("bg/office.jpg"));
    Fixtures.write(Fixtures.rgb(47, 150, 2), root.resolve("fg/person.jpg"));
    Fixtures.write(ellipse(48, 150), root.resolve("masks/person.png")); // 1 px wider: 2.1% off
    Fixtures.write(Fixtures.rgb(80, 120, 3), root.resolve("fg/desk.jpg"));
    Fixtures.write(ellipse(60, 90), root.resolve("masks/desk.png")); // 75% scale
    Fixtures.write(Fixtures.rgb(12, 150, 4), root.resolve("fg/lamp.jpg"));
    Fixtures.write(ellipse(14, 150), root.resolve("masks/lamp.png")); // 2 px: 17% of a thin one
    Fixtures.write(Fixtures.rgb(40, 40, 5), root.resolve("fg/chair.jpg"));
    Fixtures.write(ellipse(40, 40), root.resolve("masks/chair.png")); // exact
    AssetSet a;
    try (LogLines log = LogLines.capture("dev.fgbg.core.assets")) {
      a = FolderAssets.load(config(FolderDataset.OnBadFile.FAIL), 32, 32);
      assertEquals(List.of("WARNING dataset 'f': 3 of 4 foreground masks differ from their "
          + "cut-out's size (same aspect ratio) and were resampled to it (e.g. desk.jpg: mask "
          + "90x60 -> 120x80)"),
          log.containing("masks"));
    }
    assertEquals(List.of("chair.jpg", "desk.jpg", "lamp.jpg", "person.jpg"),
        a.foregrounds().stream().map(Foreground::name).toList());
    Foreground desk = a.foregrounds().get(1);
    // The mask is fitted to the 80x120 cut-out (not the cut-out to the 60x90 mask), then both
    // are trimmed to the ellipse's box at the cut-out's scale.
    assertEquals(List.of(74, 108), List.of(desk.width(), desk.height()));
    assertEquals(255, desk.rgba()[(desk.height() / 2 * desk.width() + desk.width() / 2) * 4 + 3]
        & 0xff, "the middle is inside");
    assertEquals(0, desk.rgba()[3] & 0xff, "a corner is outside");
    assertTrue(a.skipped().isEmpty());
  }

  @Test
  void aMaskOfAnotherShapeIsNamedAndTheErrorSaysHowToSkip() {
    Fixtures.write(Fixtures.rgb(64, 64, 1), root.resolve("bg/office.jpg"));
    Fixtures.write(Fixtures.rgb(100, 150, 2), root.resolve("fg/person.jpg"));
    Fixtures.write(ellipse(150, 100), root.resolve("masks/person.png")); // on its side
    FgbgException e = assertThrows(FgbgException.class,
        () -> FolderAssets.load(config(FolderDataset.OnBadFile.FAIL), 32, 32));
    assertEquals("dataset 'f': " + root.resolve("fg/person.jpg") + ": mask "
        + root.resolve("masks/person.png") + " is 100x150 but the cut-out is 150x100 (a mask is "
        + "resampled when its aspect ratio is within 3% of the cut-out's, or 2 px on a side, at "
        + "any scale; this one is another shape) (fix or remove it; or start with --on-bad-file "
        + "skip (on_bad_file: \"skip\" in a config file) to serve the rest without the bad "
        + "images)", e.getMessage());
  }

  @Test
  void manySkippedFilesAreLoggedSortedUpToTheCapAndTheAssetSetKeepsEveryOne() throws Exception {
    Fixtures.write(Fixtures.rgb(64, 64, 1), root.resolve("bg/office.jpg"));
    Fixtures.write(Fixtures.rgb(40, 40, 3), root.resolve("fg/good.jpg"));
    Fixtures.write(ellipse(40, 40), root.resolve("masks/good.png"));
    int bad = Problems.SHOWN + 3;
    for (int i = bad - 1; i >= 0; i--) { // written last to first: the log must not care
      Files.writeString(root.resolve(String.format("bg/junk%02d.png", i)), "junk");
    }
    AssetSet a;
    try (LogLines log = LogLines.capture("dev.fgbg.core.assets")) {
      a = FolderAssets.load(config(FolderDataset.OnBadFile.SKIP), 32, 32);
      List<String> lines = log.containing("skipped").get(0).lines().toList();
      assertEquals(1 + Problems.SHOWN + 1, lines.size());
      for (int i = 0; i < Problems.SHOWN; i++) {
        assertEquals("  " + root.resolve(String.format("bg/junk%02d.png", i)) + ": not a PNG or "
            + "JPEG image", lines.get(1 + i));
      }
      assertEquals("  ... and 3 more; `fgbg describe --dataset f` lists every skipped file, and "
          + "so do the web UI's Datasets page and Client.describe().skipped_files",
          lines.get(lines.size() - 1));
    }
    assertEquals(bad, a.skippedFiles().size());
    assertEquals(new SkippedFile(String.format("bg/junk%02d.png", bad - 1),
        "not a PNG or JPEG image"), a.skippedFiles().get(bad - 1));
  }

  @Test
  void skipWithEveryCutOutBadSaysNothingIsLeftAndNamesThem() {
    Fixtures.write(Fixtures.rgb(64, 64, 1), root.resolve("bg/office.jpg"));
    Fixtures.write(Fixtures.rgb(40, 40, 5), root.resolve("fg/maskless.jpg"));
    Fixtures.write(ellipse(40, 40), root.resolve("masks/other.png"));
    FgbgException e = assertThrows(FgbgException.class,
        () -> FolderAssets.load(config(FolderDataset.OnBadFile.SKIP), 32, 32));
    assertTrue(e.getMessage().startsWith("dataset 'f': every foreground is bad, nothing is left "
        + "to serve: (--on-bad-file skip) skipped 1 bad file(s):\n  "
        + root.resolve("fg/maskless.jpg") + ": no mask for foreground maskless.jpg"),
        e.getMessage());
  }

  @Test
  void skipServesTheRestWithOneWarningAndTheFingerprintIsThatOfTheFilesServed()
      throws Exception {
    Fixtures.write(Fixtures.rgb(64, 64, 1), root.resolve("bg/a.jpg"));
    Fixtures.write(Fixtures.rgb(64, 64, 2), root.resolve("bg/b.jpg"));
    Fixtures.write(Fixtures.rgb(40, 40, 3), root.resolve("fg/good.jpg"));
    Fixtures.write(ellipse(40, 40), root.resolve("masks/good.png"));
    Spec spec = Spec.builder().size(32, 32).build();
    String clean = new Dataset("f", FolderAssets.load(config(FolderDataset.OnBadFile.SKIP), 32,
        32), spec).fingerprint();
    assertEquals(clean, new Dataset("f", FolderAssets.load(config(FolderDataset.OnBadFile.FAIL),
        32, 32), spec).fingerprint(), "nothing skipped: the same fingerprint either way");

    Files.writeString(root.resolve("bg/broken.jpg"), "not a jpeg");
    Fixtures.write(Fixtures.rgb(40, 40, 4), root.resolve("fg/sideways.jpg"));
    Fixtures.write(ellipse(80, 20), root.resolve("masks/sideways.png"));
    Fixtures.write(Fixtures.rgb(40, 40, 5), root.resolve("fg/maskless.jpg"));
    AssetSet a;
    try (LogLines log = LogLines.capture("dev.fgbg.core.assets")) {
      a = FolderAssets.load(config(FolderDataset.OnBadFile.SKIP), 32, 32);
      List<String> skipped = log.containing("skipped");
      assertEquals(1, skipped.size(), log.lines().toString());
      String line = skipped.get(0);
      // One line per file, path: reason, as a strict load's refusal has them.
      assertTrue(line.startsWith("WARNING dataset 'f' (--on-bad-file skip) skipped 3 bad file(s), "
          + "serving the rest:\n  " + root.resolve("bg/broken.jpg") + ": not a PNG or JPEG image"
          + "\n  " + root.resolve("fg/maskless.jpg") + ": no mask for foreground maskless.jpg"),
          line);
      assertTrue(line.contains("\n  " + root.resolve("fg/sideways.jpg") + ": mask "), line);
      assertEquals(4, line.lines().count(), line);
    }
    assertEquals(List.of("a.jpg", "b.jpg"), a.backgrounds().stream().map(Background::name)
        .toList());
    assertEquals(List.of("good.jpg"), a.foregrounds().stream().map(Foreground::name).toList());
    assertEquals(List.of("bg/broken.jpg", "fg/maskless.jpg", "fg/sideways.jpg"), a.skipped());
    assertEquals("not a PNG or JPEG image", a.skippedFiles().get(0).reason());
    assertTrue(a.skippedFiles().get(1).reason().startsWith("no mask for foreground maskless.jpg"),
        a.skippedFiles().toString());
    String withThree = new Dataset("f", a, spec).fingerprint();
    assertEquals(clean, withThree, "the same good files served: three skipped change nothing");
    Files.delete(root.resolve("fg/maskless.jpg"));
    String withTwo = new Dataset("f", FolderAssets.load(config(FolderDataset.OnBadFile.SKIP), 32,
        32), spec).fingerprint();
    assertEquals(withThree, withTwo, "a skipped file removed, as its warning asks: the same");
    Fixtures.write(ellipse(40, 40), root.resolve("masks/sideways.png"));
    assertNotEquals(clean, new Dataset("f", FolderAssets.load(config(
        FolderDataset.OnBadFile.SKIP), 32, 32), spec).fingerprint(),
        "a skipped file fixed is served: another dataset");
  }

  @Test
  void skipStillRefusesWhatCannotBeSkippedOrLeavesNothing() throws Exception {
    Fixtures.write(Fixtures.rgb(40, 40, 3), root.resolve("fg/good.jpg"));
    Fixtures.write(ellipse(40, 40), root.resolve("masks/good.png"));
    Files.createDirectories(root.resolve("bg"));
    Files.writeString(root.resolve("bg/broken.jpg"), "not a jpeg");
    FgbgException e = assertThrows(FgbgException.class,
        () -> FolderAssets.load(config(FolderDataset.OnBadFile.SKIP), 32, 32));
    assertTrue(e.getMessage().startsWith("dataset 'f': every background is bad, nothing is left "
        + "to serve: "), e.getMessage());
    Fixtures.write(Fixtures.rgb(64, 64, 1), root.resolve("bg/a.jpg"));
    Files.writeString(root.resolve("bg/labels.csv"), "name,kind\n");
    e = assertThrows(FgbgException.class,
        () -> FolderAssets.load(config(FolderDataset.OnBadFile.SKIP), 32, 32));
    assertEquals("dataset 'f': " + root.resolve("bg/labels.csv") + ": the first row must be the "
        + "header file,label (or file,label,height)\n" + Fixtures.notDecoded(3), e.getMessage(),
        "a bad labels.csv is not skipped");
  }

  @Test
  void aLabelWhoseFilesWereAllSkippedKeepsItsIdWithOneWarning() throws Exception {
    Fixtures.write(Fixtures.rgb(64, 64, 1), root.resolve("bg/indoor/a.jpg"));
    Files.createDirectories(root.resolve("bg/outdoor"));
    Files.writeString(root.resolve("bg/outdoor/b.jpg"), "not a jpeg");
    Fixtures.write(Fixtures.disc(20, 20, 0xFF3030), root.resolve("fg/x.png"));
    Fixtures.write(Fixtures.disc(16, 24, 0x30FF30), root.resolve("fg/y.png"));
    Fixtures.write(new BufferedImage(12, 12, BufferedImage.TYPE_INT_ARGB),
        root.resolve("fg/clear.png"));
    BufferedImage speck = new BufferedImage(40, 40, BufferedImage.TYPE_INT_ARGB);
    speck.setRGB(20, 20, 0xFF000000);
    Fixtures.write(speck, root.resolve("fg/speck.png"));
    Files.writeString(root.resolve("fg/labels.csv"), "file,label\nx.png,ball\ny.png,cup\n"
        + "clear.png,faint\nspeck.png,speck\n");
    FolderDataset skip = new FolderDataset("f", root.resolve("bg"), root.resolve("fg"), null,
        FolderDataset.MaskFrom.ALPHA, ImageFiles.DEFAULT_MAX_PIXELS, FolderDataset.OnBadFile.SKIP);
    AssetSet a;
    try (LogLines log = LogLines.capture("dev.fgbg.core.assets")) {
      a = FolderAssets.load(skip, 32, 32);
      assertEquals(List.of("WARNING dataset 'f': label 'outdoor' (a sub-folder name) has no "
          + "background served (its files were skipped); it keeps its id 1",
          "WARNING dataset 'f': labels 'faint' (id 2), 'speck' (id 3) (labels.csv) have no "
          + "foreground served (their files were skipped); they keep their ids"),
          log.containing("served"));
    }
    assertEquals(List.of("indoor", "outdoor"), a.backgroundLabels());
    assertEquals(List.of("ball", "cup", "faint", "speck"), a.foregroundLabels(),
        "ids as a strict load of the fixed folders gives them");
    assertEquals(List.of(0, 1), a.foregrounds().stream().map(Foreground::label).toList(),
        "ball and cup");

    Files.delete(root.resolve("bg/outdoor/b.jpg"));
    Files.delete(root.resolve("bg/outdoor")); // an empty label folder is named
    Fixtures.write(Fixtures.disc(20, 20, 0x3030FF), root.resolve("fg/clear.png"));
    Fixtures.write(Fixtures.disc(20, 20, 0x30FFFF), root.resolve("fg/speck.png"));
    try (LogLines log = LogLines.capture("dev.fgbg.core.assets")) {
      FolderAssets.load(skip, 32, 32);
      assertEquals(List.of(), log.containing("served"), "every label served: no warning");
    }
  }
}
