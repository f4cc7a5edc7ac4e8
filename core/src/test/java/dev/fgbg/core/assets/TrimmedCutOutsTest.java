package dev.fgbg.core.assets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.Fixtures;
import dev.fgbg.core.LogLines;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DepthMap;
import dev.fgbg.core.dataset.SampleInfo;
import dev.fgbg.core.depth.DepthKey;
import dev.fgbg.core.depth.DepthStats;
import dev.fgbg.core.depth.DiskTier;
import dev.fgbg.core.spec.Spec;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cut-outs saved on their photo's whole canvas are trimmed to their visible pixels when loaded:
 * they are drawn at {@code fg_scale} and stand in the ground band as the same cut-out saved
 * trimmed does; the trim comes from the mask for masks from files or luminance, and a dataset
 * whose rendering the trim changes gets a new fingerprint, so no old cache record is served.
 */
class TrimmedCutOutsTest {
  @TempDir
  Path root;

  /** An opaque ellipse {@code w}×{@code h} at ({@code x}, {@code y}) on a transparent canvas. */
  private static BufferedImage ellipse(int canvasW, int canvasH, int x, int y, int w, int h) {
    BufferedImage img = new BufferedImage(canvasW, canvasH, BufferedImage.TYPE_INT_ARGB);
    for (int j = 0; j < h; j++) {
      for (int i = 0; i < w; i++) {
        double dx = (i + 0.5) / w - 0.5;
        double dy = (j + 0.5) / h - 0.5;
        if (dx * dx + dy * dy <= 0.25) {
          img.setRGB(x + i, y + j, 0xFF000000 | (i * 3 & 255) << 16 | (j & 255) << 8 | 0x40);
        }
      }
    }
    return img;
  }

  /** A cut-out with alpha, opaque to its edges. */
  private static BufferedImage opaque(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    img.createGraphics().drawImage(Fixtures.rgb(w, h, 2), 0, 0, null);
    return img;
  }

  private FolderDataset folder(String fg) {
    return new FolderDataset("f", root.resolve("bg"), root.resolve(fg), null,
        FolderDataset.MaskFrom.ALPHA);
  }

  private static Spec ground() {
    return Spec.builder().position(Spec.Position.GROUND).flip(false).build();
  }

  @Test
  void aCutOutOnItsPhotosCanvasIsDrawnAndStoodAsTheTrimmedOneWithOneLine() {
    Fixtures.write(Fixtures.rgb(224, 224, 1), root.resolve("bg/street.png"));
    Fixtures.write(ellipse(1000, 1000, 420, 300, 160, 400), root.resolve("pad/x.png"));
    Fixtures.write(opaque(40, 40), root.resolve("pad/y.png")); // nothing to trim
    Fixtures.write(ellipse(160, 400, 0, 0, 160, 400), root.resolve("trim/x.png"));
    Fixtures.write(opaque(40, 40), root.resolve("trim/y.png"));
    AssetSet padded;
    try (LogLines log = LogLines.capture("dev.fgbg.core.assets")) {
      padded = FolderAssets.load(folder("pad"), 224, 224);
      assertEquals(List.of("INFO dataset 'f': 1 of 2 foregrounds have transparent margins and are "
          + "trimmed to their visible pixels (e.g. x.png: 1000x1000 -> 400x160)"),
          log.containing("trimmed"));
    }
    AssetSet trimmed = FolderAssets.load(folder("trim"), 224, 224);
    Foreground p = padded.foregrounds().get(0);
    assertEquals(160, p.width());
    assertEquals(400, p.height());
    assertArrayEquals(trimmed.foregrounds().get(0).rgba(), p.rgba(), "the trimmed file's pixels");
    assertEquals(40, padded.foregrounds().get(1).width(), "nothing to trim: kept as it is");

    Spec spec = ground();
    Dataset pd = new Dataset("f", padded, spec);
    Dataset td = new Dataset("f", trimmed, spec);
    assertEquals(td.fingerprint(), pd.fingerprint(), "one dataset, however the files were cut");
    int drawn = 0;
    for (long i = 0; i < pd.size(); i++) {
      SampleInfo a = pd.place(0, i);
      assertEquals(td.place(0, i), a, "sample " + i);
      if (a.fg() != 0) {
        continue;
      }
      drawn++;
      assertTrue(a.fgHeight() >= Math.round(0.3 * 224) && a.fgHeight() <= Math.round(0.6 * 224),
          "drawn at fg_scale: " + a);
      int foot = a.y() + a.fgHeight() - 1;
      assertTrue(foot >= spec.groundTopRow() && foot <= spec.groundBottomRow(),
          "stands in the ground band: " + a);
      assertEquals(a.fgHeight(), a.bboxY1() - a.bboxY0(), 2, "the object fills it: " + a);
      assertEquals(foot + 1, a.bboxY1(), 1, "its visible foot is the foot: " + a);
    }
    assertEquals(spec.placements(), drawn);
  }

