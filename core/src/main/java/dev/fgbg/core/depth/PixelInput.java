package dev.fgbg.core.depth;

import dev.fgbg.core.synth.Resampler;
import java.nio.FloatBuffer;

/**
 * Writes RGB images into a model's input rows as its config says: scale, then mean/std per
 * channel, channel order and layout, resized (triangle filter) when the image is not the model's
 * size. An image at the model's size goes byte → float through a 3×256 table holding exactly the
 * floats the arithmetic gives, straight into the input buffer: one pass, no intermediate array.
 */
final class PixelInput {
  private final ModelConfig config;
  private final int inH;
  private final int inW;
  private final int plane;
  private final float[] table = new float[3 * 256];
  private final float[] zeros;

  PixelInput(ModelConfig config) {
    this.config = config;
    this.inH = config.proto().getInputHeight();
    this.inW = config.proto().getInputWidth();
    this.plane = inH * inW;
    this.zeros = new float[3 * plane];
    for (int c = 0; c < 3; c++) {
      for (int b = 0; b < 256; b++) {
        table[c * 256 + b] = value(c, b);
      }
    }
  }

  /** Floats of one image in the input. */
  int rowFloats() {
    return 3 * plane;
  }

  /** The model's input shape without the batch dimension. */
  long[] rowShape() {
    return config.nhwc() ? new long[] {inH, inW, 3} : new long[] {3, inH, inW};
  }

  /** Writes {@code img} as row {@code row} of {@code in}. */
  void fill(DepthModel.Image img, FloatBuffer in, int row) {
    int base = row * 3 * plane;
    int step = config.nhwc() ? 3 : 1;
    if (img.width() == inW && img.height() == inH) {
      byte[] rgb = img.rgb();
      int off = img.offset();
      for (int c = 0; c < 3; c++) {
        int from = off + (config.bgr() ? 2 - c : c);
        int t = c * 256;
        int at = base + (config.nhwc() ? c : c * plane);
        for (int p = 0; p < plane; p++, at += step) {
          in.put(at, table[t + (rgb[from + p * 3] & 0xff)]);
        }
      }
      return;
    }
    float[] raw = new float[img.width() * img.height() * 3];
    for (int p = 0; p < raw.length; p++) {
      raw[p] = img.rgb()[img.offset() + p] & 0xff;
    }
    float[] src = Resampler.resize(raw, img.width(), img.height(), 3, inW, inH);
    for (int c = 0; c < 3; c++) {
      int from = config.bgr() ? 2 - c : c;
      int at = base + (config.nhwc() ? c : c * plane);
      for (int p = 0; p < plane; p++, at += step) {
        in.put(at, value(c, src[p * 3 + from]));
      }
    }
  }

  /** Zeroes rows {@code [from, to)} (a padded batch's unused rows). */
  void clear(FloatBuffer in, int from, int to) {
    for (int row = from; row < to; row++) {
      in.put(row * zeros.length, zeros);
    }
  }

  private float value(int c, float raw) {
    float v = raw * config.inputScale();
    if (config.mean().length == 3) {
      v = (v - config.mean()[c]) / config.std()[c];
    }
    return v;
  }
}
