package dev.fgbg.core.depth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
    assertArrayEquals(V, DepthRecord.decode(KEY, shard, r.length, r.length));
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
}
