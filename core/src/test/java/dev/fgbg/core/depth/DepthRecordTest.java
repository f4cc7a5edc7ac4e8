package dev.fgbg.core.depth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.dataset.DepthMap;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DepthRecordTest {
  private static final DepthKey KEY = new DepthKey("a".repeat(64), 9, 77);
  private static final float[] V = {0f, 1.5f, -2f, 3.25f, Float.MIN_VALUE};

  @Test
  void roundTripsAtAnyOffsetAndHasTheAdvertisedSize() {
    byte[] r = DepthRecord.encode(KEY, V);
    assertEquals(DepthRecord.size(KEY, V.length), r.length);
    byte[] shard = new byte[r.length * 3];
    System.arraycopy(r, 0, shard, r.length, r.length);
    DepthMap back = DepthRecord.decode(KEY, shard, r.length, r.length);
    assertArrayEquals(DepthMap.rounded(V).half(), back.half(), "the float16 bytes served");
    assertArrayEquals(new float[] {0f, 1.5f, -2f, 3.25f, 0f}, back.values(),
        "float16: the smallest float rounds to zero");
  }

  @Test
  void aRecordIsTwoBytesAValueAndFourHundredThousand224MapsFitFortyOneGigabytes() {
    DepthKey k = new DepthKey("f".repeat(64), 0, 399_999);
    assertEquals(100_450, DepthRecord.size(k, 224 * 224), "98 bytes of key and checksum");
    assertEquals(100_450, DepthRecord.encode(k, new float[224 * 224]).length);
    // Each record is one file: whole 4 KiB blocks on disk.
    assertTrue(400_000L * ((100_450 + 4095) / 4096 * 4096) < 41_000_000_000L);
  }

  @Test
  void anotherKeyAFlippedBitOrAShortRecordReadsAsAbsent() {
    byte[] r = DepthRecord.encode(KEY, V);
    assertNull(DepthRecord.decode(new DepthKey(KEY.fingerprint(), 9, 78), r, 0, r.length));
    assertNull(DepthRecord.decode(new DepthKey(KEY.fingerprint(), 8, 77), r, 0, r.length));
    assertNull(DepthRecord.decode(new DepthKey("b".repeat(64), 9, 77), r, 0, r.length));
    for (int i = 0; i < r.length; i += 7) {
      byte[] bad = r.clone();
      bad[i] ^= 0x10;
      assertNull(DepthRecord.decode(KEY, bad, 0, bad.length), "bit flipped at " + i);
    }
    assertNull(DepthRecord.decode(KEY, Arrays.copyOf(r, r.length - 1), 0, r.length - 1));
    assertNull(DepthRecord.decode(KEY, new byte[3], 0, 3));
  }

  @Test
  void everyTruncationAndEveryByteSetHighReadsAsAbsentNeverThrows() {
    byte[] r = DepthRecord.encode(KEY, V);
    for (int len = 0; len < r.length; len++) {
      assertNull(DepthRecord.decode(KEY, r, 0, len), "cut to " + len + " bytes");
    }
    for (int i = 0; i < r.length; i++) {
      for (byte b : new byte[] {(byte) 0x80, (byte) 0xff, 0x7f}) {
        byte[] bad = r.clone();
        if (bad[i] != b) {
          bad[i] = b; // a length field's high byte set: negative or past the end
          assertNull(DepthRecord.decode(KEY, bad, 0, bad.length), "byte " + i + " set to " + b);
        }
      }
    }
  }
}