  @Test
  void aNearlyTransparentCanvasIsTrimmedToItsVisibleObject() {
    Fixtures.write(Fixtures.rgb(224, 224, 1), root.resolve("bg/street.png"));
    BufferedImage faint = new BufferedImage(300, 300, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 300; y++) {
      for (int x = 0; x < 300; x++) { // matting's stray alpha, 1..3 across the canvas
        faint.setRGB(x, y, (1 + (x + y) % 3) << 24 | 0x808080);
      }
    }
    for (int y = 150; y < 156; y++) {
      for (int x = 100; x < 104; x++) {
        faint.setRGB(x, y, 0xFFFF0000);
      }
    }
    Fixtures.write(faint, root.resolve("fg/dot.png"));
    Foreground f = FolderAssets.load(folder("fg"), 224, 224, 128).foregrounds().get(0);
    assertEquals(4, f.width());
    assertEquals(6, f.height());
    SampleInfo s = new Dataset("f", FolderAssets.load(folder("fg"), 224, 224, 128), ground())
        .place(0, 3);
    assertEquals(s.fgHeight(), s.bboxY1() - s.bboxY0(), 2, "fg_height is the visible object's");

    // With soft masks every pixel of alpha is the mask: none of it is cut.
    Foreground soft = FolderAssets.load(folder("fg"), 224, 224, 1).foregrounds().get(0);
    assertEquals(300, soft.height());
  }

  @Test
  void aMaskFileOrLuminanceGivesTheBoxOfImageAndMaskAlike() throws Exception {
    Fixtures.write(Fixtures.rgb(32, 32, 1), root.resolve("bg/a.png"));
    BufferedImage photo = Fixtures.rgb(60, 80, 5);
    Fixtures.write(photo, root.resolve("fg/p.png"));
    BufferedImage mask = new BufferedImage(60, 80, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 20; y < 60; y++) {
      for (int x = 10; x < 30; x++) {
        mask.getRaster().setSample(x, y, 0, 255);
      }
    }
    Fixtures.write(mask, root.resolve("masks/p.png"));
    Foreground f = FolderAssets.load(new FolderDataset("f", root.resolve("bg"),
        root.resolve("fg"), root.resolve("masks"), FolderDataset.MaskFrom.ALPHA), 32, 32)
        .foregrounds().get(0);
    assertEquals(20, f.width());
    assertEquals(40, f.height());
    for (int y = 0; y < 40; y++) {
      for (int x = 0; x < 20; x++) {
        int o = (y * 20 + x) * 4;
        int rgb = photo.getRGB(10 + x, 20 + y);
        assertEquals(rgb >> 16 & 255, f.rgba()[o] & 0xff, "image and mask cut alike");
        assertEquals(rgb & 255, f.rgba()[o + 2] & 0xff);
        assertEquals(255, f.rgba()[o + 3] & 0xff);
      }
    }

    Fixtures.write(Fixtures.digit(28, 28), root.resolve("digits/7/d.png"));
    Foreground d = FolderAssets.load(new FolderDataset("f", root.resolve("bg"),
        root.resolve("digits"), null, FolderDataset.MaskFrom.LUMINANCE), 32, 32)
        .foregrounds().get(0);
    assertEquals(2, d.width(), "the stroke's two columns");
    assertEquals(24, d.height(), "rows 2..25");
  }

  /**
   * The padded dataset renders otherwise than before trimming, from the same files: its
   * fingerprint (which names every cache record, the teacher-depth disk cache's included) is
   * another, so a record the earlier loader's dataset left is not served; a dataset without
   * margins keeps its fingerprint, and its records.
   */
  @Test
  void aTrimmedDatasetHasANewFingerprintSoNoEarlierCacheRecordIsServed() throws Exception {
    Fixtures.write(Fixtures.rgb(64, 64, 1), root.resolve("bg/street.png"));
    Fixtures.write(ellipse(200, 200, 50, 20, 40, 100), root.resolve("pad/x.png"));
    Fixtures.write(opaque(30, 50), root.resolve("whole/y.png"));
    Spec spec = ground().toBuilder().size(64, 64).build();

    String before = new Dataset("f", untrimmed("pad"), spec).fingerprint();
    String now = new Dataset("f", FolderAssets.load(folder("pad"), 64, 64), spec).fingerprint();
    assertNotEquals(before, now);
    assertEquals(new Dataset("f", untrimmed("whole"), spec).fingerprint(),
        new Dataset("f", FolderAssets.load(folder("whole"), 64, 64), spec).fingerprint(),
        "nothing trimmed: the same fingerprint as before");

    DiskTier disk = new DiskTier(root.resolve("cache"), 1L << 30, DepthStats.concurrent());
    disk.write(new DepthKey(before, 0, 5), DepthMap.rounded(new float[64 * 64]));
    assertNotNull(disk.read(new DepthKey(before, 0, 5)), "the earlier loader's record is there");
    assertNull(disk.read(new DepthKey(now, 0, 5)), "and is not the trimmed dataset's");
  }

  /** The folder's single cut-out as the loader before trimming gave it: its whole canvas. */
  private AssetSet untrimmed(String fg) {
    AssetSet a = FolderAssets.load(folder(fg), 64, 64);
    Foreground f = a.foregrounds().get(0);
    ImageFiles.Pixels p = ImageFiles.read(root.resolve(fg).resolve(f.name()));
    Foreground whole = new Foreground(f.name(), f.label(), p.width(), p.height(), p.rgba());
    return new AssetSet(a.width(), a.height(), a.backgrounds(), List.of(whole),
        a.backgroundLabels(), a.foregroundLabels(), a.depthSource(), a.depthUnits(),
        a.skippedFiles());
  }
}
