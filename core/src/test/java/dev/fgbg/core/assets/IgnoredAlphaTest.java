package dev.fgbg.core.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fgbg.core.Fixtures;
import dev.fgbg.core.LogLines;
import dev.fgbg.core.catalog.DatasetCatalog;
import dev.fgbg.v1.FolderDatasetConfig;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cut-outs whose digit is in their alpha (RGBA all white, or grey with alpha) served with
 * --mask-from luminance: one warning names them (luminance ignores their alpha), and the
 * border warning, whose advice is to add transparency they already have, leaves them out.
 */
class IgnoredAlphaTest {
  @TempDir
  Path root;

  /** White everywhere, the stroke of {@link Fixtures#digit} in the alpha. */
  private static BufferedImage rgbaDigit(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    BufferedImage d = Fixtures.digit(w, h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, d.getRaster().getSample(x, y, 0) << 24 | 0xFFFFFF);
      }
    }
    return img;
  }

  /** Grey with alpha (a PNG "LA"): light grey everywhere, the stroke in the alpha. */
  private static BufferedImage grayAlphaDigit(int w, int h) {
    ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY),
        true, false, Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
    WritableRaster r = cm.createCompatibleWritableRaster(w, h);
    BufferedImage d = Fixtures.digit(w, h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        r.setSample(x, y, 0, 230);
        r.setSample(x, y, 1, d.getRaster().getSample(x, y, 0));
      }
    }
    return new BufferedImage(cm, r, false, null);
  }

  @Test
  void luminanceNamesTheCutOutsWhoseAlphaItIgnores() {
    Fixtures.write(Fixtures.rgb(32, 32, 1), root.resolve("bg/a.png"));
    Fixtures.write(Fixtures.digit(28, 28), root.resolve("fg/7/gray.png"));
    Fixtures.write(rgbaDigit(28, 28), root.resolve("fg/8/rgba.png"));
    Fixtures.write(grayAlphaDigit(28, 28), root.resolve("fg/9/la.png"));
    FolderDatasetConfig config = FolderDatasetConfig.newBuilder().setName("col")
        .setBg(root.resolve("bg").toString()).setFg(root.resolve("fg").toString())
        .setMaskFrom("luminance").setSize("32x32").build();
    List<String> warned;
    List<String> border;
    try (LogLines log = LogLines.capture("dev.fgbg.core.assets")) {
      DatasetCatalog.folder(config, null);
      warned = log.containing("ignores");
      border = log.containing("border");
    }
    assertEquals(List.of("WARNING dataset 'col': 2 of 3 foregrounds have transparency (an alpha "
        + "channel that is not opaque everywhere) that --mask-from luminance ignores (e.g. "
        + "8/rgba.png): their masks are made from brightness instead; drop --mask-from "
        + "luminance (their alpha is then used)"), warned);
    assertEquals(List.of(), border, "the border warning does not ask them for transparency");
  }
}
