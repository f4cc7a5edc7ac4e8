package dev.fgbg.core.render;

import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.synth.DepthEncoding;
import java.util.function.Predicate;
import java.util.function.ToIntBiFunction;

/**
 * The arrays a sample can have, and how many bytes each takes: the one table every size of a
 * batch, a message or a shared-memory slot is computed from. A new output is one more entry.
 */
public enum SampleArray {
  /** H×W×3 uint8 composite. */
  IMAGE(Outputs::image, (d, enc) -> d.imageBytes()),
  /** H×W uint8, 0 or 255 (or soft). */
  MASK(Outputs::mask, (d, enc) -> d.maskBytes()),
  /** H×W float16 or float32; none for a dataset without depth. */
  DEPTH(Outputs::depth, Dataset::depthBytes),
  /** H×W uint8 instance ids: 0 background, i for instance i (position + 1 in the meta). */
  INSTANCES(Outputs::instances, (d, enc) -> d.maskBytes()),
  /** H×W×3 uint8 background the composite was drawn on; once per distinct background. */
  BACKGROUND(Outputs::background, (d, enc) -> d.imageBytes(), true),
  /** H×W depth of the background alone, as DEPTH; once per distinct background. */
  BACKGROUND_DEPTH(Outputs::backgroundDepth, Dataset::depthBytes, true);

  private final Predicate<Outputs> wanted;
  private final ToIntBiFunction<Dataset, DepthEncoding> bytes;
  private final boolean perBackground;

  SampleArray(Predicate<Outputs> wanted, ToIntBiFunction<Dataset, DepthEncoding> bytes) {
    this(wanted, bytes, false);
  }

  SampleArray(Predicate<Outputs> wanted, ToIntBiFunction<Dataset, DepthEncoding> bytes,
      boolean perBackground) {
    this.wanted = wanted;
    this.bytes = bytes;
    this.perBackground = perBackground;
  }

  /**
   * Whether this array is held once per distinct background of a batch (and not rendered per
   * sample): its per-sample bytes are then an upper bound, reached when no two samples share one.
   */
  public boolean perBackground() {
    return perBackground;
  }

  /** Bytes of this array for one sample of {@code d}, depth values in {@code enc}. */
  public int bytes(Dataset d, DepthEncoding enc) {
    return bytes.applyAsInt(d, enc);
  }

  /** Whether a caller asking for {@code o} receives this array. */
  public boolean wanted(Outputs o) {
    return wanted.test(o);
  }
}
