package dev.fgbg.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.synth.DepthEncoding;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class EncodersTest {
  @Test
  void grayPngRoundTripsExactly() throws Exception {
    byte[] data = new byte[5 * 3 + 2];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 37);
    }
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(Encoders.pngGray8(data, 2, 5, 3)));
    assertEquals(5, img.getWidth());
    for (int p = 0; p < 15; p++) {
      assertEquals(data[2 + p] & 0xff, img.getRaster().getSample(p % 5, p / 5, 0));
    }
  }

  @Test
  void rgbPngRoundTripsExactly() throws Exception {
    byte[] data = new byte[4 * 3 * 3 + 5];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 53 + 7);
    }
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(Encoders.pngRgb8(data, 5, 4, 3)));
    assertEquals(4, img.getWidth());
    assertEquals(3, img.getHeight());
    for (int p = 0; p < 12; p++) {
      for (int c = 0; c < 3; c++) {
        assertEquals(data[5 + p * 3 + c] & 0xff, img.getRaster().getSample(p % 4, p / 4, c));
      }
    }
  }

  @Test
  void depthPngHoldsMillimetres() throws Exception {
    float[] metres = {0f, 0.0004f, 1.2345f, 7.5f, 65.535f, 100f, 3.0f, 2.999f};
    byte[] bytes = DepthEncoding.FLOAT32.encode(metres);
    byte[] halfs = DepthEncoding.FLOAT16.encode(metres);
    for (var enc : new DepthEncoding[] {DepthEncoding.FLOAT32, DepthEncoding.FLOAT16}) {
      byte[] src = enc == DepthEncoding.FLOAT32 ? bytes : halfs;
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(
          Encoders.pngDepth16(src, 0, 4, 2, enc)));
      assertEquals(16, img.getColorModel().getComponentSize(0));
      for (int p = 0; p < metres.length; p++) {
        int expected = Encoders.millimetres(enc.get(src, p * enc.bytesPerValue()));
        assertEquals(expected, img.getRaster().getSample(p % 4, p / 4, 0), enc + " pixel " + p);
      }
    }
    assertEquals(1235, Encoders.millimetres(1.2345f));
    assertEquals(65535, Encoders.millimetres(100f), "saturates");
    assertEquals(0, Encoders.millimetres(0f));
  }

  @Test
  void jpegIsDeterministicAndClose() throws Exception {
    byte[] rgb = new byte[32 * 16 * 3];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (byte) ((i / 3) % 200);
    }
    byte[] a = Encoders.jpeg(rgb, 0, 32, 16, 95);
    byte[] b = Encoders.jpeg(rgb, 0, 32, 16, 95);
    assertTrue(Arrays.equals(a, b));
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(a));
    int worst = 0;
    for (int p = 0; p < 32 * 16; p++) {
      int argb = img.getRGB(p % 32, p / 32);
      worst = Math.max(worst, Math.abs(((argb >> 16) & 255) - (rgb[p * 3] & 255)));
    }
    assertTrue(worst <= 12, "max error " + worst);
    // An image at an offset inside a bigger array (a batch) encodes that image, not the first.
    byte[] two = new byte[2 * rgb.length];
    System.arraycopy(rgb, 0, two, rgb.length, rgb.length);
    assertTrue(Arrays.equals(a, Encoders.jpeg(two, rgb.length, 32, 16, 95)));
  }
}
