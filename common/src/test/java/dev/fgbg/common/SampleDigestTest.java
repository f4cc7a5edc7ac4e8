package dev.fgbg.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleDigestTest {
  private static final byte[] IMG = {1, 2, 3, 4, 5, 6};
  private static final byte[] MASK = {7, 8};
  private static final byte[] DEPTH = {9, 10, 11, 12};

  @Test
  void oneSampleIsTheSha256OfIndexAndBytes() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(ByteBuffer.allocate(8).putLong(42).array());
    sha.update(IMG);
    sha.update(MASK);
    sha.update(DEPTH);
    String expected = HexFormat.of().formatHex(sha.digest());
    SampleDigest d = new SampleDigest();
    d.add(List.of(42L), ByteString.copyFrom(IMG), ByteString.copyFrom(MASK),
        ByteString.copyFrom(DEPTH));
    assertEquals(expected, d.hex());
    assertEquals(64, d.hex().length());
    assertEquals(1, d.count());
  }

  @Test
  void orderIndependentAndAdditive() {
    byte[] images = new byte[12];
    for (int i = 0; i < images.length; i++) {
      images[i] = (byte) (i * 7);
    }
    SampleDigest both = new SampleDigest();
    both.add(List.of(1L, 2L), ByteString.copyFrom(images), ByteString.EMPTY, ByteString.EMPTY);
    SampleDigest reversed = new SampleDigest();
    reversed.add(List.of(2L), ByteString.copyFrom(images, 6, 6), ByteString.EMPTY,
        ByteString.EMPTY);
    SampleDigest first = new SampleDigest();
    first.add(List.of(1L), ByteString.copyFrom(images, 0, 6), ByteString.EMPTY, ByteString.EMPTY);
    reversed.addAll(first);
    assertEquals(both.hex(), reversed.hex());
    SampleDigest second = new SampleDigest();
    second.add(List.of(2L), ByteString.copyFrom(images, 6, 6), ByteString.EMPTY, ByteString.EMPTY);
    assertEquals(both.hex(), SampleDigest.addHex(first.hex(), second.hex()));
    assertNotEquals(first.hex(), second.hex());
  }

  @Test
  void sumWrapsModulo2To256() {
    String max = "f".repeat(64);
    assertEquals("0".repeat(63) + "1", SampleDigest.addHex(max, "0".repeat(63) + "2"));
    assertEquals(BigInteger.ZERO, new SampleDigest().value());
  }

  @Test
  void backgroundsStoredOnceHashAsEachSamplesOwn() {
    byte[] bgs = {20, 21, 22, 23, 24, 25, 30, 31, 32, 33, 34, 35};
    byte[] bgDepth = {40, 41, 50, 51};
    SampleDigest once = new SampleDigest();
    once.add(List.of(1L, 2L, 3L), ByteString.copyFrom(new byte[] {1, 2, 3}),
        ByteString.EMPTY, ByteString.EMPTY, ByteString.EMPTY, ByteString.copyFrom(bgs),
        ByteString.copyFrom(bgDepth), List.of(0, 1, 0));
    SampleDigest each = new SampleDigest();
    int[] rows = {0, 1, 0};
    for (int s = 0; s < 3; s++) {
      each.add(s + 1, new SampleDigest.Slice(new byte[] {1, 2, 3}, s, 1),
          new SampleDigest.Slice(null, 0, 0), new SampleDigest.Slice(null, 0, 0),
          new SampleDigest.Slice(bgs, rows[s] * 6, 6),
          new SampleDigest.Slice(bgDepth, rows[s] * 2, 2));
    }
    assertEquals(each.hex(), once.hex());
    SampleDigest without = new SampleDigest();
    without.add(List.of(1L, 2L, 3L), ByteString.copyFrom(new byte[] {1, 2, 3}),
        ByteString.EMPTY, ByteString.EMPTY);
    assertNotEquals(without.hex(), once.hex());
  }
}
