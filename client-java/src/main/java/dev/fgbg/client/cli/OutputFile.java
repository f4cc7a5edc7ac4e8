package dev.fgbg.client.cli;

import dev.fgbg.common.InWords;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A file the CLI writes ({@code gallery --out}, {@code get}'s files), written whole or not at
 * all: under a temporary name in its folder, renamed into place once complete, as exports write
 * theirs. A full disk then leaves the previous file as it was and no half-written one beside the
 * complete ones; the temporary file is deleted, and the failure names the file.
 */
final class OutputFile {
  /** What goes into the file. */
  interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private OutputFile() {}

  /** Writes {@code bytes} to {@code file} whole; returns {@code file}. */
  static Path write(Path file, byte[] bytes) throws IOException {
    return write(file, out -> out.write(bytes));
  }

  /**
   * Writes {@code content} to {@code file} whole; returns {@code file}. On failure the file is
   * as it was and the exception is a FileSystemException naming it, its reason in words
   * ("no space left on device"), which the CLI prints as "PATH: reason".
   */
  static Path write(Path file, Content content) throws IOException {
    Path name = file.getFileName();
    if (name == null) {
      throw new FileSystemException(file.toString(), null, "not a file name");
    }
    // Not Files.createTempFile: its file is private (0600) and the rename would keep that.
    Path tmp = file.resolveSibling("." + name + "." + Long.toHexString(
        ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE)) {
        content.writeTo(out);
      }
      if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) { // a file replaced keeps its mode
        Files.setPosixFilePermissions(tmp,
            Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      return file;
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException gone) {
        e.addSuppressed(gone);
      }
      FileSystemException named = new FileSystemException(file.toString(), null, InWords.of(e));
      named.initCause(e);
      throw named;
    }
  }
}
