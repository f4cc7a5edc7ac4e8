package dev.fgbg.core.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fgbg.core.Fixtures;
import dev.fgbg.core.catalog.DatasetCatalog;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.v1.FolderDatasetConfig;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gallery of a folder dataset whose class folders are named in a script the pixel font lacks
 * (犬, 猫): each such label's caption says its id before the '?'s, so their rows differ, while
 * a Latin name (Küche, cup) is drawn as before, alone.
 */
class GalleryLabelIdTest {
  private static final int GAP = 4;

  @TempDir
  Path dir;

  @Test
  void aLabelTheFontCannotDrawIsCaptionedWithItsId() {
    Fixtures.write(Fixtures.rgb(40, 40, 1), dir.resolve("bg/Küche/a.png"));
    Fixtures.write(Fixtures.rgb(40, 40, 2), dir.resolve("bg/犬/b.png"));
    Fixtures.write(Fixtures.rgb(40, 40, 3), dir.resolve("bg/猫/c.png"));
    Fixtures.write(Fixtures.disc(20, 20, 0xFF3030), dir.resolve("fg/cup/z.png"));
    Dataset d = DatasetCatalog.folder(FolderDatasetConfig.newBuilder().setName("pets")
        .setBg(dir.resolve("bg").toString()).setFg(dir.resolve("fg").toString()).setSize("32")
        .build(), null);
    assertEquals(List.of("Küche", "犬", "猫"), d.assets().backgroundLabels());
    long[] rows = new long[3];
    for (int bg = 0; bg < 3; bg++) {
      rows[bg] = d.codec().encode(bg, 0, 0, 0);
    }
    BufferedImage g = Gallery.render(d, 5, rows);
    int rowH = 32 * Gallery.scale(32, 32, 2) + Gallery.CAPTION + GAP;
    String[] captions = {"Küche / cup", "#1 ? / cup", "#2 ? / cup"};
    int[][] strips = new int[3][];
    for (int r = 0; r < 3; r++) {
      BufferedImage want = new BufferedImage(g.getWidth(), PixelFont.HEIGHT,
          BufferedImage.TYPE_INT_RGB);
      int[] fill = new int[want.getWidth()];
      Arrays.fill(fill, 0x202020);
      for (int y = 0; y < want.getHeight(); y++) {
        want.setRGB(0, y, want.getWidth(), 1, fill, 0, want.getWidth());
      }
      PixelFont.draw(want, GAP, 0, captions[r], 0xB0B0B0);
      strips[r] = strip(g, Gallery.HEADER + GAP + r * rowH + 4 + PixelFont.HEIGHT);
      assertArrayEquals(strip(want, 0), strips[r], "row " + r + " reads " + captions[r]);
    }
    assertFalse(Arrays.equals(strips[1], strips[2]), "the rows of 犬 and 猫 can be told apart");
  }

  /** One caption line's pixels, RGB. */
  private static int[] strip(BufferedImage img, int y) {
    return Arrays.stream(img.getRGB(0, y, img.getWidth(), PixelFont.HEIGHT, null, 0,
        img.getWidth())).map(p -> p & 0xFFFFFF).toArray();
  }
}
