package dev.fgbg.core.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Fixtures;
import dev.fgbg.core.LogLines;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Photo folders as testers' own are named: JPEGs saved as .jfif/.jpe/.jif, a camera's photo
 * with no extension, masks saved in the other format, a labels.csv row without a label, and a
 * large folder's decoding told as it goes (timed by a driven ticker), through the real loader.
 */
class PhotoFolderNamesTest {
  private static final String EXTS = ".png, .jpg, .jpeg, .jfif, .jpe, .jif";

  @TempDir
  Path root;

  private FolderDataset config(Path masks, FolderDataset.OnBadFile onBadFile) {
    return new FolderDataset("f", root.resolve("bg"), root.resolve("fg"), masks,
        FolderDataset.MaskFrom.ALPHA, ImageFiles.DEFAULT_MAX_PIXELS, onBadFile);
  }

  private AssetSet load(Path masks, FolderDataset.OnBadFile onBadFile) {
    return FolderAssets.load(config(masks, onBadFile), 32, 32);
  }

  private String refusal(Path masks) {
    return assertThrows(FgbgException.class, () -> load(masks, FolderDataset.OnBadFile.FAIL))
        .getMessage();
  }

  /** A white mask (opaque everywhere), grey: writable as PNG and as JPEG. */
  private static BufferedImage white(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.getRaster().setSample(x, y, 0, 255);
      }
    }
    return img;
  }

  @Test
  void jpegsSavedAsJfifJpeOrJifAreReadInAnyCase() {
    Fixtures.write(Fixtures.rgb(40, 40, 1), root.resolve("bg/web.jfif"));
    Fixtures.write(Fixtures.rgb(40, 40, 2), root.resolve("bg/old.JPE"));
    Fixtures.write(Fixtures.rgb(40, 40, 3), root.resolve("bg/scan.jif"));
    Fixtures.write(Fixtures.disc(20, 20, 0xFF3030), root.resolve("fg/ball.png"));
    AssetSet a = load(null, FolderDataset.OnBadFile.FAIL);
    assertEquals(List.of("old.JPE", "scan.jif", "web.jfif"),
        a.backgrounds().stream().map(Background::name).toList());
  }

  @Test
  void aPhotoWithNoExtensionIsNamedByItsBytesAndOtherFilesAreIgnored()
      throws Exception {
    Path bg = root.resolve("bg");
    Fixtures.write(Fixtures.rgb(40, 40, 1), bg.resolve("IMG_0001"));
    Fixtures.write(Fixtures.rgb(40, 40, 2), bg.resolve("shot.dat"));
    Files.move(Fixtures.write(Fixtures.rgb(40, 40, 3), bg.resolve("t.png")),
        bg.resolve("IMG_0002.bak"));
    Files.writeString(bg.resolve("README"), "my photos");
    Files.writeString(bg.resolve("notes.txt"), "a note");
    Fixtures.write(Fixtures.disc(20, 20, 0xFF3030), root.resolve("fg/ball.png"));
    String e = refusal(null);
    assertTrue(e.contains("background folder " + bg + " holds no PNG or JPEG images (" + EXTS
        + ", any case); 1 file(s) named below are PNG or JPEG images under another name: "
        + "rename them"), e);
    assertTrue(e.contains(bg.resolve("IMG_0001") + ": has no extension but its bytes are a "
        + "JPEG image's; rename it to IMG_0001.jpg (fgbg reads " + EXTS + ")"), e);
    // A backup, a thumbnail under its own extension: what they are is in their names.
    assertFalse(e.contains("README") || e.contains("notes.txt") || e.contains("shot.dat")
        || e.contains("IMG_0002.bak"), e);

    // Beside a photo fgbg reads, skipping serves it and lists the misnamed ones.
    Fixtures.write(Fixtures.rgb(40, 40, 4), bg.resolve("good.jpg"));
    AssetSet a = load(null, FolderDataset.OnBadFile.SKIP);
    assertEquals(List.of("good.jpg"), a.backgrounds().stream().map(Background::name).toList());
    assertEquals(List.of("bg/IMG_0001"), a.skipped());
  }

  @Test
  void aMaskIsFoundUnderAnyImageExtensionAndAnAmbiguousOneIsRefused() throws Exception {
    Fixtures.write(Fixtures.rgb(40, 40, 1), root.resolve("bg/a.jpg"));
    Path fg = root.resolve("fg");
    Path masks = root.resolve("masks");
    Fixtures.write(Fixtures.rgb(20, 20, 2), fg.resolve("png.png"));
    Fixtures.write(white(20, 20), masks.resolve("png.jpg"));
    Fixtures.write(Fixtures.rgb(20, 24, 3), fg.resolve("sub/photo.jpg"));
    Files.move(Fixtures.write(white(20, 24), masks.resolve("sub/p.png")),
        masks.resolve("sub/photo.PNG"));
    Fixtures.write(Fixtures.rgb(20, 20, 4), fg.resolve("two.png"));
    Fixtures.write(white(20, 20), masks.resolve("two.jpg"));
    Fixtures.write(white(20, 20), masks.resolve("two.jpeg"));
    Fixtures.write(Fixtures.rgb(20, 20, 5), fg.resolve("jpgmask.png"));
    String e = refusal(masks);
    assertTrue(e.startsWith("dataset 'f' has 2 bad files or folders"), e);
    assertTrue(e.contains(fg.resolve("jpgmask.png") + ": no mask for foreground jpgmask.png in "
        + masks + " (looked for jpgmask.png, and jpgmask with the other image extensions .jpg, "
        + ".jpeg, .jfif, .jpe, .jif, any case)"), e);
    assertTrue(e.contains(fg.resolve("two.png") + ": has 2 masks in " + masks + " (two.jpeg, "
        + "two.jpg) and none named two.png: keep one, or name it two.png"), e);
    AssetSet a = load(masks, FolderDataset.OnBadFile.SKIP);
    assertEquals(List.of("png.png", "sub/photo.jpg"),
        a.foregrounds().stream().map(Foreground::name).toList());
    assertEquals(List.of("fg/jpgmask.png", "fg/two.png"), a.skipped());
  }

  @Test
  void aLabelsCsvRowWithoutALabelIsItsImagesProblemAndCanBeSkipped() throws Exception {
    Fixtures.write(Fixtures.rgb(40, 40, 1), root.resolve("bg/a.jpg"));
    Path fg = root.resolve("fg");
    for (String n : List.of("x.png", "z_lower.jpg", "y.png")) {
      Fixtures.write(Fixtures.rgb(20, 20, 2), fg.resolve(n));
    }
    Path csv = fg.resolve("labels.csv");
    Files.writeString(csv, "file,label\nx.png,cup\ny.png,ball\nz_lower.jpg,\n");
    FolderDataset lum = new FolderDataset("f", root.resolve("bg"), fg, null,
        FolderDataset.MaskFrom.LUMINANCE, ImageFiles.DEFAULT_MAX_PIXELS,
        FolderDataset.OnBadFile.SKIP);
    AssetSet a = FolderAssets.load(lum, 32, 32);
    assertEquals(List.of("x.png", "y.png"), a.foregrounds().stream().map(Foreground::name)
        .toList());
    assertEquals(List.of(new SkippedFile("fg/z_lower.jpg", csv + " row 4 (z_lower.jpg): the "
        + "label is empty")), a.skippedFiles());
    assertEquals(List.of("ball", "cup"), a.foregroundLabels());

    FgbgException e = assertThrows(FgbgException.class, () -> FolderAssets.load(
        new FolderDataset("f", root.resolve("bg"), fg, null, FolderDataset.MaskFrom.LUMINANCE),
        32, 32));
    assertTrue(e.getMessage().startsWith("dataset 'f': " + fg.resolve("z_lower.jpg") + ": "
        + csv + " row 4 (z_lower.jpg): the label is empty (fix or remove it; or start with "
        + "--on-bad-file skip"), e.getMessage());
  }

  @Test
  void aLongDecodingSaysHowFarItIsAtMostEveryFewSeconds() {
    Fixtures.goodFolders(root);
    AtomicLong now = new AtomicLong();
    // Each read one second later: the first line comes once 2 s have passed, then every 5 s.
    try (LogLines log = LogLines.capture("dev.fgbg.core.assets")) {
      FolderAssets.load(config(null, FolderDataset.OnBadFile.FAIL), 32, 32, 1,
          () -> now.addAndGet(TimeUnit.SECONDS.toNanos(1)));
      assertEquals(List.of("INFO dataset 'f': decoded 2 of 6 images (2 s)",
          "INFO dataset 'f': decoded all 6 images in 7.0 s"), log.containing(" decoded "));
    }
    try (LogLines log = LogLines.capture("dev.fgbg.core.assets")) {
      FolderAssets.load(config(null, FolderDataset.OnBadFile.FAIL), 32, 32, 1, now::get);
      assertEquals(List.of(), log.containing(" decoded "), "a quick load says nothing");
    }
  }
}
