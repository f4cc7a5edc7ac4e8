package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large photos under the pixel limit, in a server of a small heap (a real process, -Xmx160m):
 * one that fits is decoded and scaled without copies of itself (it took 22 bytes a pixel, and
 * ran the JVM out of memory), and one whose decoding needs more than the heap can give is
 * refused by name before it is decoded, exit 2, or skipped with {@code --on-bad-file skip}.
 */
class BigPhotoStartUpTest {
  private static final List<String> SMALL_HEAP = List.of("-Xmx160m");

  @TempDir
  Path root;

  @Test
  void aPhotoTooLargeForTheHeapIsRefusedByNameNotAnOutOfMemoryExit() throws Exception {
    Fixtures.goodFolders(root);
    Path big = blackPng(root.resolve("bg/big.png"), 4000, 4000);
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
        "java").toString(), "-XX:+ExitOnOutOfMemoryError"));
    cmd.addAll(SMALL_HEAP);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "--port", "0", "--builtin-size", "16", "--builtin-counts", "1:1", "--bg",
        root.resolve("bg").toString(), "--fg", root.resolve("fg").toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue(), out);
    assertTrue(out.contains(big + ": 4000x4000 is 16,000,000 pixels, whose decoding needs about "
        + "123 MiB, more than the 60% of the JVM's "), out);
    assertTrue(out.contains("make the image smaller, or give the server more heap "
        + "(FGBG_JAVA_OPTS=-Xmx"), out);
    assertFalse(out.contains("OutOfMemoryError") || out.contains("\tat "), out);
  }

  @Test
  void oneThatFitsIsServedAndOneThatCannotIsSkipped() throws Exception {
    Fixtures.goodFolders(root);
    blackPng(root.resolve("bg/fits.png"), 3000, 3000);
    Path big = blackPng(root.resolve("bg/big.png"), 4000, 4000);
    try (ServerJvm s = new ServerJvm(SMALL_HEAP, "--builtin-size", "16", "--builtin-counts",
        "1:1", "--bg", root.resolve("bg").toString(), "--fg", root.resolve("fg").toString(),
        "--on-bad-file", "skip")) {
      String log = s.log();
      assertTrue(log.contains("skipped 1 bad file(s), serving the rest:\n  " + big
          + ": 4000x4000 is 16,000,000 pixels, whose decoding needs about 123 MiB"), log);
      // fits.png is the fourth background, beside the three small ones.
      assertTrue(log.contains("3 of 4 backgrounds are smaller than the 224x224 output"), log);
    }
  }

  /** A w×h RGB PNG of zeros: megapixels on disk in a few kilobytes, written without decoding. */
  private static Path blackPng(Path file, int w, int h) throws IOException {
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    try (OutputStream z = new DeflaterOutputStream(idat)) {
      byte[] row = new byte[1 + 3 * w]; // filter type 0, then the row's zero samples
      for (int y = 0; y < h; y++) {
        z.write(row);
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(png);
    d.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
    DataOutputStream hd = new DataOutputStream(ihdr);
    hd.writeInt(w);
    hd.writeInt(h);
    hd.write(new byte[] {8, 2, 0, 0, 0}); // 8-bit RGB, deflate, no filter method, no interlace
    chunk(d, "IHDR", ihdr.toByteArray());
    chunk(d, "IDAT", idat.toByteArray());
    chunk(d, "IEND", new byte[0]);
    return Files.write(file, png.toByteArray());
  }

  private static void chunk(DataOutputStream d, String type, byte[] data) throws IOException {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    d.writeInt(data.length);
    d.write(t);
    d.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    d.writeInt((int) crc.getValue());
  }
}
