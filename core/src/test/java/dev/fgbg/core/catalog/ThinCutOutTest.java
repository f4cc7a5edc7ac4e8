package dev.fgbg.core.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.Fixtures;
import dev.fgbg.core.LogLines;
import dev.fgbg.v1.FolderDatasetConfig;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cut-out that is visible at its own size but has no pixel at or above the mask threshold
 * when drawn at its smallest size is named by one start-up warning (with that size); a solid
 * one is not, nor the thin one when it is never drawn small.
 */
class ThinCutOutTest {
  @TempDir
  Path root;

  @Test
  void aOnePixelDiagonalDrawnSmallIsNamedOnce() {
    Fixtures.write(Fixtures.rgb(64, 64, 1), root.resolve("bg/a.png"));
    BufferedImage line = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
    BufferedImage disc = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 64; y++) {
      line.setRGB(y, y, 0xFFFFFFFF);
      for (int x = 0; x < 64; x++) {
        if ((x - 32) * (x - 32) + (y - 32) * (y - 32) < 30 * 30) {
          disc.setRGB(x, y, 0xFF3070F0);
        }
      }
    }
    Fixtures.write(line, root.resolve("fg/digit/line.png"));
    Fixtures.write(disc, root.resolve("fg/digit/disc.png"));
    try (LogLines log = LogLines.capture("dev.fgbg.core")) {
      load("0.25:0.9");
      List<String> warned = log.containing("smallest size");
      assertEquals(1, warned.size(), log.lines().toString());
      assertTrue(warned.get(0).startsWith("WARNING dataset 'thin': 1 of 2 foregrounds have no "
          + "pixel at or above the mask threshold 128 at the smallest size"), warned.get(0));
      assertTrue(warned.get(0).contains(": digit/line.png at 16x16 (scale 0.250); "),
          warned.get(0));
      assertTrue(!warned.get(0).contains("disc"), warned.get(0));
    }
    try (LogLines log = LogLines.capture("dev.fgbg.core")) {
      load("1:1"); // drawn at its own 64x64 only: every mask holds its line
      assertTrue(log.containing("smallest size").isEmpty(), log.lines().toString());
    }
  }

  private void load(String fgScale) {
    DatasetCatalog.folder(FolderDatasetConfig.newBuilder().setName("thin")
        .setBg(root.resolve("bg").toString()).setFg(root.resolve("fg").toString())
        .setSize("64").setFgScale(fgScale).build(), null);
  }
}
