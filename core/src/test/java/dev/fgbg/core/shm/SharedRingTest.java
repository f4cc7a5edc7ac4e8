package dev.fgbg.core.shm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.synth.DepthEncoding;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedRingTest {
  @TempDir
  Path dir;

  private static RenderedBatch batch(int images, int masks, int depth) {
    byte[] im = new byte[images];
    byte[] ma = new byte[masks];
    byte[] de = depth == 0 ? null : new byte[depth];
    Arrays.fill(im, (byte) 1);
    Arrays.fill(ma, (byte) 2);
    if (de != null) {
      Arrays.fill(de, (byte) 3);
    }
    return new RenderedBatch(new long[] {0}, im, ma, de, DepthEncoding.FLOAT16, null);
  }

  @Test
  void writesABatchIntoAFreeSlotMarksItWrittenAndTheClientFreesIt() throws Exception {
    RingOffer offer = TestRings.create(dir, "a", 2, 4096);
    try (FileChannel client = TestRings.open(offer);
        SharedRing ring = SharedRing.open(offer, dir)) {
      assertTrue(ring.isFree(1));
      SlotLayout at = ring.write(1, batch(100, 30, 10));
      assertEquals(new SlotLayout(1, 0, 100, 128, 30, 192, 10), at);
      assertEquals(1, TestRings.state(client, 1));
      assertFalse(ring.isFree(1));
      assertTrue(ring.isFree(0));
      byte[] masks = TestRings.read(client, 4096, 1, 128, 30);
      byte[] want = new byte[30];
      Arrays.fill(want, (byte) 2);
      assertArrayEquals(want, masks);
      TestRings.free(client, 1);
      assertTrue(ring.isFree(1));
      assertThrows(IllegalStateException.class, () -> ring.write(0, batch(4000, 200, 0)),
          "a batch larger than a slot");
    }
    assertFalse(Files.exists(offer.path()), "closing removes the file");
  }

  @Test
  void aClosedRingIsNeverWrittenAgain() {
    RingOffer offer = TestRings.create(dir, "b", 1, 4096);
    SharedRing ring = assertOpens(offer);
    ring.unmap();
    assertTrue(Files.exists(offer.path()), "unmap keeps the file");
    assertThrows(IllegalStateException.class, () -> ring.write(0, batch(1, 1, 0)));
    ring.close();
  }

  private SharedRing assertOpens(RingOffer offer) {
    try {
      return SharedRing.open(offer, dir);
    } catch (RingRefusedException e) {
      throw new AssertionError(e);
    }
  }

  private void assertRefused(RingOffer offer, String naming) {
    RingRefusedException e = assertThrows(RingRefusedException.class,
        () -> SharedRing.open(offer, dir));
    assertTrue(e.getMessage().contains(naming), e.getMessage());
  }

  @Test
  void refusesWhatIsNotTheClientsRingNamingWhy() throws IOException {
    RingOffer ok = TestRings.create(dir, "c", 2, 4096);
    byte[] other = ok.nonce();
    other[0] ^= 1;
    assertRefused(new RingOffer(ok.path(), 2, 4096, other, -1), "nonce");
    assertRefused(new RingOffer(ok.path(), 3, 4096, ok.nonce(), -1), "bytes");
    assertRefused(new RingOffer(ok.path(), 2, 100, ok.nonce(), -1), "multiple of 64");
    assertRefused(new RingOffer(ok.path(), 0, 4096, ok.nonce(), -1), "slots = 0");
    assertRefused(new RingOffer(dir.resolve("fgbg-ring-missing"), 2, 4096, ok.nonce(), -1),
        "does not exist");
    assertRefused(new RingOffer(dir.resolve("other-name"), 2, 4096, ok.nonce(), -1),
        "fgbg-ring-");
    assertRefused(new RingOffer(Path.of("/etc/passwd"), 2, 4096, ok.nonce(), -1), "directly in");
    Path link = dir.resolve("fgbg-ring-link");
    Files.createSymbolicLink(link, ok.path());
    assertRefused(new RingOffer(link, 2, 4096, ok.nonce(), -1), "not a regular file");
    try (RandomAccessFile f = new RandomAccessFile(ok.path().toFile(), "rw")) {
      f.setLength(100);
    }
    assertRefused(ok, "bytes");
  }

  @Test
  void aHeaderThatSaysOtherSizesIsRefused() {
    RingOffer written = TestRings.create(dir, "d", 4, 2048);
    // The same file size offered as 2 slots of 4096: sizes agree, the header does not.
    assertRefused(new RingOffer(written.path(), 2, 4096, written.nonce(), -1), "header");
  }
}
