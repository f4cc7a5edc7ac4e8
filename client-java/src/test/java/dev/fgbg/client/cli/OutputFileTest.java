package dev.fgbg.client.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fgbg.common.InWords;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's output files, written whole or not at all, in a real folder. */
class OutputFileTest {
  @TempDir
  Path dir;

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aFileIsReplacedWholeKeepingItsModeAndNothingBeside() throws Exception {
    Path png = Files.write(dir.resolve("gallery.png"), new byte[] {1, 2, 3});
    Path plain = Files.write(dir.resolve("plain"), new byte[] {1});
    assertEquals(png, OutputFile.write(png, new byte[] {4, 5}));
    assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(png));
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(png));
    assertEquals(List.of("gallery.png", "plain"), names());

    // A file the user gave a mode of its own keeps it.
    Set<PosixFilePermission> own = PosixFilePermissions.fromString("rw-r-----");
    Files.setPosixFilePermissions(png, own);
    OutputFile.write(png, new byte[] {6});
    assertEquals(own, Files.getPosixFilePermissions(png));
  }

  @Test
  void aDiskThatFillsMidWriteLeavesThePreviousFileAndNamesThePath() throws Exception {
    byte[] previous = {7, 7, 7, 7};
    Path png = Files.write(dir.resolve("gallery.png"), previous);
    FileSystemException e = assertThrows(FileSystemException.class, () ->
        OutputFile.write(png, out -> {
          out.write(new byte[] {1, 2});  // part of the file reaches the disk, then it is full
          out.flush();
          throw new IOException("No space left on device");  // as FileChannel says ENOSPC
        }));
    assertArrayEquals(previous, Files.readAllBytes(png));
    assertEquals(List.of("gallery.png"), names(), "the temporary file is deleted");
    assertEquals(png.toString(), e.getFile());
    // What the CLI prints (FgbgCli: the file, then its failure in words).
    assertEquals(png + ": no space left on device", e.getFile() + ": " + InWords.of(e));
  }

  @Test
  void aNewFileThatCannotBeWrittenIsNotLeftHalfMade() {
    Path meta = dir.resolve("6_meta.json");
    assertThrows(FileSystemException.class, () -> OutputFile.write(meta, out -> {
      out.write('{');
      throw new IOException("No space left on device");
    }));
    assertEquals(false, Files.exists(meta));
  }
}
