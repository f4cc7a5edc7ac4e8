package dev.fgbg.core.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeptRingsTest {
  private static final long SLOT = 8192;
  private static final Duration IDLE = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  private final AtomicLong now = new AtomicLong();

  private KeptRings rings(int max) {
    return new KeptRings(dir, max, IDLE, now::get);
  }

  /** The pid of a process that has exited. */
  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }

  private static void assertUnmapped(SharedRing ring) {
    FgbgException e = assertThrows(FgbgException.class, () -> ring.isFree(0));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  @Test
  void callsOfOneClientShareOneMappingThatOutlivesEachCall() throws Exception {
    RingOffer offer = TestRings.create(dir, "kept", 2, SLOT);
    try (KeptRings rings = rings(4)) {
      KeptRings.Lease first = rings.lease(offer);
      KeptRings.Lease second = rings.lease(offer);
      assertSame(first.ring(), second.ring(), "two calls at once lease one mapping");
      first.close();
      second.close();
      first.close(); // a second close changes nothing
      KeptRings.Lease third = rings.lease(offer);
      assertSame(first.ring(), third.ring(), "the next call finds it mapped");
      assertTrue(third.ring().isFree(1));
      third.close();
      assertEquals(1, rings.size());
    }
  }

  @Test
  void aStreamsRingIsKeptUnlessItsClientDiedOrRemovedItsFile() throws Exception {
    RingOffer offer = TestRings.create(dir, "orphan", 2, SLOT);
    try (KeptRings rings = rings(4)) {
      KeptRings.Lease stream = rings.lease(offer);
      KeptRings.Lease other = rings.lease(offer);
      assertEquals(ProcessHandle.current().pid(), stream.ring().ownerPid(), "from the header");
      stream.closeAfterStream();
      assertEquals(1, rings.size(), "its client (this process) is alive, its file in place");
      stream = rings.lease(offer);
      Files.delete(offer.path());
      stream.closeAfterStream();
      assertEquals(0, rings.size(), "the client removed its file: no later call will offer it");
      assertTrue(other.ring().isFree(0), "still mapped for another call holding it");
      other.close();
      assertUnmapped(other.ring());
    }
    RingOffer dead = TestRings.create(dir, "dead", 2, SLOT, deadPid());
    RingOffer later = TestRings.create(dir, "later", 2, SLOT, deadPid());
    try (KeptRings rings = rings(4)) {
      rings.lease(dead).closeAfterStream();
      assertEquals(0, rings.size());
      assertTrue(Files.notExists(dead.path()), "its client is gone: the file is removed");
      rings.lease(later).close(); // as if its client still looked alive (exiting) at the end
      rings.sweep();
      assertEquals(0, rings.size());
      assertTrue(Files.notExists(later.path()), "the next sweep finds its client gone");
    }
  }

  @Test
  void aStreamHoldsItsRingAloneAndARemovedFileIsSweptAtOnce() throws Exception {
    RingOffer offer = TestRings.create(dir, "alone", 2, SLOT);
    try (KeptRings rings = rings(4)) {
      KeptRings.Lease stream = rings.leaseForStream(offer);
      RingRefusedException e = assertThrows(RingRefusedException.class,
          () -> rings.leaseForStream(offer));
      assertTrue(e.getMessage().contains("in use by another stream"), e.getMessage());
      rings.lease(offer).close(); // a GetSamples call may share it (its own slot)
      stream.close();
      KeptRings.Lease next = rings.leaseForStream(offer);
      assertSame(stream.ring(), next.ring(), "the client's next stream finds it mapped");
      next.close();
      rings.sweep();
      assertEquals(1, rings.size(), "not idle yet, its file in place");
      Files.delete(offer.path());
      rings.sweep();
      assertEquals(0, rings.size(), "its file is gone: unmapped without waiting to be idle");
      assertUnmapped(next.ring());
    }
  }

  @Test
  void aFileReplacedAtThePathIsMappedAfreshAndTheOldMappingGoesWhenItsCallLetsGo()
      throws Exception {
    RingOffer offer = TestRings.create(dir, "replaced", 2, SLOT);
    try (KeptRings rings = rings(4)) {
      KeptRings.Lease old = rings.lease(offer);
      Path copy = dir.resolve("copy");
      Files.copy(offer.path(), copy);
      Files.move(copy, offer.path(), StandardCopyOption.REPLACE_EXISTING); // another inode
      KeptRings.Lease fresh = rings.lease(offer);
      assertNotSame(old.ring(), fresh.ring());
      assertTrue(old.ring().isFree(0), "a call still holding the old mapping keeps it");
      old.close();
      assertUnmapped(old.ring());
      assertTrue(fresh.ring().isFree(0));
      fresh.close();
    }
  }

  @Test
  void aRingNoCallLeasedForTheIdleTimeIsUnmappedByTheSweep() throws Exception {
    RingOffer offer = TestRings.create(dir, "idle", 2, SLOT);
    try (KeptRings rings = rings(4)) {
      KeptRings.Lease lease = rings.lease(offer);
      now.addAndGet(IDLE.toNanos() * 2);
      rings.sweep();
      assertEquals(1, rings.size(), "a leased ring is never idle");
      lease.close();
      now.addAndGet(IDLE.toNanos() - 1);
      rings.sweep();
      assertEquals(1, rings.size());
      now.addAndGet(1);
      rings.sweep();
      assertEquals(0, rings.size());
      assertUnmapped(lease.ring());
    }
  }

  @Test
  void beyondTheMostKeptTheLeastRecentlyUsedGoes() throws Exception {
    RingOffer a = TestRings.create(dir, "a", 2, SLOT);
    RingOffer b = TestRings.create(dir, "b", 2, SLOT);
    try (KeptRings rings = rings(1)) {
      KeptRings.Lease first = rings.lease(a);
      first.close();
      now.addAndGet(1);
      KeptRings.Lease second = rings.lease(b);
      assertEquals(1, rings.size());
      assertUnmapped(first.ring());
      second.close();
    }
  }

  @Test
  void aShrunkRingIsRefusedAndAFaultedMappingIsNotLeasedAgain() throws Exception {
    RingOffer offer = TestRings.create(dir, "shrunk", 2, SLOT);
    KeptRings rings = rings(4);
    KeptRings.Lease lease = rings.lease(offer);
    try (FileChannel client = TestRings.open(offer)) {
      client.truncate(4096);
      RingRefusedException e = assertThrows(RingRefusedException.class,
          () -> rings.lease(offer));
      assertTrue(e.getMessage().contains("bytes"), e.getMessage());
      assertThrows(FgbgException.class, () -> lease.ring().isFree(0));
    }
    lease.close();
    rings.close();
    assertUnmapped(lease.ring());
    assertThrows(RingRefusedException.class, () -> rings.lease(offer), "closed");
  }
}
