package dev.fgbg.core.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images decoded as Pillow (Debian's python3-pil) decodes them, on files made at test time:
 * CMYK and YCCK JPEGs (the JDK's own colours are 32/255 off), a palette PNG with transparency,
 * grey with alpha, JPEGs and PNGs (eXIf chunk, or the legacy raw profile text) of each EXIF
 * orientation (upright as a viewer shows them). Pillow's
 * RGBA bytes (after {@code ImageOps.exif_transpose}) are the reference.
 */
class PillowDecodeTest {
  /** Makes the files Pillow can write, and writes Pillow's RGBA decode of each FILE as FILE.rgba. */
  private static final String SCRIPT = String.join("\n",
      "import sys, numpy as np",
      "from PIL import Image, ImageOps, PngImagePlugin",
      "d = sys.argv[1]",
      "h, w = 24, 40",
      "y, x = np.mgrid[0:h, 0:w]",
      "cmyk = np.stack([x * 6, y * 10, (x + y) * 4, 30 + (x * y) % 200], -1).astype(np.uint8)",
      "Image.fromarray(cmyk, 'CMYK').save(d + '/cmyk.jpg', quality=95)",
      "p = Image.fromarray(((x + y) % 16).astype(np.uint8), 'L').convert('P')",
      "p.putpalette([v for i in range(256) for v in (i * 16 % 256, 255 - i, i * 7 % 256)])",
      "p.info['transparency'] = 3",
      "p.save(d + '/palette.png', transparency=3)",
      "la = np.stack([x * 6, y * 10], -1).astype(np.uint8)",
      "Image.fromarray(la, 'LA').save(d + '/la.png')",
      "rgb = np.stack([x * 6, y * 10, 255 - x * 3], -1).astype(np.uint8)",
      "for o in range(1, 9):",
      "    exif = Image.Exif()",
      "    exif[0x0112] = o",
      "    Image.fromarray(rgb, 'RGB').save(d + '/exif%d.jpg' % o, quality=95, exif=exif)",
      "    rgba = np.concatenate([rgb, (x * 6)[..., None].astype(np.uint8)], -1)",
      "    Image.fromarray(rgba, 'RGBA').save(d + '/exif%d.png' % o, exif=exif)",
      "    raw = exif.tobytes()",
      "    info = PngImagePlugin.PngInfo()",
      "    text = '\\nexif\\n%8d\\n' % len(raw) + raw.hex()",
      "    info.add_text('Raw profile type exif', text, zip=True)",
      "    Image.fromarray(rgb, 'RGB').save(d + '/raw%d.png' % o, pnginfo=info)",
      "for f in sys.argv[2:]:",
      "    im = ImageOps.exif_transpose(Image.open(d + '/' + f))",
      "    open(d + '/' + f + '.rgba', 'wb').write(im.convert('RGBA').tobytes())",
      "");

  @TempDir
  Path dir;

  private void pillow(String... files) throws Exception {
    Pillow.run(dir, SCRIPT, files);
  }

  private double error(String file) throws IOException {
    return Pillow.error(dir, file);
  }

  @Test
  void cmykAndYcckJpegsHavePillowsColours() throws Exception {
    pillow();
    writeYcck(dir.resolve("cmyk.jpg"), dir.resolve("ycck.jpg"));
    pillow("cmyk.jpg", "ycck.jpg");
    assertEquals(0.0, error("cmyk.jpg"), 0.05, "CMYK");
    assertEquals(0.0, error("ycck.jpg"), 0.05, "YCCK");
  }

  @Test
  void paletteWithTransparencyAndGreyWithAlphaHavePillowsPixels() throws Exception {
    pillow("palette.png", "la.png");
    assertEquals(0.0, error("palette.png"), "palette with tRNS");
    assertEquals(0.0, error("la.png"), "grey with alpha");
  }

  @Test
  void aJpegIsTurnedUprightByItsExifOrientationAsAPhotoViewerShowsIt() throws Exception {
    String[] files = new String[8];
    for (int o = 1; o <= 8; o++) {
      files[o - 1] = "exif" + o + ".jpg";
    }
    pillow(files);
    for (int o = 1; o <= 8; o++) {
      ImageFiles.Pixels p = ImageFiles.read(dir.resolve(files[o - 1]));
      assertEquals(o >= 5 ? 24 : 40, p.width(), "orientation " + o + " turns a quarter");
      // JPEG decoders round differently by a grey level here and there; a wrong turn is ~50.
      assertEquals(0.0, error(files[o - 1]), 1.0, "orientation " + o);
    }
  }

  @Test
  void aPngIsTurnedUprightByItsExifChunkOrRawProfileAsPillowTurnsIt() throws Exception {
    List<String> files = new ArrayList<>();
    for (int o = 1; o <= 8; o++) {
      files.add("exif" + o + ".png");
      files.add("raw" + o + ".png");
    }
    pillow(files.toArray(String[]::new));
    for (String f : files) {
      ImageFiles.Pixels p = ImageFiles.read(dir.resolve(f));
      int o = f.charAt(f.length() - 5) - '0';
      assertEquals(o >= 5 ? 24 : 40, p.width(), f + " turns a quarter");
      assertEquals(0.0, error(f), f + ": PNG is lossless, so exactly Pillow's pixels");
    }
  }

  /**
   * A YCCK JPEG (Adobe transform 2) of made-up Y, Cb, Cr, K samples: the JDK writes a raster's
   * samples as they are, and the Adobe marker of Pillow's CMYK file, set to transform 2, tells
   * decoders to read them as YCCK.
   */
  private static void writeYcck(Path cmyk, Path out) throws IOException {
    ImageReader reader;
    IIOMetadata md;
    WritableRaster r;
    try (ImageInputStream in = ImageIO.createImageInputStream(cmyk.toFile())) {
      reader = ImageIO.getImageReaders(in).next();
      reader.setInput(in);
      md = reader.getImageMetadata(0);
      Raster raw = reader.readRaster(0, null);
      r = raw.createCompatibleWritableRaster();
      reader.dispose();
    }
    for (int y = 0; y < r.getHeight(); y++) {
      for (int x = 0; x < r.getWidth(); x++) {
        r.setPixel(x, y, new int[] {40 + x * 5, 100 + y * 3, 180 - x * 2, 120 + (x * y) % 130});
      }
    }
    String format = "javax_imageio_jpeg_image_1.0";
    IIOMetadataNode root = (IIOMetadataNode) md.getAsTree(format);
    ((IIOMetadataNode) root.getElementsByTagName("app14Adobe").item(0))
        .setAttribute("transform", "2");
    md.setFromTree(format, root);
    ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (ImageOutputStream o = ImageIO.createImageOutputStream(out.toFile())) {
      w.setOutput(o);
      ImageWriteParam p = w.getDefaultWriteParam();
      p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      p.setCompressionQuality(0.95f);
      w.write(null, new IIOImage(r, null, md), p);
    } finally {
      w.dispose();
    }
  }
}
