package dev.fgbg.core.assets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Node;

/**
 * JPEGs that embed a non-sRGB ICC profile (the JDK's linear RGB and grey ones stand for a
 * phone's Display P3 or Adobe RGB) decode to their samples as stored, as Pillow's
 * {@code convert('RGB')} gives them and as the same JPEG without the profile decodes: no colour
 * management, for backgrounds, cut-outs and {@code --fg-masks} masks alike. Files are made at
 * test time by Pillow (Debian's python3-pil), which also writes the reference decode.
 */
class IccProfileTest {
  /** Writes each picture with and without a profile; Pillow's RGBA of each FILE as FILE.rgba. */
  private static final String SCRIPT = String.join("\n",
      "import sys, os, numpy as np",
      "from PIL import Image",
      "d = sys.argv[1]",
      "lin = open(d + '/linear.icc', 'rb').read()",
      "grey = open(d + '/grey.icc', 'rb').read()",
      "h, w = 40, 48",
      "y, x = np.mgrid[0:h, 0:w]",
      "rgb = Image.fromarray(np.stack([x * 5, y * 6, 255 - x * 3], -1).astype(np.uint8))",
      "mask = Image.fromarray(np.stack([x * 5] * 3, -1).astype(np.uint8))",
      "grey_img = Image.fromarray((y * 6).astype(np.uint8), 'L')",
      "for s, p, g in (('plain', None, None), ('icc', lin, grey)):",
      "    for sub in ('bg', 'fg', 'masks'):",
      "        os.makedirs(d + '/' + s + '/' + sub, exist_ok=True)",
      "    def save(im, f, icc):",
      "        kw = {} if icc is None else {'icc_profile': icc}",
      "        im.save(d + '/' + s + '/' + f, quality=95, **kw)",
      "    save(rgb, 'bg/a.jpg', p)",
      "    save(grey_img, 'bg/b.jpg', g)",
      "    save(rgb, 'fg/c.jpg', p)",
      "    save(mask, 'masks/c.jpg', p)",
      "    save(grey_img, 'fg/g.jpg', g)",
      "    save(grey_img.transpose(Image.FLIP_LEFT_RIGHT), 'masks/g.jpg', g)",
      "rgb.save(d + '/icc.png', icc_profile=lin)",
      "for f in sys.argv[2:]:",
      "    im = Image.open(d + '/' + f)",
      "    assert f.startswith('plain/') or 'icc_profile' in im.info, f + ': no profile'",
      "    open(d + '/' + f + '.rgba', 'wb').write(im.convert('RGB').convert('RGBA').tobytes())",
      "");

  @TempDir
  Path dir;

  private void pillow(String... files) throws Exception {
    Files.write(dir.resolve("linear.icc"),
        ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData());
    Files.write(dir.resolve("grey.icc"), ICC_Profile.getInstance(ColorSpace.CS_GRAY).getData());
    Pillow.run(dir, SCRIPT, files);
  }

  private double error(String file) throws IOException {
    return Pillow.error(dir, file);
  }

  @Test
  void aJpegWithAProfileHasPillowsPixelsAndThoseOfTheSameJpegWithout() throws Exception {
    String[] files = {"icc/bg/a.jpg", "icc/bg/b.jpg", "plain/bg/a.jpg", "icc.png"};
    pillow(files);
    for (String f : files) {
      // JPEG decoders round differently by a grey level here and there; a conversion is ~40.
      assertEquals(0.0, error(f), 1.0, f);
    }
    assertEquals(0.0, error("icc.png"), "PNG is lossless, so exactly Pillow's pixels");
    for (String f : new String[] {"bg/a.jpg", "bg/b.jpg"}) {
      assertArrayEquals(ImageFiles.read(dir.resolve("plain/" + f)).rgba(),
          ImageFiles.read(dir.resolve("icc/" + f)).rgba(), f + ": the profile changes nothing");
    }
    BufferedImage plain = ImageIO.read(dir.resolve("plain/bg/a.jpg").toFile());
    byte[] rgba = ImageFiles.read(dir.resolve("plain/bg/a.jpg")).rgba();
    for (int i = 0; i < rgba.length / 4; i++) { // a JPEG without a profile decodes as before
      int argb = plain.getRGB(i % plain.getWidth(), i / plain.getWidth());
      assertEquals(argb & 0xFFFFFF, (rgba[i * 4] & 0xff) << 16 | (rgba[i * 4 + 1] & 0xff) << 8
          | rgba[i * 4 + 2] & 0xff, "pixel " + i);
    }
  }

