package dev.fgbg.core;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real small or read-only file system for tests: a tmpfs mounted on a folder (root can mount
 * one; CI runs as root). {@link #mount} returns null where mounting is not allowed, and the test
 * then uses its documented fallback, so that no test is skipped.
 */
public final class SmallDisk implements AutoCloseable {
  private final Path dir;

  private SmallDisk(Path dir) {
    this.dir = dir;
  }

  /** A tmpfs with mount {@code options} (e.g. "size=8m", "ro") on {@code dir}, or null. */
  public static SmallDisk mount(Path dir, String options) throws IOException,
      InterruptedException {
    Files.createDirectories(dir);
    return run("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString()) ? new SmallDisk(dir)
        : null;
  }

  public Path dir() {
    return dir;
  }

  /** Bytes free on the file system. */
  public long free() throws IOException {
    return Files.getFileStore(dir).getUsableSpace();
  }

  /** Writes {@code filler} until its disk is full, as another program filling the disk. */
  public static void fill(Path filler) {
    byte[] block = new byte[1 << 16];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      // the disk is full now
    }
  }

  private static boolean run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return false;
    }
    return p.exitValue() == 0;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    if (!run("umount", dir.toString()) && !run("umount", "-l", dir.toString())) {
      throw new IOException("cannot unmount " + dir);
    }
  }
}
