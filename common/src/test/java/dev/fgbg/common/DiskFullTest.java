package dev.fgbg.common;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

/** Only the operating system's words about an I/O failure tell a full disk. */
class DiskFullTest {
  @Test
  void theSystemsWordsAreAFullDisk() {
    assertTrue(DiskFull.in(new IOException("No space left on device")));
    assertTrue(DiskFull.in(new FileSystemException("/x/a", null, "Disk quota exceeded")));
    assertTrue(DiskFull.in(new IllegalStateException("export stopped: cannot write",
        new UncheckedIOException(new IOException("No space left on device")))));
    assertFalse(DiskFull.in(null));
  }

  @Test
  void aClientsNameQuotedIsNot() {
    // Each was a full disk: the words were read anywhere in the chain, names and all.
    assertFalse(DiskFull.in(new IllegalArgumentException("unknown dataset 'quota exceeded'")));
    assertFalse(DiskFull.in(new FileSystemException("/x/no space left on device", null,
        "Not a directory")));
    assertFalse(DiskFull.in(new IOException("cannot write quota exceeded/a",
        new FileSystemException("/x/quota exceeded/a", null, "Permission denied"))));
  }
}
