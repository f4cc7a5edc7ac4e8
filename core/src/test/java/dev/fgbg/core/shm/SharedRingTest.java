package dev.fgbg.core.shm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.render.BatchShape;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.synth.DepthEncoding;
import dev.fgbg.common.RingFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

  /** The tiny dataset's samples: 3,072 image, 1,024 mask and 2,048 depth bytes each. */
  private static final BatchShape SHAPE = new BatchShape(TestDatasets.tiny(),
      Outputs.all(TestDatasets.tiny()), DepthEncoding.FLOAT16);
  private static final long SLOT = SHAPE.slotBytes(2);

  /** {@code n} samples in arrays that may be longer (reused arrays hold more). */
  private static RenderedBatch batch(int n, int room) {
    byte[] im = new byte[room * 3072];
    byte[] ma = new byte[room * 1024];
    byte[] de = new byte[room * 2048];
    Arrays.fill(im, (byte) 1);
    Arrays.fill(ma, (byte) 2);
    Arrays.fill(de, (byte) 3);
    return new RenderedBatch(new long[n], im, ma, de, DepthEncoding.FLOAT16, null);
  }

  @Test
  void writesABatchIntoAFreeSlotMarksItWrittenAndTheClientFreesIt() throws Exception {
    RingOffer offer = TestRings.create(dir, "a", 2, SLOT);
    try (FileChannel client = TestRings.open(offer);
        SharedRing ring = SharedRing.open(offer, dir)) {
      assertTrue(ring.isFree(1));
      SlotLayout at = ring.write(1, batch(1, 2), SHAPE);
      assertEquals(new SlotLayout(1, 0, 3072, 3072, 1024, 4096, 2048), at,
          "one sample's bytes, though the arrays hold two");
      assertEquals(1, TestRings.state(client, 1));
      assertFalse(ring.isFree(1));
      assertTrue(ring.isFree(0));
      byte[] masks = TestRings.read(client, SLOT, 1, 3072, 1024);
      byte[] want = new byte[1024];
      Arrays.fill(want, (byte) 2);
      assertArrayEquals(want, masks);
      TestRings.free(client, 1);
      assertTrue(ring.isFree(1));
      assertThrows(IllegalStateException.class, () -> ring.write(0, batch(3, 3), SHAPE),
          "a batch larger than a slot");
    }
    assertFalse(Files.exists(offer.path()), "closing removes the file");
  }

  @Test
  void aBatchPutRunByRunLandsWhereAWholeWriteWouldAndOnlySealingShowsIt() throws Exception {
    RingOffer offer = TestRings.create(dir, "runs", 2, SLOT);
    try (FileChannel client = TestRings.open(offer);
        SharedRing ring = SharedRing.open(offer, dir)) {
      SlotLayout at = SlotLayout.of(0, SHAPE, 2, null);
      RenderedBatch second = new RenderedBatch(new long[1], new byte[3072], new byte[1024],
          new byte[2048], DepthEncoding.FLOAT16, null);
      Arrays.fill(second.images(), (byte) 7);
      ring.put(at, 1, second, SHAPE);
      ring.put(at, 0, batch(1, 1), SHAPE);
      assertTrue(ring.isFree(0), "put leaves the slot free: the client may not read it yet");
      assertEquals(at, ring.seal(at, null));
      assertFalse(ring.isFree(0));
      byte[] images = TestRings.read(client, SLOT, 0, 0, 2 * 3072);
      assertEquals(1, images[3071]);
      assertEquals(7, images[3072]);
      assertEquals(at, SlotLayout.of(0, 2 * 3072, 2 * 1024, 2 * 2048));
      assertThrows(IllegalStateException.class, () -> ring.put(at, 2, second, SHAPE),
          "a run past the batch's samples");
    }
  }

  @Test
  void aClosedRingIsNeverWrittenAgain() {
    RingOffer offer = TestRings.create(dir, "b", 1, SLOT);
    SharedRing ring = assertOpens(offer);
    ring.unmap();
    assertTrue(Files.exists(offer.path()), "unmap keeps the file");
    FgbgException e = assertThrows(FgbgException.class, () -> ring.write(0, batch(1, 1), SHAPE));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
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

  @Test
  void aRingItsClientShrankFailsEveryAccessNamingIt() throws Exception {
    RingOffer offer = TestRings.create(dir, "shrunk", 2, SLOT);
    try (FileChannel client = TestRings.open(offer);
        SharedRing ring = SharedRing.open(offer, dir)) {
      ring.write(0, batch(2, 2), SHAPE);
      client.truncate(4096); // to the header page, as a hostile client does
      FgbgException e = assertThrows(FgbgException.class, () -> ring.write(1, batch(2, 2),
          SHAPE));
      assertEquals(FgbgException.Reason.FAILED_PRECONDITION, e.reason());
      assertTrue(e.getMessage().contains("now has 4096 bytes") && e.getMessage()
          .contains("shrank"), e.getMessage());
      assertThrows(FgbgException.class, () -> ring.isFree(0), "its state words too");
      assertThrows(FgbgException.class, () -> ring.touch(1, SLOT), "and touching its pages");
    }
  }

  @Test
  void touchingASlotsPagesChangesNoByteOfThem() throws Exception {
    RingOffer offer = TestRings.create(dir, "touched", 2, SLOT);
    try (FileChannel client = TestRings.open(offer);
        SharedRing ring = SharedRing.open(offer, dir)) {
      ring.write(1, batch(2, 2), SHAPE);
      byte[] before = TestRings.read(client, SLOT, 1, 0, (int) SLOT);
      ring.touch(1, SLOT);
      ring.touch(0, 10 * SLOT); // bounded by the slot
      assertArrayEquals(before, TestRings.read(client, SLOT, 1, 0, (int) SLOT));
      assertTrue(ring.isFree(0));
      assertThrows(IllegalArgumentException.class, () -> ring.touch(2, SLOT));
    }
  }

  @Test
  void aStateWordThatIsNeitherFreeNorWrittenFailsNamingIt() throws Exception {
    RingOffer offer = TestRings.create(dir, "garbage", 2, SLOT);
    try (FileChannel client = TestRings.open(offer);
        SharedRing ring = SharedRing.open(offer, dir)) {
      client.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 7),
          RingFormat.stateOffset(1));
      assertTrue(ring.isFree(0));
      FgbgException e = assertThrows(FgbgException.class, () -> ring.isFree(1));
      assertTrue(e.getMessage().contains("slot 1's state word") && e.getMessage()
          .contains("holds 7"), e.getMessage());
    }
  }

  @Test
  void aRingUnlinkedOrReplacedKeepsWorkingAndItsReplacementIsNotRemoved() throws Exception {
    RingOffer offer = TestRings.create(dir, "replaced", 2, SLOT);
    try (FileChannel client = TestRings.open(offer)) {
      SharedRing ring = SharedRing.open(offer, dir);
      Files.delete(offer.path());
      ring.write(0, batch(1, 1), SHAPE);
      assertEquals(1, TestRings.state(client, 0), "the unlinked file is still the ring");
      Files.writeString(offer.path(), "the client's new file");
      ring.close();
      assertTrue(Files.exists(offer.path()), "a file put at the path since is not the ring's");
    }
  }

  @Test
  void aShrinkRacingTheCopiesFailsThatCopyHereAndNeverLaterOnTheThread() throws Exception {
    BatchShape big = new BatchShape(TestDatasets.tiny(), Outputs.all(TestDatasets.tiny()),
        DepthEncoding.FLOAT16);
    RenderedBatch batch = batch(512, 512); // 3 MiB a copy: shrinks land inside copies
    long slot = big.slotBytes(512);
    int late = 0;
    int failed = 0;
    for (int round = 0; round < 60; round++) {
      RingOffer offer = TestRings.create(dir, "race" + round, 2, slot);
      try (FileChannel client = TestRings.open(offer);
          SharedRing ring = SharedRing.open(offer, dir)) {
        long delay = 200_000L * (round % 10);
        Thread shrink = new Thread(() -> {
          long until = System.nanoTime() + delay;
          while (System.nanoTime() < until) {
            Thread.onSpinWait();
          }
          try {
            client.truncate(4096);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
        shrink.start();
        try {
          for (int i = 0; i < 1000; i++) {
            ring.write(i % 2, batch, big);
          }
        } catch (FgbgException e) {
          failed++;
        }
        shrink.join();
        try {
          for (int i = 0; i < 1000; i++) {
            sink = new byte[i + 1][1]; // calls into the VM, where a late fault would surface
          }
        } catch (InternalError e) {
          late++;
        }
      }
    }
    assertEquals(60, failed, "every round's writes stopped at the shrink");
    assertEquals(0, late, "no fault surfaced after the access that caused it");
  }

  private static volatile Object sink;
}
