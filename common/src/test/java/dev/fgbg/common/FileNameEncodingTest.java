package dev.fgbg.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The words for a JVM whose file-name encoding is not UTF-8, and the flag a bad path came by. */
class FileNameEncodingTest {
  @Test
  void namesTheLocaleTheEncodingCameFrom() {
    assertEquals("no locale set: C/POSIX", FileNameEncoding.locale(Map.of()));
    assertEquals("locale C/POSIX", FileNameEncoding.locale(Map.of("LANG", "C")));
    assertEquals("locale C/POSIX", FileNameEncoding.locale(Map.of("LC_ALL", "POSIX",
        "LANG", "C.UTF-8")), "LC_ALL wins, as in glibc");
    assertEquals("LANG=en_US.UTF-8, not installed",
        FileNameEncoding.locale(Map.of("LANG", "en_US.UTF-8")));
    assertEquals("the JVM's file-name encoding is ANSI_X3.4-1968 (locale C/POSIX): non-ASCII "
        + "file names cannot be read; start it with LANG=C.UTF-8",
        FileNameEncoding.startLine("ANSI_X3.4-1968", Map.of("LANG", "C")));
  }

  @Test
  void utf8IsKnownByAnyOfItsNames() {
    assertTrue(FileNameEncoding.isUtf8("UTF-8"));
    assertTrue(FileNameEncoding.isUtf8("utf8"));
    assertFalse(FileNameEncoding.isUtf8("ANSI_X3.4-1968"));
    assertFalse(FileNameEncoding.isUtf8("no-such-charset"));
  }

  @Test
  void findsTheFlagABadPathCameBy() {
    InvalidPathException e = new InvalidPathException("/data/donn\uFFFD\uFFFDes/bg/x.png",
        "Malformed input");
    assertEquals("--bg", FileNameEncoding.flagOf(new String[] {"--port", "1", "--bg",
        "/data/donn\uFFFD\uFFFDes/bg"}, e), "a path made from the flag's value");
    assertEquals("--bg", FileNameEncoding.flagOf(new String[] {"--bg=/data/donn\uFFFD\uFFFDes"},
        e));
    assertNull(FileNameEncoding.flagOf(new String[] {"--fg", "/elsewhere"}, e));
    assertEquals(e, FileNameEncoding.find(new IllegalStateException(new RuntimeException(e))));
  }

  @Test
  void aPathThatIsNoPathSaysWhy() {
    InvalidPathException nul = new InvalidPathException("a\0b", "Nul character not allowed");
    assertEquals("--out a\0b is not a valid path: Nul character not allowed",
        FileNameEncoding.invalidPath("--out", nul));
    if (!FileNameEncoding.utf8()) {
      return; // the test JVM's own encoding decides the other words
    }
    InvalidPathException ascii = new InvalidPathException("/tmp/\uFFFD", "Malformed input");
    assertEquals("/tmp/? is not a valid path: Malformed input",
        FileNameEncoding.invalidPath(null, ascii), "a UTF-8 JVM blames the path");
  }

  @Test
  void thePathConverterGivesAPathOrTheRefusalOfItsWords() {
    assertEquals(Path.of("/tmp/x"), FileNameEncoding.path("/tmp/x", IllegalStateException::new));
    assertEquals("a\0b is not a valid path: Nul character not allowed",
        assertThrows(IllegalStateException.class,
            () -> FileNameEncoding.path("a\0b", IllegalStateException::new)).getMessage());
  }
}
