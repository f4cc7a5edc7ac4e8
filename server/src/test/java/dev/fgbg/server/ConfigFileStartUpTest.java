package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fgbg.core.Fixtures;
import dev.fgbg.core.dataset.Dataset;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A datasets.json as `fgbg serve --config` reads it from disk: a value of the wrong JSON type,
 * a key given twice and a name used twice are refused with the file's other problems, before
 * any folder is read; text that is not JSON is named by line and column; a byte order mark is
 * taken.
 */
class ConfigFileStartUpTest {
  private static final Pattern CLASS_NAME = Pattern.compile("[A-Z][a-z]+(Exception|Error)\\b");

  @TempDir
  Path root;
  private String bg;
  private String fg;

  @BeforeEach
  void folders() {
    Fixtures.goodFolders(root);
    bg = root.resolve("bg").toString();
    fg = root.resolve("fg").toString();
  }

  /** {@code Main.run} with the small built-in world and {@code json} as its config: stderr. */
  private String refusal(String json) throws Exception {
    Path cfg = Files.writeString(root.resolve("datasets.json"), json);
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Main.run(new String[] {"--builtin-size", "16", "--builtin-counts", "1:1",
          "--config", cfg.toString()});
    } finally {
      System.setErr(old);
    }
    String out = err.toString(StandardCharsets.UTF_8).strip();
    assertEquals(2, code, out);
    assertFalse(CLASS_NAME.matcher(out).find(), "words, not class names: " + out);
    assertFalse(out.contains("\tat "), "no stack trace: " + out);
    return out.replace(cfg.toString(), "datasets.json");
  }

  @Test
  void everyValueOfTheWrongTypeIsNamedWithTheFilesOtherProblems() throws Exception {
    assertEquals("""
        fgbg: error: config file datasets.json: dataset #1 ('office'): "bg" must be a folder \
        path, not a list ([1])
        dataset #1 ('office'): "flip" must be true or false, not text ("true")
        dataset #1 ('office'): "placements" must be a whole number, not 2.5
        dataset #1 ('office'): "size" is given twice
        dataset 'office' needs both "bg" and "fg" folders
        dataset #2 ('plain'): "maxOcclusion" must be a number, not null (leave a key out for its \
        default)
        dataset 'plain': "fgScale" 'big' must be MIN:MAX
        dataset name 'plain' is used twice (datasets #2 and #3)""", refusal("""
        {"datasets": [
          {"name": "office", "bg": [1], "flip": "true", "placements": 2.5, "size": "16",
           "size": 32},
          {"name": "plain", "bg": "%1$s", "fg": "%2$s", "maxOcclusion": null, "fgScale": "big"},
          {"name": "plain", "bg": "%1$s", "fg": "%2$s"}
        ]}""".formatted(bg, fg)));
  }

  @Test
  void textThatIsNotJsonIsNamedByLineAndColumn() throws Exception {
    assertEquals("fgbg: error: config file datasets.json is not valid JSON: line 2, column 3: "
        + "a comment (JSON has no comments)", refusal("{\n  // office\n  \"datasets\": []}"));
    assertEquals("fgbg: error: config file datasets.json is not valid JSON: line 2, column 29: "
        + "a comma before '}' (JSON has none after the last item)",
        refusal("{\"datasets\": [\n  {\"name\": \"a\", \"size\": \"16\",}]}"));
    assertEquals("fgbg: error: config file datasets.json is empty: it must be one object, "
        + "{\"datasets\": [...]}", refusal(""));
    assertEquals("fgbg: error: config file datasets.json: it must be one object, {\"datasets\": "
        + "[...]}, not a list ([])", refusal("[]"));
  }

  @Test
  void aFileWithAByteOrderMarkAndNumbersForSizesServes() throws Exception {
    Path cfg = Files.writeString(root.resolve("windows.json"), "\uFEFF" + """
        {"datasets": [{"name": "office", "bg": "%s", "fg": "%s", "size": 32, "objects": 1,
          "placements": 2}]}""".formatted(bg, fg));
    List<Dataset> ds = FlagDatasets.of("--builtin-size", "16", "--builtin-counts", "1:1",
        "--config", cfg.toString());
    assertEquals("office", ds.get(1).name());
    assertEquals(32, ds.get(1).spec().height());
    assertEquals(3 * 3 * 2 * 2, ds.get(1).size());
  }

  @Test
  void twoEntriesWithoutANameAreRefusedBeforeAnyImageIsDecoded() throws Exception {
    // The whole of stderr is the one refusal: no loading line came before it.
    assertEquals("fgbg: error: config file datasets.json: dataset name 'folder' is used twice "
        + "(datasets #1 and #2); an entry without \"name\" is called 'folder': give each its "
        + "own \"name\"", refusal("""
        {"datasets": [{"bg": "%1$s", "fg": "%2$s", "size": "16"},
                      {"bg": "%1$s", "fg": "%2$s", "size": "32"}]}""".formatted(bg, fg)));
  }

  @Test
  void anEmptyListOfDatasetsIsRefused() throws Exception {
    assertEquals("fgbg: error: config file datasets.json: \"datasets\" is empty: list at least "
        + "one, [{\"name\": …, \"bg\": …, \"fg\": …}], or leave out --config to serve "
        + "'builtin' alone", refusal("{\"datasets\": []}"));
  }

  @Test
  void relativeFoldersAreTheConfigFilesNotTheWorkingFolders() throws Exception {
    // The test runs in the module's folder: "bg" there does not exist, beside the file it does.
    assertFalse(Files.exists(Path.of("bg").toAbsolutePath()));
    Path cfg = Files.writeString(root.resolve("relative.json"), """
        {"datasets": [{"name": "office", "bg": "bg", "fg": "./fg", "size": "32",
          "placements": 2}]}""");
    List<Dataset> ds = FlagDatasets.of("--builtin-size", "16", "--builtin-counts", "1:1",
        "--config", cfg.toString());
    assertEquals(3 * 3 * 2 * 2, ds.get(1).size());
    String missing = refusal("""
        {"datasets": [{"name": "office", "bg": "photos/backgrounds", "fg": "fg"}]}""");
    assertEquals("fgbg: error: dataset 'office': background folder "
        + root.resolve("photos/backgrounds") + " does not exist or is not a folder", missing,
        "the folder tried, in full");
  }
}
