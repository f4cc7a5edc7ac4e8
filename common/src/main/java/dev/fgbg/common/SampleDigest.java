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
 * instances), over the outputs that were streamed (instance ids only when asked for by name), read as an unsigned big-endian integer; the digest is the sum of
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

  /** Adds one sample, given as slices of the batch arrays (a null array means not streamed). */
  public void add(long index, byte[] image, int imageOff, int imageLen,
      byte[] mask, int maskOff, int maskLen, byte[] depth, int depthOff, int depthLen) {
    add(index, image, imageOff, imageLen, mask, maskOff, maskLen, depth, depthOff, depthLen,
        null, 0, 0);
  }

  /** Adds one sample with its instance ids (null: not streamed). */
  public void add(long index, byte[] image, int imageOff, int imageLen,
      byte[] mask, int maskOff, int maskLen, byte[] depth, int depthOff, int depthLen,
      byte[] instances, int instancesOff, int instancesLen) {
    sum = sum.add(new BigInteger(1, sampleHash(index, image, imageOff, imageLen,
        mask, maskOff, maskLen, depth, depthOff, depthLen, instances, instancesOff,
        instancesLen))).mod(MODULUS);
    count++;
  }

  /** SHA-256 of one sample, as used by {@link #add}. */
  public byte[] sampleHash(long index, byte[] image, int imageOff, int imageLen,
      byte[] mask, int maskOff, int maskLen, byte[] depth, int depthOff, int depthLen) {
    return sampleHash(index, image, imageOff, imageLen, mask, maskOff, maskLen, depth, depthOff,
        depthLen, null, 0, 0);
  }

  /** SHA-256 of one sample with its instance ids (after the other arrays), as used by add. */
  public byte[] sampleHash(long index, byte[] image, int imageOff, int imageLen,
      byte[] mask, int maskOff, int maskLen, byte[] depth, int depthOff, int depthLen,
      byte[] instances, int instancesOff, int instancesLen) {
    for (int b = 0; b < 8; b++) {
      indexBytes[b] = (byte) (index >>> (56 - 8 * b));
    }
    sha.update(indexBytes);
    if (image != null) {
      sha.update(image, imageOff, imageLen);
    }
    if (mask != null) {
      sha.update(mask, maskOff, maskLen);
    }
    if (depth != null) {
      sha.update(depth, depthOff, depthLen);
    }
    if (instances != null) {
      sha.update(instances, instancesOff, instancesLen);
    }
    return sha.digest();
  }

  /**
   * Adds samples given as whole-batch byte strings (each split evenly among the samples; an
   * empty one means that output was not streamed). No payload is copied.
   */
  public void add(List<Long> indices, ByteString images, ByteString masks, ByteString depth) {
    add(indices, images, masks, depth, ByteString.EMPTY);
  }

  /** As {@link #add(List, ByteString, ByteString, ByteString)}, instance ids last. */
  public void add(List<Long> indices, ByteString images, ByteString masks, ByteString depth,
      ByteString instances) {
    int n = indices.size();
    if (n == 0) {
      return;
    }
    int il = images.size() / n;
    int ml = masks.size() / n;
    int dl = depth.size() / n;
    int sl = instances.size() / n;
    for (int s = 0; s < n; s++) {
      long index = indices.get(s);
      for (int b = 0; b < 8; b++) {
        indexBytes[b] = (byte) (index >>> (56 - 8 * b));
      }
      sha.update(indexBytes);
      update(images, s * il, il);
      update(masks, s * ml, ml);
      update(depth, s * dl, dl);
      update(instances, s * sl, sl);
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
