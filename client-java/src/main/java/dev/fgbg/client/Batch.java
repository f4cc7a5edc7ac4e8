package dev.fgbg.client;

import com.google.protobuf.ByteString;
import dev.fgbg.v1.DepthDtype;
import dev.fgbg.v1.SampleMeta;
import java.util.List;

/**
 * One whole batch: the chunks of a StreamEpoch batch joined (without copying the payload), or a
 * GetSamples response. images [n,H,W,3] uint8, masks [n,H,W] uint8, depth [n,h,w] in
 * {@code depthDtype}, little-endian, instances [n,H,W] uint8 (0 background, i for instance i of
 * the meta's scene); an output that was not asked for is empty.
 *
 * <p>With OUTPUT_BACKGROUND / OUTPUT_BACKGROUND_DEPTH (asked for by name), {@code backgrounds}
 * [b,H,W,3] and {@code backgroundDepths} [b,h,w] hold each distinct background of the batch
 * once and {@code backgroundRows} sample {@code s}'s row among them: {@link #background(int)}
 * and {@link #backgroundDepth(int)} are each sample's, as views.
 */
public record Batch(long batchIndex, List<Long> indices, int height, int width, ByteString images,
    ByteString masks, ByteString depth, DepthDtype depthDtype, int depthHeight, int depthWidth,
    List<SampleMeta> meta, String fingerprint, ByteString instances, ByteString backgrounds,
    ByteString backgroundDepths, List<Integer> backgroundRows) {

  /** A batch without instance ids or backgrounds. */
  public Batch(long batchIndex, List<Long> indices, int height, int width, ByteString images,
      ByteString masks, ByteString depth, DepthDtype depthDtype, int depthHeight, int depthWidth,
      List<SampleMeta> meta, String fingerprint) {
    this(batchIndex, indices, height, width, images, masks, depth, depthDtype, depthHeight,
        depthWidth, meta, fingerprint, ByteString.EMPTY, ByteString.EMPTY, ByteString.EMPTY,
        List.of());
  }

  /** Samples in this batch. */
  public int size() {
    return indices.size();
  }

  /** The image of sample {@code s} of this batch (H×W×3 bytes), a view, not a copy. */
  public ByteString image(int s) {
    return sample(images, s);
  }

  /** The mask of sample {@code s} (H×W bytes), a view. */
  public ByteString mask(int s) {
    return sample(masks, s);
  }

  /** The instance ids of sample {@code s} (H×W bytes), a view. */
  public ByteString instances(int s) {
    return sample(instances, s);
  }

  /** The depth of sample {@code s} (h×w values in depthDtype), a view. */
  public ByteString depth(int s) {
    return sample(depth, s);
  }

  /** Sample {@code s}'s equal share of {@code all}: empty when that output was not asked for. */
  private ByteString sample(ByteString all, int s) {
    if (s < 0 || s >= size()) {
      throw new IndexOutOfBoundsException("sample " + s + " of a batch of " + size());
    }
    int n = all.size() / size();
    return all.substring(s * n, (s + 1) * n);
  }

  /** Distinct backgrounds in this batch (0 without background outputs). */
  public int backgroundCount() {
    return backgroundRows.stream().mapToInt(r -> r + 1).max().orElse(0);
  }

  /** The background of sample {@code s} (H×W×3 bytes), a view; empty when not asked for. */
  public ByteString background(int s) {
    return row(backgrounds, s);
  }

  /** The depth of sample {@code s}'s background alone (h×w values in depthDtype), a view. */
  public ByteString backgroundDepth(int s) {
    return row(backgroundDepths, s);
  }

  private ByteString row(ByteString distinct, int s) {
    if (s < 0 || s >= size()) {
      throw new IndexOutOfBoundsException("sample " + s + " of a batch of " + size());
    }
    if (distinct.isEmpty()) {
      return ByteString.EMPTY;
    }
    int n = distinct.size() / backgroundCount();
    int r = backgroundRows.get(s);
    return distinct.substring(r * n, (r + 1) * n);
  }
}
