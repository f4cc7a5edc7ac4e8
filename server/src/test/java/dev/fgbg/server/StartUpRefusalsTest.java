package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.Fixtures;
import dev.fgbg.core.TinyOnnx;
import dev.fgbg.server.options.OptionValueException;
import dev.fgbg.server.options.ServerOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up refusals are one line in words, exit 2, never a stack trace or a Java class name:
 * a port already taken, a metrics port taken, one port for two endpoints, a config file that
 * is a folder or not UTF-8, a token file that cannot be read or holds a patterned token or a
 * bad name, --depth-sessions below 1, a negative cache size, a depth model whose fixed batch its
 * config cannot feed, a weights file given as the model folder.
 */
class StartUpRefusalsTest {
  /**
   * The log's console handler writes to the stderr of when it was made, at the JVM's first log
   * record: made here, so that a test's captured stderr holds only what it printed itself (a
   * start-up WARNING, such as the test JVM's heap being under a depth cache's needs, goes to
   * the real stderr whichever test logs first).
   */
  @BeforeAll
  static void logToTheRealStderr() {
    Logger.getLogger("").getHandlers();
  }

  private static final Pattern CLASS_NAME = Pattern.compile("[A-Z][a-z]+(Exception|Error)\\b");

  @TempDir
  Path root;

