package dev.fgbg.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FileTrees;
import dev.fgbg.core.export.LinkRefusedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Hadoop store on file://: what concurrent attempts of one shard leave behind. */
class HadoopStoreTest {
  @TempDir
  Path dir;

  private HadoopStore attempt(String tag) throws Exception {
    return HadoopStore.open(HadoopStore.Settings.of(new Configuration()),
        dir.resolve("dest").toUri().toString(), tag);
  }

  private static void write(HadoopStore s, String path, String text) throws Exception {
    s.write(path, text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aSecondAttemptWithTheSameBytesKeepsTheFirstCopy() throws Exception {
    HadoopStore a = attempt("-1-aa");
    HadoopStore b = attempt("-2-bb");
    a.mkdirs("");
    write(a, "x.tar-1-aa.tmp", "shard bytes");
    write(b, "x.tar-2-bb.tmp", "shard bytes");
    a.commit("x.tar-1-aa.tmp", "x.tar");
    b.commit("x.tar-2-bb.tmp", "x.tar");
    for (String top : List.of("fg_bg", "depth_maps")) {
      for (HadoopStore s : List.of(a, b)) {
        String partial = top + "/.bg_000.partial" + s.tempTag();
        s.mkdirs(partial);
        write(s, partial + "/one.jpg", "image");
        write(s, partial + "/two.jpg", "other image");
        s.commit(partial, top + "/bg_000");
      }
    }
    assertEquals(List.of("depth_maps", "fg_bg", "x.tar"), a.list(""));
    assertEquals(List.of("one.jpg", "two.jpg"), a.list("fg_bg/bg_000"),
        "the folder was not moved into the first attempt's copy");
    assertEquals(5, FileTrees.tree(dir.resolve("dest")).size(), "no .crc files, no leftovers");
  }

  @Test
  void aDamagedCopyFromAnEarlierRunIsReplaced() throws Exception {
    HadoopStore a = attempt("-1-aa");
    a.mkdirs("");
    write(a, "x.tar", "damag");
    write(a, "x.tar-1-aa.tmp", "shard bytes");
    a.commit("x.tar-1-aa.tmp", "x.tar");
    assertArrayEquals("shard bytes".getBytes(StandardCharsets.UTF_8),
        Files.readAllBytes(dir.resolve("dest/x.tar")));
    assertFalse(a.exists("x.tar-1-aa.tmp"));
    assertTrue(a.describe("x.tar").startsWith("file:"), a.describe("x.tar"));
  }

  @Test
  void onFileUrisNothingIsWrittenThroughALinkSwappedIn() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    try (HadoopStore a = attempt("-1-aa")) {
      a.mkdirs("fg_bg");
      Files.delete(dir.resolve("dest/fg_bg"));
      Files.createSymbolicLink(dir.resolve("dest/fg_bg"), outside); // swapped while it runs
      for (ThrowingRunnable write : List.<ThrowingRunnable>of(
          () -> a.mkdirs("fg_bg/bg_000"),
          () -> write(a, "fg_bg/x.jpg", "image"),
          () -> a.commit("nothing", "fg_bg/y.jpg"))) {
        IOException e = assertThrows(IOException.class, write::run);
        assertTrue(e instanceof LinkRefusedException || e.getMessage().contains("link"),
            e.toString());
      }
      assertEquals(Map.of(), FileTrees.tree(outside), "nothing outside the destination");
      a.deleteTree("fg_bg");
      assertTrue(Files.exists(outside), "the link is removed, not followed");
    }
  }

  /** A write that may throw. */
  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
