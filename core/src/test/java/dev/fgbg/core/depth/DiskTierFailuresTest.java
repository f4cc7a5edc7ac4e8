package dev.fgbg.core.depth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fgbg.core.SmallDisk;
import dev.fgbg.core.dataset.DepthMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes that fail (a stray folder, the disk full), through real files. */
class DiskTierFailuresTest {
  @TempDir
  Path dir;

  private static final String FP = "d".repeat(64);
  /** A 400 kB record: more than the small disk holds. */
  private static final DepthMap BIG = DepthMap.rounded(new float[200_000]);
  private static final DepthMap SMALL = DepthMap.rounded(new float[] {2.5f});

  private static DepthKey key(int index) {
    return new DepthKey(FP, 0, index);
  }

  private static List<Path> files(Path root, String suffix) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.toString().endsWith(suffix)).toList();
    }
  }

  /** A folder, with a file in it, where {@code k}'s record goes. */
  private static Path strayFolder(Path root, DepthKey k) throws Exception {
    Path p = root.resolve(FP).resolve("0").resolve(Long.toString(k.index() / 1000))
        .resolve(k.index() + ".depth");
    Files.createDirectories(p);
    Files.write(p.resolve("x"), new byte[1]);
    return p;
  }

  @Test
  void aFailedWriteLeavesNoTemporaryFile() throws Exception {
    DiskTier tier = new DiskTier(dir, 1L << 30, new DepthStats());
    strayFolder(dir, key(1));
    tier.write(key(1), SMALL);
    assertEquals(List.of(), files(dir, ".tmp"), "a folder at the record's path");
    tier.write(key(2), SMALL);
    assertArrayEquals(SMALL.half(), tier.read(key(2)).half(), "other records are written");

    SmallDisk disk = SmallDisk.mount(dir.resolve("small"), "size=300k");
    if (disk == null) {
      return; // no tmpfs where mounting is not allowed: the stray folder above stands for it
    }
    try {
      DiskTier small = new DiskTier(disk.dir(), 1L << 30, new DepthStats());
      small.write(key(4), SMALL);
      long free = disk.free();
      small.write(key(3), BIG);
      assertEquals(List.of(), files(disk.dir(), ".tmp"), "the disk full");
      assertEquals(free, disk.free(), "the half-written record's space is free again");
      assertNull(small.read(key(3)));
      assertArrayEquals(SMALL.half(), small.read(key(4)).half());
    } finally {
      disk.close();
    }
  }
}
