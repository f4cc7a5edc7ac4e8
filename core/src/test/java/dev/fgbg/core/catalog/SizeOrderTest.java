package dev.fgbg.core.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.Fixtures;
import dev.fgbg.core.LogLines;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.v1.FolderDatasetConfig;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up lines give sizes as --size reads them: height x width, never the other way. */
class SizeOrderTest {
  @TempDir
  Path root;

  @Test
  void theStartUpLinesOfA96x160DatasetSay96x160() {
    Fixtures.write(Fixtures.rgb(40, 30, 1), root.resolve("bg/small.png")); // 30 high, 40 wide
    BufferedImage bench = new BufferedImage(80, 20, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 20; y++) {
      for (int x = 0; x < 80; x++) {
        bench.setRGB(x, y, 0xFFFF3030); // opaque to its edges: nothing to trim, too wide
      }
    }
    Fixtures.write(bench, root.resolve("fg/bench.png"));
    Dataset d;
    try (LogLines log = LogLines.capture("dev.fgbg.core")) {
      d = DatasetCatalog.folder(FolderDatasetConfig.newBuilder().setName("wide")
          .setBg(root.resolve("bg").toString()).setFg(root.resolve("fg").toString())
          .setSize("96x160").build(), null);
      assertEquals(List.of("INFO dataset 'wide': 1 of 1 backgrounds are smaller than the 96x160 "
          + "output and are upscaled; its enlargement: small.png 4x (its 24x40 centre crop "
          + "of 30x40)"), log.containing("upscaled"));
      assertEquals(1, log.containing("too wide for fg_scale_max 0.6 at 96x160 ").size(),
          log.lines().toString());
      assertTrue(log.containing("160x96").isEmpty(), log.lines().toString());
    }
    assertEquals(96, d.spec().height());
    assertEquals(160, d.spec().width());
  }
}
