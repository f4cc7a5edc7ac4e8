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

  /**
   * Writes {@code img} as row {@code row} of {@code in}, pixel by pixel (each pixel's three
   * bytes read once, its three floats written where the layout puts them).
   */
  void fill(DepthModel.Image img, FloatBuffer in, int row) {
    int at = row * 3 * plane;
    int pixelStep = config.nhwc() ? 3 : 1;
    int channelStep = config.nhwc() ? 1 : plane;
    int first = config.bgr() ? 2 : 0; // where the model's first channel is in an RGB pixel
    int last = 2 - first;
    if (img.width() == inW && img.height() == inH) {
      byte[] rgb = img.rgb();
      for (int p = 0, s = img.offset(); p < plane; p++, s += 3, at += pixelStep) {
        in.put(at, table[rgb[s + first] & 0xff]);
        in.put(at + channelStep, table[256 + (rgb[s + 1] & 0xff)]);
        in.put(at + 2 * channelStep, table[512 + (rgb[s + last] & 0xff)]);
      }
      return;
    }
    float[] raw = new float[img.width() * img.height() * 3];
    for (int p = 0; p < raw.length; p++) {
      raw[p] = img.rgb()[img.offset() + p] & 0xff;
    }
    float[] src = Resampler.resize(raw, img.width(), img.height(), 3, inW, inH);
    for (int p = 0, s = 0; p < plane; p++, s += 3, at += pixelStep) {
      in.put(at, value(0, src[s + first]));
      in.put(at + channelStep, value(1, src[s + 1]));
      in.put(at + 2 * channelStep, value(2, src[s + last]));
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