  /** {@code Main.run} with the small built-in world: one error line, exit 2; returns it. */
  private static String refusal(String... args) {
    String[] all = new String[args.length + 4];
    System.arraycopy(new String[] {"--builtin-size", "16", "--builtin-counts", "1:1"}, 0, all,
        0, 4);
    System.arraycopy(args, 0, all, 4, args.length);
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Main.run(all);
    } finally {
      System.setErr(old);
    }
    String said = err.toString(StandardCharsets.UTF_8).strip();
    assertEquals(2, code, said);
    // A refusal before decoding ends saying how many files were not decoded yet.
    String note = Fixtures.notDecoded(0).substring(1);
    String out = said.lines().filter(l -> !l.endsWith(note)).collect(Collectors.joining("\n"));
    assertEquals(1, out.lines().count(), said);
    assertFalse(CLASS_NAME.matcher(out).find(), "words, not class names: " + out);
    assertTrue(out.startsWith("fgbg: error: "), out);
    return out.substring("fgbg: error: ".length());
  }

  @Test
  void aTakenPortIsNamedWithTheFlagToChange() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      String why = refusal("--port", String.valueOf(port));
      assertTrue(why.startsWith("cannot listen on 127.0.0.1:" + port), why);
      assertTrue(why.endsWith(": the address is in use (another server there?); choose another "
          + "--port"), why);
      String metrics = refusal("--port", "0", "--metrics-port", String.valueOf(port));
      assertTrue(metrics.endsWith("choose another --metrics-port"), metrics);
      // The web UI's port in the same words as the others (it was "/127.0.0.1:port").
      assertEquals("cannot listen on 127.0.0.1:" + port + ": the address is in use (another "
          + "server there?); choose another --ui-port", refusal("--port", "0", "--ui-port",
          String.valueOf(port)));
    }
  }

  @Test
  void aTakenPortIsRefusedBeforeAnyPhotoIsDecoded() throws Exception {
    // Decoding (seconds to minutes of photos) came first: a taken port was said after it.
    // A photo that fails its decoding tells which came first.
    Path dir = root.resolve("broken-bg");
    Fixtures.goodFolders(dir);
    Fixtures.pngHeaderOnly(8, 8, dir.resolve("bg/broken.png"));
    String[] folders = {"--bg", dir.resolve("bg").toString(), "--fg", dir.resolve("fg").toString()};
    assertTrue(refusal(concat(folders, "--port", "0")).contains("broken.png"));
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      String ours = ": the address is in use (another server there?); choose another ";
      String why = refusal(concat(folders, "--port", String.valueOf(port)));
      assertTrue(why.startsWith("cannot listen on 127.0.0.1:" + port), why);
      assertTrue(why.endsWith(ours + "--port"), why);
      assertEquals("cannot listen on 127.0.0.1:" + port + ours + "--metrics-port",
          refusal(concat(folders, "--port", "0", "--metrics-port", String.valueOf(port))));
      assertEquals("cannot listen on 127.0.0.1:" + port + ours + "--ui-port",
          refusal(concat(folders, "--port", "0", "--ui-port", String.valueOf(port))));
    }
  }

  private static String[] concat(String[] a, String... b) {
    return Stream.concat(Arrays.stream(a), Arrays.stream(b)).toArray(String[]::new);
  }

  @Test
  void onePortForTwoEndpointsIsRefusedAtTheFlagsNamingBoth() throws Exception {
    int p;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      p = free.getLocalPort(); // let go: the flags are refused before anything listens
    }
    String own = " is the same as --port; give each endpoint its own port";
    // It was the metrics endpoint's "address is in use", after the gRPC port bound.
    assertEquals("--metrics-port " + p + own, refusal("--port", "" + p, "--metrics-port",
        "" + p));
    assertEquals("--ui-port " + p + own, refusal("--port", "" + p, "--ui-port", "" + p));
    assertEquals("--metrics-port " + p + " is the same as --ui-port; give each endpoint its own"
        + " port", refusal("--port", "0", "--ui-port", "" + p, "--metrics-port", "" + p));
    // A builder's words name its fields, as its other checks do (it was "... as --port").
    OptionValueException e = assertThrows(OptionValueException.class, () -> ServerOptions
        .builder().port(p).metrics("127.0.0.1", p).build());
    assertEquals("metricsPort = " + p + " is the same as port; give each endpoint its own port",
        e.getMessage());
    // 0 picks a free port for each: no clash.
    assertEquals(0, Main.options("--port", "0", "--metrics-port", "0", "--ui-port", "0")
        .metricsPort());
  }

  @Test
  void sessionCountsBelowOneAndNegativeCacheSizesAreNamedWithTheValueGiven() {
    for (String n : new String[] {"-1", "0"}) {
      assertEquals("--depth-sessions " + n + " must be 1 or more (leave it out for the default:"
          + " 2 on CPU, 1 on CUDA or with one worker)", refusal("--depth-sessions", n));
    }
    assertEquals("--disk-cache-gb -1 must be 0 or more (a size in GB)",
        refusal("--disk-cache-gb", "-1"));
    assertEquals("--disk-cache-gb -0.5 must be 0 or more (a size in GB)",
        refusal("--disk-cache-gb", "-0.5"));
    assertEquals("--depth-cache-mb -3 must be 0 or more", refusal("--depth-cache-mb", "-3"));
  }

  @Test
  void aModelWithAFixedBatchTheConfigCannotFeedIsNamedWithTheFix() {
    Path model = root.resolve("fixed4");
    TinyOnnx.linearDepthBatch(model, 4);
    TinyOnnx.config(model, "");
    String why = refusal("--depth-model", model.toString(), "--device", "cpu");
    assertTrue(why.startsWith("depth model 'tiny' takes batches of exactly 4 (fixed in the graph"
        + " of " + model.resolve("model.onnx") + ")"), why);
    assertTrue(why.contains("set \"padBatches\": true in " + model.resolve("config.json")), why);
  }

  @Test
  void aWeightsFileGivenAsTheModelSaysWhereItGoes() {
    Path onnx = TinyOnnx.linearDepth(root.resolve("m"));
    String why = refusal("--depth-model", onnx.toString(), "--device", "cpu");
    assertTrue(why.contains("takes a model folder with a config.json") && why.contains(
        "the weights go to --depth-weights " + onnx), why);
  }

  @Test
  void missingGivenWeightsSayWhereTheModelsReadmeTellsHowToGetThem() throws Exception {
    Path dir = root.resolve("given-weights");
    Fixtures.goodFolders(dir);
    Path model = Files.createDirectories(dir.resolve("models/tiny"));
    TinyOnnx.config(model, "");
    Files.writeString(model.resolve("README.md"), "how to get model.onnx");
    Path weights = dir.resolve("x.onnx");
    String why = refusal("--bg", dir.resolve("bg").toString(), "--fg",
        dir.resolve("fg").toString(), "--depth-model", model.toString(), "--depth-weights",
        weights.toString(), "--device", "cpu");
    assertTrue(why.contains("depth model weights " + weights + " not found (the path given as "
        + "--depth-weights, or as depthWeights in a config file; see " + model.resolve(
            "README.md") + " for how to get model.onnx)"), why);
  }

  @Test
  void unreadableConfigAndTokenFilesAreNamedInWords() throws Exception {
    Path folder = Files.createDirectories(root.resolve("config.json"));
    assertTrue(refusal("--config", folder.toString()).startsWith("cannot read config file "
        + folder + ": "));
    Path latin1 = Files.write(root.resolve("latin1.json"), new byte[] {'{', '"', (byte) 0xe9,
        '"', ':', '1', '}'});
    assertEquals("cannot read config file " + latin1 + ": not UTF-8 text",
        refusal("--config", latin1.toString()));
    Fixtures.goodFolders(root);
    assertTrue(refusal("--token-file", folder.toString()).startsWith("--token-file " + folder
        + ": cannot read it ("));
  }

  @Test
  void aPatternedTokenIsRefusedNamingTheLine() throws Exception {
    Fixtures.goodFolders(root);
    Path tokens = Files.writeString(root.resolve("tokens"),
        "ci:0123456789abcdef0123\nweak:aaaaaaaaaaaaaaaa export\n");
    assertEquals("--token-file " + tokens + " line 2: a token needs at least 5 different "
        + "characters, so that it is not a pattern easily guessed; this one has 1 (draw a random "
        + "one: openssl rand -hex 32)", refusal("--token-file", tokens.toString()));
  }

  @Test
  void aTokenNameWithControlCharactersIsRefusedNamingTheLineWithoutThem() throws Exception {
    Fixtures.goodFolders(root);
    Path tokens = Files.writeString(root.resolve("tokens"),
        "# team\nesc\u001b[31mred\u001b[0m:0123456789abcdef0123 export\n");
    assertEquals("--token-file " + tokens + " line 2: the name 'esc\\u001b[31mred\\u001b[0m' "
        + "must be 1-64 ASCII letters, digits, '_', '.', '@' or '-', starting with a letter or "
        + "digit", refusal("--token-file", tokens.toString()));
  }

  @Test
  void datasetNamesSayTheRuleAndTwoUnnamedFoldersAreToldToTakeNames() throws Exception {
    Fixtures.goodFolders(root);
    String bg = root.resolve("bg").toString();
    String fg = root.resolve("fg").toString();
    assertEquals("dataset name 'b\u00fcr\u00f6' must be 1-64 ASCII letters, digits, '_', '.' or "
        + "'-', starting with a letter or digit",
        refusal("--bg", bg, "--fg", fg, "--name", "b\u00fcr\u00f6"));
    Path cfg = Files.writeString(root.resolve("two.json"), """
        {"datasets": [{"bg": "%s", "fg": "%s", "size": "16"},
          {"bg": "%s", "fg": "%s", "size": "16"}]}"""
        .formatted(bg, fg, bg, fg));
    // Found with the file's other mistakes, before any image is decoded.
    assertEquals("config file " + cfg + ": dataset name 'folder' is used twice (datasets #1 and "
        + "#2); an entry without \"name\" is called 'folder': give each its own \"name\"",
        refusal("--config", cfg.toString()));
    Path one = Files.writeString(root.resolve("one.json"), """
        {"datasets": [{"bg": "%s", "fg": "%s", "size": "16"}]}""".formatted(bg, fg));
    assertEquals("config file " + one + ": dataset name 'folder' of dataset #1 is the "
        + "--bg/--fg dataset's too; give that one a --name (an entry without \"name\" is called "
        + "'folder')", refusal("--bg", bg, "--fg", fg, "--size", "16", "--config",
        one.toString()));
  }
}
