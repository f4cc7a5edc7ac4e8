package dev.fgbg.core.assets;

import java.awt.image.Raster;
import java.io.IOException;
import java.util.Locale;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Four-channel JPEGs (CMYK, or YCCK: Adobe's transform 2), decoded as Pillow decodes them, so a
 * print-ready photo gives the colours every Python pipeline sees. The JDK's own conversion of
 * these files is far off (a mean error of 32 in 255 against Pillow). Following libjpeg and
 * Pillow: YCCK is first turned into CMYK with libjpeg's integer YCbCr tables; the samples are
 * taken as Adobe's inverted CMYK (Pillow's "CMYK;I", which it assumes for every CMYK JPEG); and
 * each channel is {@code (255 - K) - C·(255 - K)/255}, rounded as Pillow's {@code cmyk2rgb}.
 */
final class CmykJpeg {
  private static final String FORMAT = "javax_imageio_jpeg_image_1.0";
  private static final int SCALE_BITS = 16;
  private static final int ONE_HALF = 1 << (SCALE_BITS - 1);
  private static final int[] CR_R = new int[256];
  private static final int[] CB_B = new int[256];
  private static final int[] CR_G = new int[256];
  private static final int[] CB_G = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int x = i - 128;
      CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALE_BITS;
      CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALE_BITS;
      CR_G[i] = -fix(0.71414) * x;
      CB_G[i] = -fix(0.34414) * x + ONE_HALF;
    }
  }

  private CmykJpeg() {}

  private static int fix(double v) {
    return (int) (v * (1 << SCALE_BITS) + 0.5);
  }

  static boolean isJpeg(ImageReader reader) throws IOException {
    return reader.getFormatName().toLowerCase(Locale.ROOT).contains("jpeg");
  }

  /**
   * For a four-channel JPEG, its Adobe transform (0: CMYK, 2: YCCK; 0 without an Adobe
   * marker); -1 for any other image.
   */
  static int transform(ImageReader reader) throws IOException {
    if (!isJpeg(reader)) {
      return -1;
    }
    IIOMetadata md = reader.getImageMetadata(0);
    if (md == null || !FORMAT.equals(md.getNativeMetadataFormatName())) {
      return -1;
    }
    Node root = md.getAsTree(FORMAT);
    NodeList sof = ((Element) root).getElementsByTagName("sof");
    if (sof.getLength() == 0 || !"4".equals(((Element) sof.item(0))
        .getAttribute("numFrameComponents"))) {
      return -1;
    }
    NodeList adobe = ((Element) root).getElementsByTagName("app14Adobe");
    return adobe.getLength() > 0 && "2".equals(((Element) adobe.item(0))
        .getAttribute("transform")) ? 2 : 0;
  }

  /** RGB pixels of the raw four-channel raster (no alpha). */
  static ImageFiles.Pixels pixels(Raster raster, int transform) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    byte[] out = new byte[Math.toIntExact(Math.multiplyExact((long) w * h, 4L))];
    int[] px = new int[4];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        raster.getPixel(raster.getMinX() + x, raster.getMinY() + y, px);
        if (transform == 2) {
          ycckToCmyk(px);
        }
        int k = 255 - px[3]; // Adobe's samples are inverted: 255 - C, …, 255 - K
        int nk = 255 - k;
        int o = (y * w + x) * 4;
        for (int c = 0; c < 3; c++) {
          out[o + c] = (byte) clip(nk - mulDiv255(255 - px[c], nk));
        }
        out[o + 3] = (byte) 255;
      }
    }
    return new ImageFiles.Pixels(w, h, out, false);
  }

  /** libjpeg's YCCK → CMYK: C = 255 - R of (Y, Cb, Cr), likewise M and Y; K unchanged. */
  private static void ycckToCmyk(int[] px) {
    int y = px[0];
    int cb = px[1];
    int cr = px[2];
    px[0] = 255 - clip(y + CR_R[cr]);
    px[1] = 255 - clip(y + ((CB_G[cb] + CR_G[cr]) >> SCALE_BITS));
    px[2] = 255 - clip(y + CB_B[cb]);
  }

  /** Pillow's MULDIV255: a·b/255 rounded, in integers. */
  private static int mulDiv255(int a, int b) {
    int t = a * b + 128;
    return ((t >> 8) + t) >> 8;
  }

  private static int clip(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
