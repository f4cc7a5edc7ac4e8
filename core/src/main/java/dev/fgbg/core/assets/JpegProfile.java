package dev.fgbg.core.assets;

import java.io.IOException;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;

/**
 * A three-channel JPEG decoded to its samples as stored, whatever ICC profile it embeds (a
 * phone's Display P3, Adobe RGB, linear RGB). ImageIO's default decode of such a JPEG
 * converts its colours through the profile to sRGB (with the JDK's colour engine), while
 * Pillow, and so the Python pipeline a model meets at inference, takes the stored samples as
 * they are, as it does for a PNG with the same profile. A read that names its source bands
 * gets libjpeg's own decode (YCbCr to RGB) and no colour conversion in Java (the JDK's
 * {@code JPEGImageReader.checkColorConversion}). A grey JPEG's samples are never converted.
 */
final class JpegProfile {
  private static final int[] RGB_BANDS = {0, 1, 2};

  private JpegProfile() {}

  /**
   * A read param that keeps a three-channel JPEG's samples whatever its profile; null for any
   * other image, whose default decode already keeps them.
   */
  static ImageReadParam asStored(ImageReader reader) throws IOException {
    if (!CmykJpeg.isJpeg(reader)) {
      return null;
    }
    ImageTypeSpecifier raw = reader.getRawImageType(0);
    if (raw == null || raw.getNumBands() != RGB_BANDS.length) {
      return null;
    }
    ImageReadParam param = reader.getDefaultReadParam();
    param.setSourceBands(RGB_BANDS);
    return param;
  }
}
