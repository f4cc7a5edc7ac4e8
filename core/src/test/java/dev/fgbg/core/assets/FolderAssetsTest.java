package dev.fgbg.core.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Fixtures;
import dev.fgbg.core.LogLines;
import dev.fgbg.core.catalog.DatasetCatalog;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.v1.FolderDatasetConfig;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
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
    assertEquals(18, a.foregrounds().get(0).width(), "foregrounds keep their own size, "
        + "trimmed to their visible pixels (the 20x20 disc's edge columns are transparent)");
  }

  @Test
  void deeperSubFoldersFoldIntoTheTopLevelFoldersLabel() {
    // As README says: fg/chair/wooden/x.png is a chair, not a "chair/wooden" nor a "wooden".
    Fixtures.goodFolders(root);
    Fixtures.write(Fixtures.disc(20, 20, 0x804020), root.resolve("fg/chair/wooden/x.png"));
    Fixtures.write(Fixtures.disc(20, 20, 0x202020), root.resolve("fg/chair/y.png"));
    AssetSet a = FolderAssets.load(config(FolderDataset.MaskFrom.ALPHA, null), 32, 32);
    assertEquals(List.of("ball", "chair", "cup"), a.foregroundLabels());
    Foreground x = a.foregrounds().stream().filter(f -> f.name().equals("chair/wooden/x.png"))
        .findFirst().orElseThrow();
    assertEquals(1, x.label());
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
    Foreground f = a.foregrounds().get(0);
    assertEquals(2, f.width(), "trimmed to the stroke: columns 14 and 15");
    assertEquals(24, f.height(), "rows 2..25");
    assertEquals(255, f.rgba()[(10 * 2) * 4 + 3] & 0xff);
    assertEquals(180, f.rgba()[(10 * 2 + 1) * 4 + 3] & 0xff);
  }

  @Test
  void aDarkPhotoAsALuminanceCutOutAsksWhetherTheFoldersAreSwapped() {
    Fixtures.write(Fixtures.rgb(32, 32, 1), root.resolve("bg/a.png"));
    BufferedImage dark = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        dark.setRGB(x, y, (x * 3) << 16 | (y * 3) << 8 | 40); // a dim photo: luminance < 100
      }
    }
    Fixtures.write(dark, root.resolve("fg/bird/b.png"));
    FolderDatasetConfig c = FolderDatasetConfig.newBuilder().setName("f")
        .setBg(root.resolve("bg").toString()).setFg(root.resolve("fg").toString())
        .setSize("32x32").setMaskFrom("luminance").build();
    FgbgException e = assertThrows(FgbgException.class, () -> DatasetCatalog.folder(c, null));
    assertTrue(e.getMessage().contains("is faint everywhere: its luminance (--mask-from "
        + "luminance) is at most "), e.getMessage());
    assertTrue(e.getMessage().contains("if this is a photo, are --bg and --fg swapped?"),
        e.getMessage());
  }

  @Test
  void sidecarMaskWithTheSameStem() {
    Fixtures.write(Fixtures.rgb(32, 32, 1), root.resolve("bg/a.png"));
    Fixtures.write(Fixtures.rgb(10, 12, 5), root.resolve("fg/p.jpg"));
    Fixtures.write(Fixtures.digit(10, 12), root.resolve("masks/p.png"));
    AssetSet a = FolderAssets.load(config(FolderDataset.MaskFrom.ALPHA, root.resolve("masks")),
        32, 32);
    Foreground f = a.foregrounds().get(0);
    assertEquals(2, f.width(), "image and mask trimmed to the mask's stroke, columns 5 and 6");
    assertEquals(8, f.height(), "rows 2..9");
    assertEquals(255, f.rgba()[(3 * 2) * 4 + 3] & 0xff);
    assertEquals(180, f.rgba()[(3 * 2 + 1) * 4 + 3] & 0xff);
  }

  @Test
  void badAssetsFailNamingFileAndProblem() throws Exception {
    Files.createDirectories(root.resolve("bg"));
    Files.createDirectories(root.resolve("fg"));
    expect("holds no PNG or JPEG", FolderDataset.MaskFrom.ALPHA, null);

    Fixtures.goodFolders(root);
    Path missing = root.resolve("nope");
    FgbgException e = assertThrows(FgbgException.class, () -> FolderAssets.load(
        new FolderDataset("f", missing, root.resolve("nope2"), null, FolderDataset.MaskFrom.ALPHA),
        32, 32));
    assertTrue(e.getMessage().contains("background folder " + missing + " does not exist")
        && e.getMessage().contains("foreground folder " + root.resolve("nope2")), e.getMessage());

    Path masks = root.resolve("masks");
    Fixtures.write(Fixtures.digit(20, 20), masks.resolve("ball/x.png"));
    Fixtures.write(Fixtures.digit(16, 24), masks.resolve("ball/y.png"));
    Fixtures.write(Fixtures.digit(24, 20), masks.resolve("cup/z.png"));
    Fixtures.write(Fixtures.rgb(8, 8, 9), root.resolve("fg/cup/opaque.jpg"));
    Fixtures.write(Fixtures.digit(16, 8), masks.resolve("cup/opaque.png"));
    expect("is 8x16 but the cut-out is 8x8", FolderDataset.MaskFrom.ALPHA, masks);
    Files.delete(masks.resolve("cup/opaque.png"));
    expect("no mask for foreground cup/opaque.jpg", FolderDataset.MaskFrom.ALPHA, masks);
  }

  @Test
  void everyBadFileOfEveryKindIsNamedThoseFoundWithoutDecodingFirst() throws Exception {
    Fixtures.goodFolders(root);
    byte[] good = Files.readAllBytes(root.resolve("bg/outdoor/b.png"));
    Files.write(root.resolve("bg/outdoor/b.png"), Arrays.copyOf(good, good.length / 2));
    Files.writeString(root.resolve("bg/text.jpg"), "not an image at all");
    Fixtures.pngHeaderOnly(30_000, 30_000, root.resolve("bg/bomb.png"));
    Fixtures.write(Fixtures.rgb(8, 8, 9), root.resolve("fg/cup/opaque.jpg"));
    Fixtures.pngHeaderOnly(20_000, 20_000, root.resolve("fg/cup/huge.png"));
    Fixtures.write(new BufferedImage(6, 9, BufferedImage.TYPE_INT_ARGB),
        root.resolve("fg/cup/clear.png"));
    ImageIO.write(Fixtures.rgb(8, 8, 3), "gif", root.resolve("bg/gif.png").toFile());
    ImageIO.write(Fixtures.rgb(8, 8, 3), "bmp", root.resolve("bg/bmp.jpg").toFile());
    // Their first bytes say what they are: named before anything is decoded.
    List<String> quick = refusalLines();
    assertEquals("dataset 'f' has 2 bad files or folders (fix or remove each, then start "
        + "again; or start with --on-bad-file skip (on_bad_file: \"skip\" in a config file) to "
        + "serve the rest without the bad images):", quick.get(0));
    assertLine(quick, root.resolve("bg/gif.png") + ": not a PNG or JPEG image (its bytes are a "
        + "GIF image's");
    assertLine(quick, root.resolve("bg/bmp.jpg") + ": not a PNG or JPEG image (its bytes are a "
        + "BMP image's");
    assertEquals(List.of(Fixtures.notDecoded(11)), quick.subList(3, quick.size()));
    Files.delete(root.resolve("bg/gif.png"));
    Files.delete(root.resolve("bg/bmp.jpg"));
    // The rest, found by decoding, in one run.
    List<String> lines = refusalLines();
    assertEquals("dataset 'f' has 6 bad files or folders (fix or remove each, then start "
        + "again; or start with --on-bad-file skip (on_bad_file: \"skip\" in a config file) to "
        + "serve the rest without the bad images):", lines.get(0));
    assertEquals(7, lines.size(), String.join("\n", lines));
    assertLine(lines, root.resolve("bg/bomb.png") + ": 30000x30000 is 900,000,000 pixels, over "
        + "the limit of 64,000,000");
    assertLine(lines, root.resolve("bg/outdoor/b.png") + ": unreadable or truncated");
    assertLine(lines, root.resolve("bg/text.jpg") + ": not a PNG or JPEG");
    assertLine(lines, root.resolve("fg/cup/huge.png") + ": 20000x20000 is 400,000,000 pixels");
    assertLine(lines, root.resolve("fg/cup/opaque.jpg") + ": has no alpha channel; give a mask "
        + "folder");
    assertLine(lines, root.resolve("fg/cup/clear.png") + ": is transparent everywhere");
  }

  private List<String> refusalLines() {
    FgbgException e = assertThrows(FgbgException.class,
        () -> FolderAssets.load(config(FolderDataset.MaskFrom.ALPHA, null), 32, 32));
    assertEquals(FgbgException.Reason.INVALID_CONFIG, e.reason());
    return e.getMessage().lines().toList();
  }

  @Test
  void aCutOutTooFaintForTheMaskThresholdIsNamedUnlessMasksAreSoft() throws Exception {
    Fixtures.goodFolders(root);
    BufferedImage faint = new BufferedImage(12, 12, BufferedImage.TYPE_INT_ARGB);
    for (int y = 2; y < 10; y++) {
      for (int x = 2; x < 10; x++) {
        faint.setRGB(x, y, 100 << 24 | 0xC0C0C0); // shows in the composite, never in a mask
      }
    }
    Fixtures.write(faint, root.resolve("fg/cup/faint.png"));
    FolderDatasetConfig c = FolderDatasetConfig.newBuilder().setName("f")
        .setBg(root.resolve("bg").toString()).setFg(root.resolve("fg").toString())
        .setSize("32x32").build();
    FgbgException e = assertThrows(FgbgException.class, () -> DatasetCatalog.folder(c, null));
    assertEquals(FgbgException.Reason.INVALID_CONFIG, e.reason());
    assertTrue(e.getMessage().contains(root.resolve("fg/cup/faint.png") + ": is faint "
        + "everywhere: its alpha is at most 100, under the mask threshold 128, so it would show "
        + "in the image but every mask of it would be empty; lower --mask-threshold or use "
        + "--soft-mask (maskThreshold, softMask in a config file)"), e.getMessage());
    assertEquals(4, DatasetCatalog.folder(c.toBuilder().setMaskThreshold(100).build(), null)
        .assets().foregrounds().size(), "at the threshold its masks are whole");
    assertEquals(4, DatasetCatalog.folder(c.toBuilder().setSoftMask(true).build(), null)
        .assets().foregrounds().size(), "soft masks are its alpha");
    assertEquals(3, DatasetCatalog.folder(c.toBuilder().setOnBadFile("skip").build(), null)
        .assets().foregrounds().size(), "skipped like any bad file");

    // With a mask folder, the mask is what is faint: it is the file named.
    Fixtures.write(Fixtures.rgb(12, 12, 4), root.resolve("fg2/b.png"));
    BufferedImage mask = new BufferedImage(12, 12, BufferedImage.TYPE_BYTE_GRAY);
    mask.getRaster().setSample(5, 5, 0, 90);
    Fixtures.write(mask, root.resolve("masks/b.png"));
    FgbgException m = assertThrows(FgbgException.class, () -> DatasetCatalog.folder(
        c.toBuilder().setFg(root.resolve("fg2").toString())
            .setFgMasks(root.resolve("masks").toString()).build(), null));
    assertTrue(m.getMessage().contains(root.resolve("fg2/b.png") + ": is faint everywhere: its "
        + "mask " + root.resolve("masks/b.png") + " is at most 90"), m.getMessage());
  }

  /** {@code w}x{@code h} transparent, with the opaque pixels {@code xy} (x0, y0, x1, y1, ...). */
  private static BufferedImage specks(int w, int h, int... xy) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    for (int i = 0; i < xy.length; i += 2) {
      img.setRGB(xy[i], xy[i + 1], 0xFF204060);
    }
    return img;
  }

  @Test
  void aStraySpeckIsABadFileAndAFourByFourSquareOrAThinStrokeIsNot() {
    Fixtures.goodFolders(root);
    Fixtures.write(specks(40, 40, 17, 23), root.resolve("fg/cup/speck.png"));
    Fixtures.write(specks(12, 12, 1, 1, 10, 9), root.resolve("fg/cup/two.png"));
    BufferedImage bar = new BufferedImage(10, 10, BufferedImage.TYPE_INT_ARGB);
    for (int y = 2; y < 7; y++) {
      for (int x = 4; x < 7; x++) {
        bar.setRGB(x, y, 0xFFFF0000); // 5 rows x 3 columns: 15 pixels
      }
    }
    Fixtures.write(bar, root.resolve("fg/cup/bar.png"));
    BufferedImage square = new BufferedImage(9, 9, BufferedImage.TYPE_INT_ARGB);
    for (int y = 3; y < 7; y++) {
      for (int x = 2; x < 6; x++) {
        square.setRGB(x, y, 0xFF00FF00); // 4x4: the smallest object
      }
    }
    Fixtures.write(square, root.resolve("fg/cup/square.png"));
    FolderDatasetConfig c = FolderDatasetConfig.newBuilder().setName("f")
        .setBg(root.resolve("bg").toString()).setFg(root.resolve("fg").toString())
        .setSize("32x32").build();
    FgbgException e = assertThrows(FgbgException.class, () -> DatasetCatalog.folder(c, null));
    assertEquals(FgbgException.Reason.INVALID_CONFIG, e.reason());
    List<String> lines = e.getMessage().lines().toList();
    assertEquals(4, lines.size(), e.getMessage());
    assertLine(lines, root.resolve("fg/cup/speck.png") + ": is only 1x1 visible pixels after "
        + "trimming its transparent border: too small to paste (a stray speck?); a cut-out "
        + "needs at least 16 visible pixels");
    assertLine(lines, root.resolve("fg/cup/two.png") + ": has only 2 visible pixels (in a 9x10 "
        + "box) after trimming");
    assertLine(lines, root.resolve("fg/cup/bar.png") + ": is only 5x3 visible pixels");
    AssetSet a = DatasetCatalog.folder(c.toBuilder().setOnBadFile("skip").build(), null)
        .assets();
    assertEquals(List.of("ball/x.png", "ball/y.png", "cup/square.png", "cup/z.png"),
        a.foregrounds().stream().map(Foreground::name).toList(), "the specks are skipped");
    assertEquals(List.of("fg/cup/bar.png", "fg/cup/speck.png", "fg/cup/two.png"), a.skipped());
    Foreground sq = a.foregrounds().get(2);
    assertEquals(List.of(4, 4), List.of(sq.width(), sq.height()));
  }

  @Test
  void hiddenFilesAndFoldersAreNotRead() throws Exception {
    Fixtures.goodFolders(root);
    Files.writeString(root.resolve("bg/indoor/._a.jpg"), "a Mac's resource fork, no JPEG");
    Fixtures.write(Fixtures.rgb(20, 20, 7), root.resolve("bg/.hidden.png"));
    Fixtures.write(Fixtures.rgb(20, 20, 8), root.resolve("bg/.thumbnails/t.png"));
    Fixtures.write(Fixtures.disc(20, 20, 0xFF3030), root.resolve("fg/.trash/ball/x.png"));
    AssetSet a = FolderAssets.load(config(FolderDataset.MaskFrom.ALPHA, null), 32, 32);
    assertEquals(List.of("c.png", "indoor/a.jpg", "outdoor/b.png"),
        a.backgrounds().stream().map(Background::name).toList());
    assertEquals(3, a.foregrounds().size());
    Fixtures.write(Fixtures.disc(20, 20, 0xFF3030), root.resolve("fg2/._x.png"));
    FgbgException e = assertThrows(FgbgException.class, () -> FolderAssets.load(
        new FolderDataset("f", root.resolve("bg"), root.resolve("fg2"), null,
            FolderDataset.MaskFrom.ALPHA), 32, 32));
    assertTrue(e.getMessage().contains("holds no PNG or JPEG images (.png, .jpg, .jpeg, .jfif, "
        + ".jpe, .jif, any case); 1 "
        + "hidden file(s) with such a name, starting with '.', are not read"), e.getMessage());
  }

  @Test
  void theListIsCappedWithACountOfTheRest() throws Exception {
    Fixtures.goodFolders(root);
    for (int i = 0; i < Problems.SHOWN + 5; i++) { // each over the limit by its own size
      Fixtures.write(Fixtures.rgb(60, 52 + i, i), root.resolve(String.format("fg/bad%02d.png",
          i)));
    }
    FolderDataset limited = new FolderDataset("f", root.resolve("bg"), root.resolve("fg"), null,
        FolderDataset.MaskFrom.ALPHA, 3100);
    FgbgException e = assertThrows(FgbgException.class,
        () -> FolderAssets.load(limited, 32, 32));
    List<String> lines = e.getMessage().lines().toList();
    assertEquals(1 + Problems.SHOWN + 1, lines.size());
    assertTrue(lines.get(0).contains("has " + (Problems.SHOWN + 5) + " bad files"), lines.get(0));
    assertEquals("  ... and 5 more", lines.get(lines.size() - 1));
    assertTrue(lines.get(1).contains("bad00.png"), lines.get(1));
  }

  @Test
  void filesBadForTheSameReasonShareOneLine() throws Exception {
    Fixtures.goodFolders(root);
    for (int i = 0; i < 5; i++) { // MNIST served without --mask-from luminance
      Fixtures.write(Fixtures.digit(28, 28), root.resolve("fg/seven/" + i + ".png"));
    }
    Files.writeString(root.resolve("fg/seven/junk.png"), "junk");
    FgbgException e = assertThrows(FgbgException.class,
        () -> FolderAssets.load(config(FolderDataset.MaskFrom.ALPHA, null), 32, 32));
    List<String> lines = e.getMessage().lines().toList();
    assertEquals(3, lines.size(), e.getMessage());
    assertTrue(lines.get(0).contains("has 6 bad files"), lines.get(0));
    Path seven = root.resolve("fg/seven");
    assertEquals("  5 files (e.g. " + seven.resolve("0.png") + ", " + seven.resolve("1.png")
        + ", " + seven.resolve("2.png") + "), each: has no alpha channel; give a mask folder "
        + "(--fg-masks DIR, same file names) or --mask-from luminance (bright = opaque, as for "
        + "a white digit on black)", lines.get(1));
    assertTrue(lines.get(2).startsWith("  " + seven.resolve("junk.png") + ": "), lines.get(2));
  }

  @Test
  void aRaisedPixelLimitAdmitsWhatTheDefaultRefusesAndALowOneRefusesEarly() {
    Fixtures.goodFolders(root);
    FolderDataset low = new FolderDataset("f", root.resolve("bg"), root.resolve("fg"), null,
        FolderDataset.MaskFrom.ALPHA, 1000);
    FgbgException e = assertThrows(FgbgException.class, () -> FolderAssets.load(low, 32, 32));
    assertTrue(e.getMessage().contains("48x64 is 3,072 pixels, over the limit of 1,000"),
        e.getMessage());
    assertTrue(e.getMessage().contains("has 3 bad files"), "the three larger backgrounds: "
        + e.getMessage());
    IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
        () -> new FolderDataset("f", root, root, null, FolderDataset.MaskFrom.ALPHA,
            1L << 40));
    assertTrue(big.getMessage().contains("--max-image-pixels 1099511627776 must be in [1, "),
        big.getMessage());
  }

  @Test
  void masksOfTheSameShapeAreResampledWithOneWarningAndOthersAreBad() throws Exception {
    Fixtures.write(Fixtures.rgb(32, 32, 1), root.resolve("bg/a.png"));
    Path masks = root.resolve("masks");
    for (String n : new String[] {"p", "q", "r"}) {
      Fixtures.write(Fixtures.rgb(100, 150, 5), root.resolve("fg/" + n + ".jpg"));
    }
    Fixtures.write(Fixtures.digit(100, 150), masks.resolve("p.png"));
    Fixtures.write(Fixtures.digit(99, 151), masks.resolve("q.png"));
    Fixtures.write(Fixtures.digit(102, 153), masks.resolve("r.png"));
    AssetSet a;
    try (LogLines log = LogLines.capture("dev.fgbg.core.assets")) {
      a = FolderAssets.load(config(FolderDataset.MaskFrom.ALPHA, masks), 32, 32);
      assertEquals(List.of("WARNING dataset 'f': 2 of 3 foreground masks differ from their "
          + "cut-out's size (same aspect ratio) and were resampled to it (e.g. q.jpg: mask "
          + "151x99 -> 150x100)"),
          log.containing("masks"));
    }
    // Resampled to the 100x150 cut-out, then both trimmed to the stroke (p's is 2x146).
    Foreground p = a.foregrounds().get(0);
    assertEquals(List.of(2, 146), List.of(p.width(), p.height()));
    Foreground q = a.foregrounds().get(1);
    assertEquals(List.of(3, 148), List.of(q.width(), q.height()));
    int most = 0;
    for (int x = 0; x < q.width(); x++) {
      most = Math.max(most, q.rgba()[(q.height() / 2 * q.width() + x) * 4 + 3] & 0xff);
    }
    assertTrue(most > 100, "the stroke survives resampling");

    Fixtures.write(Fixtures.digit(104, 150), masks.resolve("r.png"));
    expect("mask " + masks.resolve("r.png") + " is 150x104 but the cut-out is 150x100",
        FolderDataset.MaskFrom.ALPHA, masks);
  }

  @Test
  void labelsCsvLabelsAFlatFolderAndNamesWhatItMisses() throws Exception {
    Fixtures.write(Fixtures.rgb(32, 32, 1), root.resolve("bg/a.png"));
    Fixtures.write(Fixtures.digit(28, 28), root.resolve("fg/00001_7.png"));
    Fixtures.write(Fixtures.digit(28, 28), root.resolve("fg/00002_3.png"));
    Fixtures.write(Fixtures.digit(28, 28), root.resolve("fg/odd, name.png"));
    Files.writeString(root.resolve("fg/labels.csv"), "file,label\n00001_7.png,7\n"
        + "00002_3.png,3\n\"odd, name.png\",\"seven, again\"\ngone.png,1\n.h.png,2\n");
    Fixtures.write(Fixtures.digit(28, 28), root.resolve("fg/.h.png"));
    AssetSet a;
    try (LogLines log = LogLines.capture("dev.fgbg.core.assets")) {
      a = FolderAssets.load(config(FolderDataset.MaskFrom.LUMINANCE, null), 32, 32);
      Path csv = root.resolve("fg/labels.csv");
      assertEquals(List.of("WARNING " + csv + " lists 1 hidden file(s) (a name or folder "
          + "starting with '.'; hidden files are not read), e.g. .h.png",
          "WARNING " + csv + " lists 1 file(s) not found in " + root.resolve("fg")
          + " (ignored), e.g. gone.png: no such file"), log.containing(" lists "));
    }
    assertEquals(List.of("3", "7", "seven, again"), a.foregroundLabels());
    assertEquals(List.of(1, 0, 2), a.foregrounds().stream().map(Foreground::label).toList());
    assertEquals(List.of("none"), a.backgroundLabels(), "no csv: sub-folder labels");

    Fixtures.write(Fixtures.digit(28, 28), root.resolve("fg/00003_1.png"));
    Files.writeString(root.resolve("fg/labels.csv"), "file,label\n00001_7.png,7\n"
        + "00002_3.png,3\n00002_3.png,4\n\"odd, name.png\",x\n");
    FolderDatasetConfig c = FolderDatasetConfig.newBuilder().setName("f")
        .setBg(root.resolve("bg").toString()).setFg(root.resolve("fg").toString())
        .setSize("32x32").setMaskFrom("luminance").build();
    FgbgException e = assertThrows(FgbgException.class, () -> DatasetCatalog.folder(c, null));
    assertTrue(e.getMessage().contains(root.resolve("fg/00002_3.png") + ": "
        + root.resolve("fg/labels.csv") + " row 4 lists 00002_3.png again"), e.getMessage());
    assertTrue(e.getMessage().contains(root.resolve("fg/00003_1.png") + ": not listed in "
        + root.resolve("fg/labels.csv")), e.getMessage());
  }

  @Test
  void upscaledBackgroundsGetOneLineNamingTheMostEnlargedInHeightByWidthAsSizeReadsIt() {
    Fixtures.write(Fixtures.rgb(20, 20, 1), root.resolve("bg/a.png"));
    Fixtures.write(Fixtures.rgb(40, 30, 2), root.resolve("bg/b.png"));
    Fixtures.write(Fixtures.rgb(64, 64, 3), root.resolve("bg/c.png"));
    Fixtures.write(Fixtures.disc(20, 20, 0xFF3030), root.resolve("fg/x.png"));
    try (LogLines log = LogLines.capture("dev.fgbg.core.assets")) {
      FolderAssets.load(config(FolderDataset.MaskFrom.ALPHA, null), 48, 32); // --size 32x48
      // The centre crop of the output's shape is what is scaled: 2.4x of a.png's 13x20.
      assertEquals(List.of("INFO dataset 'f': 2 of 3 backgrounds are smaller than the 32x48 "
          + "output and are upscaled; the most enlarged: a.png 2.4x (its 13x20 centre crop of "
          + "20x20), b.png 1.2x (its 27x40 centre crop of 30x40)"), log.containing("upscaled"));
    }
  }

  @Test
  void aBackgroundEnlargedALittleSaysByHowMuchNotOnePointZero() {
    Fixtures.write(Fixtures.rgb(32, 32, 1), root.resolve("bg/a.png"));
    Fixtures.write(Fixtures.disc(20, 20, 0xFF3030), root.resolve("fg/x.png"));
    try (LogLines log = LogLines.capture("dev.fgbg.core.assets")) {
      FolderAssets.load(config(FolderDataset.MaskFrom.ALPHA, null), 33, 17); // --size 17x33
      assertEquals(List.of("INFO dataset 'f': 1 of 1 backgrounds are smaller than the 17x33 "
          + "output and are upscaled; its enlargement: a.png 1.03x (its 16x32 centre crop of "
          + "32x32)"), log.containing("upscaled"));
    }
  }

  @Test
  void aBackgroundsTransparencyIsDroppedServingTheColourStoredUnderIt() {
    BufferedImage clear = new BufferedImage(32, 32, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        clear.setRGB(x, y, x < 16 ? 0x00FF0000 : 0x800000FF); // invisible red, half blue
      }
    }
    Fixtures.write(clear, root.resolve("bg/clear.png"));
    Fixtures.write(Fixtures.disc(20, 20, 0xFF3030), root.resolve("fg/x.png"));
    byte[] rgb = FolderAssets.load(config(FolderDataset.MaskFrom.ALPHA, null), 32, 32)
        .backgrounds().get(0).rgb();
    int left = (5 * 32 + 2) * 3;
    int right = (5 * 32 + 30) * 3;
    assertEquals(List.of(255, 0, 0, 0, 0, 255), List.of(rgb[left] & 0xff, rgb[left + 1] & 0xff,
        rgb[left + 2] & 0xff, rgb[right] & 0xff, rgb[right + 1] & 0xff, rgb[right + 2] & 0xff),
        "as Pillow's convert('RGB'): the stored colour, alpha ignored");
  }

  @Test
  void aOnePixelOrStripBackgroundIsSaidPlainlyAndOnlyTheWorstFiveAreNamed() {
    Fixtures.write(Fixtures.rgb(1, 1, 1), root.resolve("bg/tiny.png"));
    Fixtures.write(Fixtures.rgb(8, 4000, 2), root.resolve("bg/tall_8x4000.png"));
    for (int i = 0; i < 5; i++) {
      Fixtures.write(Fixtures.rgb(100 + i, 100 + i, 3), root.resolve("bg/p" + i + ".png"));
    }
    Fixtures.write(Fixtures.disc(20, 20, 0xFF3030), root.resolve("fg/x.png"));
    try (LogLines log = LogLines.capture("dev.fgbg.core.assets")) {
      FolderAssets.load(config(FolderDataset.MaskFrom.ALPHA, null), 224, 224);
      assertEquals(List.of("WARNING dataset 'f': 7 of 7 backgrounds are smaller than the 224x224 "
          + "output and are upscaled; the most enlarged: tiny.png 224x (1x1: one flat colour), "
          + "tall_8x4000.png 28x (its 8x8 centre crop of 4000x8), p0.png 2.2x (100x100), "
          + "p1.png 2.2x (101x101), p2.png 2.2x (102x102), ... and 2 more. 2 are enlarged more "
          + "than 16x or 1x1: they serve blur or one flat colour, hardly a photo; check or "
          + "remove them"), log.containing("upscaled"));
    }
  }

  private static void assertLine(List<String> lines, String start) {
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("  " + start)),
        "a line starting '  " + start + "' in\n" + String.join("\n", lines));
  }

  private void expect(String fragment, FolderDataset.MaskFrom from, Path masks) {
    FgbgException e = assertThrows(FgbgException.class,
        () -> FolderAssets.load(config(from, masks), 32, 32));
    assertEquals(FgbgException.Reason.INVALID_CONFIG, e.reason());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
