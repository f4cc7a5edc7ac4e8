package dev.fgbg.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.dataset.Outputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExportRootTest {
  @RegisterExtension
  static final WorkerPool POOL = new WorkerPool();

  @TempDir
  Path tmp;

  @Test
  void resolvesInsideAndRefusesEverythingElse() throws Exception {
    ExportRoot root = new ExportRoot(tmp.resolve("root"));
    assertEquals(root.path().resolve("a/b"), root.resolve("a/b"));
    assertEquals(root.path().resolve("a/c"), root.resolve("a/./c"));
    denied(root, "../outside");
    denied(root, "a/../../outside");
    denied(root, "/etc");
    denied(root, ".");
    denied(root, "");
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.createSymbolicLink(root.path().resolve("link"), outside);
    FgbgException e = denied(root, "link/x");
    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    // An absolute path inside the root is refused in the words of one outside it: accepting it
    // told a client where the server's root is.
    String inside = root.path().resolve("ok").toString();
    assertEquals(denied(root, "/etc/x").getMessage().replace("'/etc/x'", "'D'"),
        denied(root, inside).getMessage().replace("'" + inside + "'", "'D'"));
    assertFalse(Files.exists(root.path().resolve("ok")));
  }

  /** 'café' as one code point and as 'e' + U+0301 would be two folders that look the same. */
  @Test
  void aFolderNameNotInNfcIsInvalidNamingItsNfcForm() {
    ExportRoot root = new ExportRoot(tmp.resolve("root"));
    for (String d : List.of("cafe\u0301", "runs/cafe\u0301/x", "/cafe\u0301")) {
      FgbgException e = assertThrows(FgbgException.class, () -> root.resolve(d));
      assertEquals(FgbgException.Reason.INVALID_ARGUMENT, e.reason(), d);
      assertEquals("export destination '" + d + "' has a folder name that is not in Unicode NFC"
          + " (composed) form, 'cafe\\u0301', which would look the same as 'caf\\u00e9'; use"
          + " its NFC form 'caf\u00e9' (Java: Normalizer.normalize(name, Form.NFC); Python:"
          + " unicodedata.normalize('NFC', name))", e.getMessage());
    }
    assertEquals(root.path().resolve("runs/caf\u00e9"), root.resolve("runs/caf\u00e9"));
    assertEquals(FgbgException.Reason.INVALID_ARGUMENT, assertThrows(FgbgException.class,
        () -> root.resolve("\u212b")).reason(), "the angstrom sign, whose NFC is U+00C5");
  }

  /** Past the first 40 characters, both forms are shown from just before where they differ. */
  @Test
  void aLongNameNotInNfcIsShownWhereItDiffers() {
    ExportRoot root = new ExportRoot(tmp.resolve("root"));
    String digits = "0123456789".repeat(5);
    String d = "runs/" + digits + "cafe\u0301";
    FgbgException e = assertThrows(FgbgException.class, () -> root.resolve(d));
    assertEquals("export destination '" + d + "' has a folder name that is not in Unicode NFC"
        + " (composed) form, '\u20263456789cafe\\u0301', which would look the same as"
        + " '\u20263456789caf\\u00e9'; use its NFC form '" + digits + "caf\u00e9' (Java:"
        + " Normalizer.normalize(name, Form.NFC); Python: unicodedata.normalize('NFC', name))",
        e.getMessage());
  }

  /**
   * One rule, up front, for every '..' and backslash: 'q/../r' would have written r/, 'run\\1'
   * run/1/, and '..\\x' passed this check to fail later as FAILED_PRECONDITION.
   */
  @Test
  void everyDotDotAndBackslashIsRefusedUpFrontNamingIt() throws IOException {
    ExportRoot root = new ExportRoot(tmp.resolve("root"));
    for (String dest : List.of("q/../r", "a/./c/..", "x/../../root/y")) {
      FgbgException e = denied(root, dest);
      assertTrue(e.getMessage().contains("is refused: it has a '..' folder; name the folder "
          + "itself, without '..' (a destination is a folder inside the server's export root,"
          + " --export-root)"), e.getMessage());
    }
    for (String dest : List.of("run\\1", "..\\x", "a/b\\..\\..\\..\\x", "\\")) {
      FgbgException e = denied(root, dest);
      assertTrue(e.getMessage().contains("is refused: it has a backslash ('\\') at position "
          + dest.indexOf('\\') + "; folders in a destination are separated by '/'"),
          e.getMessage());
    }
    try (Stream<Path> made = Files.list(root.path())) {
      assertEquals(List.of(), made.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(ExportRoot.RESERVED)).toList(), "nothing made");
    }
  }

  @Test
  void controlCharactersAreInvalidAndLongNamesAreCutInMessages() {
    ExportRoot root = new ExportRoot(tmp.resolve("root"));
    FgbgException nul = assertThrows(FgbgException.class, () -> root.resolve("a\0b"));
    assertEquals(FgbgException.Reason.INVALID_ARGUMENT, nul.reason());
    assertEquals("export destination 'a\\u0000b' has a control character (U+0000) at position 1;"
        + " use a plain folder name", nul.getMessage());
    assertEquals(FgbgException.Reason.INVALID_ARGUMENT,
        assertThrows(FgbgException.class, () -> root.resolve("tab\there")).reason());
    FgbgException lng = assertThrows(FgbgException.class, () -> root.resolve("x".repeat(1 << 20)));
    assertEquals(FgbgException.Reason.INVALID_ARGUMENT, lng.reason());
    assertTrue(lng.getMessage().length() < 200, lng.getMessage());
    assertTrue(lng.getMessage().contains("(1048576 characters)"), lng.getMessage());
  }

  @Test
  void aFolderNameLongerThanTheFileSystemTakesIsInvalidBeforeAnythingIsMade() throws Exception {
    ExportRoot root = new ExportRoot(tmp.resolve("root"));
    for (String d : new String[] {"b".repeat(300), "ok/" + "c".repeat(256),
        "ok/" + "é".repeat(128)}) {
      FgbgException e = assertThrows(FgbgException.class, () -> root.resolve(d));
      assertEquals(FgbgException.Reason.INVALID_ARGUMENT, e.reason());
      assertTrue(e.getMessage().contains("bytes; a name is at most 255 bytes"), e.getMessage());
      assertTrue(e.getMessage().length() < 260, e.getMessage());
    }
    assertFalse(Files.exists(root.path().resolve("ok")));
    String fits = "ok/" + "é".repeat(127); // 254 bytes
    assertEquals(root.path().resolve(fits), root.resolve(fits));
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    FgbgException e = assertThrows(FgbgException.class, () -> new ExportRoot(file));
    assertEquals("export root " + file + " is a file, not a folder", e.getMessage());
  }

  @Test
  void aLinkInsideTheRootIsRefusedAndMessagesNameNoServerPath() throws Exception {
    ExportRoot root = new ExportRoot(tmp.resolve("root"));
    Path real = Files.createDirectories(root.path().resolve("real"));
    Files.createSymbolicLink(root.path().resolve("alias"), real);
    FgbgException e = denied(root, "alias");
    assertEquals("export destination 'alias' is refused: 'alias' is a symbolic link (destinations"
        + " may not pass through links)", e.getMessage());
    e = denied(root, "/somewhere/else");
    assertFalse(e.getMessage().contains(root.path().toString()), e.getMessage());
    assertEquals("cannot write real/x.tmp (<export root> is full)",
        root.redact("cannot write " + real.resolve("x.tmp") + " (" + root.path() + " is full)"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"removed", "a file", "removed mid-export"})
  void anExportRootThatIsGoneIsNamedNotTheDestination(String what) throws Exception {
    ExportRoot root = new ExportRoot(tmp.resolve("root"));
    Exporter exporter = new Exporter(root, POOL.get(), 4, Ticker.systemTicker());
    ExportJob job = new ExportJob(TestDatasets.tiny(), 1, 0, 120, Outputs.all(
        TestDatasets.tiny()), ExportFormat.FOLDERS, "a", false, 25, 95, false);
    if (!what.endsWith("mid-export")) {
      deleteTree(root.path());
      if (what.equals("a file")) {
        Files.writeString(root.path(), "x");
      }
    }
    FgbgException e = assertThrows(FgbgException.class, () -> exporter.run(job, p -> {
      if (Files.isDirectory(root.path())) {
        // Under way, the root goes at once (deleting its tree would race the writers).
        try {
          Files.move(root.path(), tmp.resolve("root-gone"));
        } catch (IOException moved) {
          throw new UncheckedIOException(moved);
        }
      }
    }, () -> false));
    assertEquals(FgbgException.Reason.FAILED_PRECONDITION, e.reason(), e.getMessage());
    assertEquals(what.equals("a file")
        ? "export stopped: the export root (--export-root) is now a file, not a folder: it was"
            + " replaced while the server was running"
        : "export stopped: the export root (--export-root) no longer exists: it was removed"
            + " while the server was running; create it again", e.getMessage());
  }

  private static void deleteTree(Path p) {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static FgbgException denied(ExportRoot root, String dest) {
    FgbgException e = assertThrows(FgbgException.class, () -> root.resolve(dest));
    assertEquals(FgbgException.Reason.PERMISSION_DENIED, e.reason(), dest);
    assertTrue(e.getMessage().contains("'" + dest + "'"), e.getMessage());
    return e;
  }
}
