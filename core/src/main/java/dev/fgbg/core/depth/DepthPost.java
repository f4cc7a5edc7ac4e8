package dev.fgbg.core.depth;

import dev.fgbg.core.synth.Resampler;

/**
 * A model's raw output map → served depth, as its config says: metric (scale and offset) or
 * relative (per-image min-max to [0, 1]), clipped, and resized to the dataset's size.
 */
final class DepthPost {
  private final ModelConfig config;

  DepthPost(ModelConfig config) {
    this.config = config;
  }

  /** Post-processes {@code m} (oh×ow) in place; the result is outH×outW (m itself when equal). */
  float[] apply(float[] m, int oh, int ow, int outH, int outW) {
    var p = config.proto();
    if (config.metric()) {
      for (int i = 0; i < m.length; i++) {
        m[i] = m[i] * config.outputScale() + p.getOutputOffset();
      }
    } else {
      float lo = Float.MAX_VALUE;
      float hi = -Float.MAX_VALUE;
      for (float v : m) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      float span = hi > lo ? hi - lo : 1f;
      for (int i = 0; i < m.length; i++) {
        m[i] = (m[i] - lo) / span;
      }
    }
    if (p.getClipMin() != 0 || p.getClipMax() != 0) {
      for (int i = 0; i < m.length; i++) {
        m[i] = Math.max(p.getClipMin(), Math.min(p.getClipMax(), m[i]));
      }
    }
    return oh == outH && ow == outW ? m : Resampler.resize(m, ow, oh, 1, outW, outH);
  }
}
