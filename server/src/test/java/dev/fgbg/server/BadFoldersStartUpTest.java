package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.Fixtures;
import dev.fgbg.core.catalog.DatasetCatalog;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.v1.FolderDatasetConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server started on bad photo folders, as a real process: every bad file is named in one
 * run (an unreadable sub-folder among them), in words, exit 2; and {@code --on-bad-file skip}
 * (flag or config-file field) serves the rest.
 */
class BadFoldersStartUpTest {
  private static final Pattern CLASS_NAME = Pattern.compile("[A-Z][a-z]+(Exception|Error)\\b");

  @TempDir
  Path root;

  @Test
  void anUnreadableSubFolderIsNamedWithEveryOtherBadFileInOneRun() throws Exception {
    Fixtures.goodFolders(root);
    Path bg = root.resolve("bg");
    Path locked = Files.createDirectories(bg.resolve("locked"));
    Fixtures.write(Fixtures.rgb(32, 32, 7), locked.resolve("hidden.png"));
    Files.write(bg.resolve("empty.jpg"), new byte[0]); // found, as these, without decoding
    run("mkfifo", bg.resolve("pipe.jpg").toString());
    Files.createSymbolicLink(bg.resolve("gone.png"), bg.resolve("nowhere.png"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    try {
      List<String> cmd = new ArrayList<>();
      if ("root".equals(System.getProperty("user.name"))) {
        // root reads any folder: drop the capabilities that let it, as an ordinary user runs
        cmd.addAll(List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search"));
      }
      cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--port", "0",
          "--builtin-size", "16", "--builtin-counts", "1:1", "--bg", bg.toString(), "--fg",
          root.resolve("fg").toString()));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(120, TimeUnit.SECONDS));
      assertEquals(2, p.exitValue(), out);
      String error = out.lines().filter(l -> l.startsWith("fgbg: error:")).findFirst()
          .orElseThrow(() -> new AssertionError("no error line in\n" + out));
      assertTrue(error.startsWith("fgbg: error: dataset 'folder' has 4 bad files or folders"),
          error);
      assertTrue(out.contains("  " + locked + ": cannot be read (permission denied): the images "
          + "in it cannot be listed"), out);
      assertTrue(out.contains("  " + bg.resolve("empty.jpg") + ": is empty (0 bytes)"), out);
      assertTrue(out.contains("  " + bg.resolve("pipe.jpg") + ": is not a regular file"), out);
      assertTrue(out.contains("  " + bg.resolve("gone.png") + ": is a symbolic link to"), out);
      assertFalse(CLASS_NAME.matcher(out).find(), "words, not class names:\n" + out);
      assertFalse(out.contains("\tat "), "no stack trace:\n" + out);
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void skipComesFromTheFlagOrTheConfigFileAndServesTheRest() throws Exception {
    Fixtures.goodFolders(root);
    Files.writeString(root.resolve("bg/text.jpg"), "not an image");
    Files.writeString(root.resolve("fg/ball/broken.png"), "not an image");
    List<FolderDatasetConfig> flagged = Main.options("--bg", root.resolve("bg").toString(),
        "--fg", root.resolve("fg").toString(), "--on-bad-file", "skip").datasets();
    Dataset d = DatasetCatalog.folder(flagged.get(0), null);
    assertEquals(3, d.assets().backgrounds().size());
    assertEquals(3, d.assets().foregrounds().size());
    assertEquals(List.of("bg/text.jpg", "fg/ball/broken.png"), d.assets().skipped());
    Path config = Files.writeString(root.resolve("datasets.json"), "{\"datasets\": [{\"name\": "
        + "\"photos\", \"bg\": \"" + root.resolve("bg") + "\", \"fg\": \"" + root.resolve("fg")
        + "\", \"on_bad_file\": \"skip\"}]}");
    Dataset fromFile = DatasetCatalog.folder(Main.options("--config", config.toString())
        .datasets().get(0), null);
    assertEquals(d.assets().skipped(), fromFile.assets().skipped());
    // The start-up's warning names what asked: the flag, or the config file's key.
    String skipped = " skipped 2 bad file(s), serving the rest:\n  " + root.resolve("bg/text.jpg");
    assertEquals("dataset 'folder' (--on-bad-file skip)" + skipped, startUpWarning("--bg",
        root.resolve("bg").toString(), "--fg", root.resolve("fg").toString(), "--on-bad-file",
        "skip"));
    assertEquals("dataset 'photos' (\"on_bad_file\": \"skip\")" + skipped,
        startUpWarning("--config", config.toString()));
    Path camel = Files.writeString(root.resolve("camel.json"), Files.readString(config)
        .replace("on_bad_file", "onBadFile"));
    // Quoted as the file spells it.
    assertEquals("dataset 'photos' (\"onBadFile\": \"skip\")" + skipped,
        startUpWarning("--config", camel.toString(), "--on-bad-file", "fail"));
    Path keyless = Files.writeString(root.resolve("keyless.json"), Files.readString(config)
        .replace(", \"on_bad_file\": \"skip\"", ""));
    assertEquals("dataset 'photos' (--on-bad-file skip)" + skipped,
        startUpWarning("--config", keyless.toString(), "--on-bad-file", "skip"));
    String bogus = assertThrowsMessage(() -> DatasetCatalog.folder(Main.options("--bg",
        root.resolve("bg").toString(), "--fg", root.resolve("fg").toString(), "--on-bad-file",
        "ignore").datasets().get(0), null));
    assertEquals("dataset 'folder': --on-bad-file 'ignore' must be fail or skip", bogus);
  }

  /** The one warning of a start-up on {@code flags} that skipped bad files, up to its first. */
  private static String startUpWarning(String... flags) {
    List<String> args = new ArrayList<>(List.of("--port", "0", "--builtin-size", "16",
        "--builtin-counts", "1:1"));
    args.addAll(List.of(flags));
    try (LogCapture log = new LogCapture();
        FgbgApplication app = FgbgApplication.create(Main.options(args.toArray(String[]::new)))) {
      List<String> lines = log.records().stream().map(r -> r.getMessage())
          .filter(m -> m.contains(" skipped ")).toList();
      assertEquals(1, lines.size(), lines.toString());
      return lines.get(0).substring(0, lines.get(0).indexOf(": not a PNG"));
    }
  }

  private static String assertThrowsMessage(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      return e.getMessage();
    }
    throw new AssertionError("nothing was thrown");
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd));
  }
}
