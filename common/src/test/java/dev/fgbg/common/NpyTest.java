package dev.fgbg.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NpyTest {
  @Test
  void headerIsAlignedAndReadable() {
    byte[] h = Npy.header("|u1", 10, 224, 224, 3);
    assertEquals(0, h.length % 64);
    String text = new String(h, 10, h.length - 10, StandardCharsets.US_ASCII);
    assertTrue(text.startsWith(
        "{'descr': '|u1', 'fortran_order': False, 'shape': (10, 224, 224, 3), }"));
    assertTrue(text.endsWith("\n"));
    assertEquals(h.length - 10, (h[8] & 0xff) | (h[9] & 0xff) << 8);
    assertTrue(new String(Npy.header("<f2", 7), StandardCharsets.US_ASCII)
        .contains("(7,)"));
  }

  @Test
  void aFileIsTheHeaderThenTheChosenBytes() {
    byte[] data = {9, 1, 2, 3, 4, 9};
    byte[] f = Npy.file("<f2", data, 1, 4, 1, 2);
    byte[] h = Npy.header("<f2", 1, 2);
    assertArrayEquals(h, Arrays.copyOf(f, h.length));
    assertArrayEquals(new byte[] {1, 2, 3, 4}, Arrays.copyOfRange(f, h.length, f.length));
  }
}
