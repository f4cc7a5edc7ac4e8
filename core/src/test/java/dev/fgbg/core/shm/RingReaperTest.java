package dev.fgbg.core.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RingReaperTest {
  @TempDir
  Path dir;

  @Test
  void removesRingsOfDeadClientsAndOldUnwrittenOnesOnly() throws Exception {
    RingOffer live = TestRings.create(dir, "live", 1, 64, 100);
    RingOffer dead = TestRings.create(dir, "dead", 1, 64, 200);
    Path fresh = Files.createFile(dir.resolve("fgbg-ring-being-created"));
    Path old = Files.createFile(dir.resolve("fgbg-ring-never-written"));
    Instant now = Instant.now();
    Files.setLastModifiedTime(old, FileTime.from(now.minus(Duration.ofMinutes(5))));
    Path other = Files.createFile(dir.resolve("not-a-ring"));
    Files.setLastModifiedTime(other, FileTime.from(now.minus(Duration.ofMinutes(5))));

    List<Path> removed = RingReaper.reap(dir, pid -> pid == 100, now);

    assertEquals(2, removed.size(), removed.toString());
    assertTrue(removed.contains(dead.path()) && removed.contains(old), removed.toString());
    assertTrue(Files.exists(live.path()) && Files.exists(fresh) && Files.exists(other));
  }

  @Test
  void thisProcessIsAliveAndAnExitedOneIsNot() throws Exception {
    assertTrue(RingReaper.processAlive(ProcessHandle.current().pid()));
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    assertTrue(!RingReaper.processAlive(p.pid()));
  }
}
