package dev.fgbg.core.render;

import dev.fgbg.common.RingFormat;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.synth.DepthEncoding;

/**
 * What one request's samples are made of: the dataset, the outputs asked for and the depth
 * encoding. Every byte count (what a render allocates and is charged for, what a message or a
 * shared-memory slot holds) comes from here, through the {@link SampleArray} table.
 */
public record BatchShape(Dataset dataset, Outputs outputs, DepthEncoding encoding) {

  /** Bytes of {@code array} per sample: 0 when it is not delivered. */
  public long delivered(SampleArray array) {
    return array.wanted(outputs) ? array.bytes(dataset, encoding) : 0;
  }

  /** Whether rendering fills {@code array}: a teacher needs the composite even when unasked. */
  public boolean renders(SampleArray array) {
    return !array.perBackground() && array.wanted(outputs) && array.bytes(dataset, encoding) > 0
        || array == SampleArray.IMAGE && teacher();
  }

  /** Whether depth comes from a model run on each composite. */
  public boolean teacher() {
    return outputs.depth() && dataset.teacher() != null;
  }

  /** Bytes of the arrays delivered for one sample. */
  public long sampleBytes() {
    long n = 0;
    for (SampleArray a : SampleArray.values()) {
      n += delivered(a);
    }
    return n;
  }

  /**
   * Bytes a render of {@code n} samples allocates, backgrounds (at most one per sample)
   * included: what it is charged to a memory budget.
   */
  public long renderBytes(long n) {
    long perSample = 0;
    for (SampleArray a : SampleArray.values()) {
      perSample += renders(a) ? a.bytes(dataset, encoding) : a.perBackground() ? delivered(a) : 0;
    }
    return n * perSample;
  }

  /** The same request without backgrounds: what a slice of a larger batch renders. */
  public BatchShape sampleOnly() {
    return outputs.backgrounds() ? new BatchShape(dataset, outputs.sampleOnly(), encoding) : this;
  }

  /** Slot bytes a batch of {@code n} samples needs: each array on a 64-byte boundary. */
  public long slotBytes(int n) {
    long k = Math.max(1, n);
    long bytes = 0;
    for (SampleArray a : SampleArray.values()) {
      bytes += RingFormat.align(k * delivered(a));
    }
    return bytes;
  }
}
