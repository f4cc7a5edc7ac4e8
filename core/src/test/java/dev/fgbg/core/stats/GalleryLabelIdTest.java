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
 * (犬, 猫), or accented (Küche beside Kuche): each such label's caption says its id before the
 * name as drawn, so their rows differ, while a name the font draws exactly (Kitchen, cup) is
 * drawn as before, alone.
 */
class GalleryLabelIdTest {
  private static final int GAP = 4;

  @TempDir
  Path dir;

  @Test
  void aLabelTheFontCannotDrawIsCaptionedWithItsId() {
    Fixtures.write(Fixtures.rgb(40, 40, 1), dir.resolve("bg/Kitchen/a.png"));
    Fixtures.write(Fixtures.rgb(40, 40, 2), dir.resolve("bg/犬/b.png"));
    Fixtures.write(Fixtures.rgb(40, 40, 3), dir.resolve("bg/猫/c.png"));
    Fixtures.write(Fixtures.disc(20, 20, 0xFF3030), dir.resolve("fg/cup/z.png"));
    Dataset d = DatasetCatalog.folder(FolderDatasetConfig.newBuilder().setName("pets")
        .setBg(dir.resolve("bg").toString()).setFg(dir.resolve("fg").toString()).setSize("32")
        .build(), null);
    assertEquals(List.of("Kitchen", "犬", "猫"), d.assets().backgroundLabels());
    long[] rows = new long[3];
    for (int bg = 0; bg < 3; bg++) {
      rows[bg] = d.codec().encode(bg, 0, 0, 0);
    }
    BufferedImage g = Gallery.render(d, 5, rows);
    int[][] strips = captions(g, "Kitchen / cup", "#1 ? / cup", "#2 ? / cup");
    assertFalse(Arrays.equals(strips[1], strips[2]), "the rows of 犬 and 猫 can be told apart");
  }

  @Test
  void anAccentedLabelIsCaptionedWithItsIdBesideItsBareTwin() {
    Fixtures.write(Fixtures.rgb(40, 40, 1), dir.resolve("bg/Küche/a.png"));
    Fixtures.write(Fixtures.rgb(40, 40, 2), dir.resolve("bg/Kuche/b.png"));
    Fixtures.write(Fixtures.disc(20, 20, 0xFF3030), dir.resolve("fg/none/z.png"));
    Dataset d = DatasetCatalog.folder(FolderDatasetConfig.newBuilder().setName("rooms")
        .setBg(dir.resolve("bg").toString()).setFg(dir.resolve("fg").toString()).setSize("32")
        .build(), null);
    assertEquals(List.of("Kuche", "Küche"), d.assets().backgroundLabels());
    long[] rows = {d.codec().encode(0, 0, 0, 0), d.codec().encode(1, 0, 0, 0)};
    int[][] strips = captions(Gallery.render(d, 5, rows), "Kuche / none", "#1 Kuche / none");
    assertFalse(Arrays.equals(strips[0], strips[1]), "the rows of Kuche and Küche differ");
  }

  /** Each row's caption line, checked to read {@code captions} in the font. */
  private static int[][] captions(BufferedImage g, String... captions) {
    int rowH = 32 * Gallery.scale(32, 32, 2) + Gallery.CAPTION + GAP;
    int[][] strips = new int[captions.length][];
    for (int r = 0; r < captions.length; r++) {
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
    return strips;
  }

  /** One caption line's pixels, RGB. */
  private static int[] strip(BufferedImage img, int y) {
    return Arrays.stream(img.getRGB(0, y, img.getWidth(), PixelFont.HEIGHT, null, 0,
        img.getWidth())).map(p -> p & 0xFFFFFF).toArray();
  }
}
