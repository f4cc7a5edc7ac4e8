package dev.fgbg.common;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;

/**
 * The order-independent dataset digest printed by {@code fgbg stream} and recorded by exports.
 *
 * <p>Each sample contributes SHA-256(index as 8 bytes big-endian ‖ image ‖ mask ‖ depth ‖
 * instances ‖ background ‖ background depth), over the outputs that were streamed (instance ids
 * and backgrounds only when asked for by name; the background parts are the sample's own
 * background, however a message or an export stores it once for many samples), read as an
 * unsigned big-endian integer; the digest is the sum of
 * those modulo 2^256. A sum is order-independent and additive over shards, so two shardings of
 * one epoch, or a stream and an export, can be compared by one number.
 */
public final class SampleDigest {
  private static final BigInteger MODULUS = BigInteger.ONE.shiftLeft(256);

  private final MessageDigest sha;
  private final byte[] indexBytes = new byte[8];
  private BigInteger sum = BigInteger.ZERO;
  private long count;

  public SampleDigest() {
    sha = Sha256.newDigest();
  }

  /** Bytes {@code [offset, offset + length)} of {@code array}; a null array is absent. */
  public record Slice(byte[] array, int offset, int length) {}

  /** Adds one sample, given as slices of the batch arrays (a null array means not streamed). */
  public void add(long index, byte[] image, int imageOff, int imageLen,
      byte[] mask, int maskOff, int maskLen, byte[] depth, int depthOff, int depthLen) {
    add(index, new Slice(image, imageOff, imageLen), new Slice(mask, maskOff, maskLen),
        new Slice(depth, depthOff, depthLen));
  }

  /** Adds one sample with its instance ids (null: not streamed). */
  public void add(long index, byte[] image, int imageOff, int imageLen,
      byte[] mask, int maskOff, int maskLen, byte[] depth, int depthOff, int depthLen,
      byte[] instances, int instancesOff, int instancesLen) {
    add(index, new Slice(image, imageOff, imageLen), new Slice(mask, maskOff, maskLen),
        new Slice(depth, depthOff, depthLen), new Slice(instances, instancesOff, instancesLen));
  }

  /** Adds one sample whose parts, in digest order, are {@code parts}. */
  public void add(long index, Slice... parts) {
    sum = sum.add(new BigInteger(1, sampleHash(index, parts))).mod(MODULUS);
    count++;
  }

  /** SHA-256 of one sample, as used by {@link #add}. */
  public byte[] sampleHash(long index, byte[] image, int imageOff, int imageLen,
      byte[] mask, int maskOff, int maskLen, byte[] depth, int depthOff, int depthLen) {
    return sampleHash(index, new Slice(image, imageOff, imageLen),
        new Slice(mask, maskOff, maskLen), new Slice(depth, depthOff, depthLen));
  }

  /** SHA-256 of one sample with its instance ids (after the other arrays), as used by add. */
  public byte[] sampleHash(long index, byte[] image, int imageOff, int imageLen,
      byte[] mask, int maskOff, int maskLen, byte[] depth, int depthOff, int depthLen,
      byte[] instances, int instancesOff, int instancesLen) {
    return sampleHash(index, new Slice(image, imageOff, imageLen),
        new Slice(mask, maskOff, maskLen), new Slice(depth, depthOff, depthLen),
        new Slice(instances, instancesOff, instancesLen));
  }

  private byte[] sampleHash(long index, Slice... parts) {
    for (int b = 0; b < 8; b++) {
      indexBytes[b] = (byte) (index >>> (56 - 8 * b));
    }
    sha.update(indexBytes);
    for (Slice p : parts) {
      if (p.array() != null) {
        sha.update(p.array(), p.offset(), p.length());
      }
    }
    return sha.digest();
  }

  /**
   * Adds samples given as whole-batch byte strings (each split evenly among the samples; an
   * empty one means that output was not streamed). No payload is copied.
   */
  public void add(List<Long> indices, ByteString images, ByteString masks, ByteString depth) {
    add(indices, images, masks, depth, ByteString.EMPTY, ByteString.EMPTY, ByteString.EMPTY,
        List.of());
  }

  /** As {@link #add(List, ByteString, ByteString, ByteString)}, instance ids last. */
  public void add(List<Long> indices, ByteString images, ByteString masks, ByteString depth,
      ByteString instances) {
    add(indices, images, masks, depth, instances, ByteString.EMPTY, ByteString.EMPTY,
        List.of());
  }

  /**
   * As {@link #add(List, ByteString, ByteString, ByteString)}, with instance ids (empty: not
   * streamed), and each distinct background once ({@code backgrounds}, {@code backgroundDepths}:
   * split evenly among the rows) with sample {@code s}'s row {@code rows.get(s)} (empty: no
   * backgrounds).
   */
  public void add(List<Long> indices, ByteString images, ByteString masks, ByteString depth,
      ByteString instances, ByteString backgrounds, ByteString backgroundDepths,
      List<Integer> rows) {
    int n = indices.size();
    if (n == 0) {
      return;
    }
    int il = images.size() / n;
    int ml = masks.size() / n;
    int dl = depth.size() / n;
    int sl = instances.size() / n;
    int b = rows.isEmpty() ? 1 : rows.stream().mapToInt(Integer::intValue).max().getAsInt() + 1;
    int bl = backgrounds.size() / b;
    int bdl = backgroundDepths.size() / b;
    for (int s = 0; s < n; s++) {
      long index = indices.get(s);
      for (int k = 0; k < 8; k++) {
        indexBytes[k] = (byte) (index >>> (56 - 8 * k));
      }
      sha.update(indexBytes);
      update(images, s * il, il);
      update(masks, s * ml, ml);
      update(depth, s * dl, dl);
      update(instances, s * sl, sl);
      if (!rows.isEmpty()) {
        update(backgrounds, rows.get(s) * bl, bl);
        update(backgroundDepths, rows.get(s) * bdl, bdl);
      }
      sum = sum.add(new BigInteger(1, sha.digest())).mod(MODULUS);
      count++;
    }
  }

  private void update(ByteString bytes, int off, int len) {
    if (len == 0) {
      return;
    }
    for (ByteBuffer b : bytes.substring(off, off + len).asReadOnlyByteBufferList()) {
      sha.update(b);
    }
  }

  /** Adds another digest's samples (shards add up). */
  public void addAll(SampleDigest other) {
    sum = sum.add(other.sum).mod(MODULUS);
    count += other.count;
  }

  public long count() {
    return count;
  }

  public BigInteger value() {
    return sum;
  }

  /** 64 lowercase hex digits. */
  public String hex() {
    return toHex(sum);
  }

  public static String toHex(BigInteger v) {
    String h = v.toString(16);
    return "0".repeat(64 - h.length()) + h;
  }

  /** Sum of hex digests modulo 2^256. */
  public static String addHex(String a, String b) {
    return toHex(new BigInteger(a, 16).add(new BigInteger(b, 16)).mod(MODULUS));
  }
}