  @Test
  void anRgbJpegWithAProfileHasItsStoredSamples() throws Exception {
    pillow("plain/bg/a.jpg");
    Path rgb = adobeRgb(dir.resolve("plain/bg/a.jpg"), dir.resolve("rgb.jpg"));
    Path profiled = withProfile(rgb, dir.resolve("linear.icc"), dir.resolve("rgb-icc.jpg"));
    pillow("rgb-icc.jpg");
    assertEquals(0.0, error("rgb-icc.jpg"), 1.0, "an RGB (Adobe transform 0) JPEG");
    assertArrayEquals(ImageFiles.read(rgb).rgba(), ImageFiles.read(profiled).rgba());
  }

  @Test
  void backgroundsCutOutsAndMasksWithProfilesLoadAsWithout() throws Exception {
    pillow();
    AssetSet plain = load("plain");
    AssetSet icc = load("icc");
    assertEquals(2, icc.backgrounds().size());
    for (int i = 0; i < 2; i++) {
      assertArrayEquals(plain.backgrounds().get(i).rgb(), icc.backgrounds().get(i).rgb(),
          plain.backgrounds().get(i).name());
    }
    assertEquals(2, icc.foregrounds().size());
    for (int i = 0; i < 2; i++) {
      Foreground p = plain.foregrounds().get(i);
      Foreground c = icc.foregrounds().get(i);
      assertEquals(p.width(), c.width(), p.name() + ": trimmed to the same mask");
      assertEquals(p.height(), c.height(), p.name());
      assertArrayEquals(p.rgba(), c.rgba(), p.name() + ": colour and mask as stored");
    }
  }

  private AssetSet load(String set) {
    Path root = dir.resolve(set);
    return FolderAssets.load(new FolderDataset("f", root.resolve("bg"), root.resolve("fg"),
        root.resolve("masks"), FolderDataset.MaskFrom.ALPHA), 32, 32);
  }

  /**
   * The picture of {@code jpeg} stored as RGB, not YCbCr (an Adobe marker with transform 0 and
   * no JFIF one), as some editors write Adobe RGB photos.
   */
  private static Path adobeRgb(Path jpeg, Path out) throws IOException {
    BufferedImage img = ImageIO.read(jpeg.toFile());
    ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
    IIOMetadata md = w.getDefaultImageMetadata(new ImageTypeSpecifier(img), null);
    String format = "javax_imageio_jpeg_image_1.0";
    IIOMetadataNode root = (IIOMetadataNode) md.getAsTree(format);
    Node variety = root.getElementsByTagName("JPEGvariety").item(0);
    while (variety.getFirstChild() != null) {
      variety.removeChild(variety.getFirstChild());
    }
    IIOMetadataNode adobe = new IIOMetadataNode("app14Adobe");
    adobe.setAttribute("transform", "0");
    Node markers = root.getElementsByTagName("markerSequence").item(0);
    markers.insertBefore(adobe, markers.getFirstChild());
    md.setFromTree(format, root);
    try (ImageOutputStream o = ImageIO.createImageOutputStream(out.toFile())) {
      w.setOutput(o);
      ImageWriteParam p = w.getDefaultWriteParam();
      p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      p.setCompressionQuality(0.95f);
      w.write(null, new IIOImage(img, null, md), p);
    } finally {
      w.dispose();
    }
    return out;
  }

  /** {@code jpeg} with an APP2 ICC_PROFILE segment holding {@code icc}, right after SOI. */
  private static Path withProfile(Path jpeg, Path icc, Path out) throws IOException {
    byte[] bytes = Files.readAllBytes(jpeg);
    byte[] profile = Files.readAllBytes(icc);
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.write(bytes, 0, 2);
    int length = 2 + 12 + 2 + profile.length;
    o.write(new byte[] {(byte) 0xFF, (byte) 0xE2, (byte) (length >> 8), (byte) length});
    o.write("ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1));
    o.write(new byte[] {1, 1}); // segment 1 of 1
    o.write(profile);
    o.write(bytes, 2, bytes.length - 2);
    return Files.write(out, o.toByteArray());
  }
}
