package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Fixtures;
import dev.fgbg.core.LogLines;
import dev.fgbg.core.SmallDisk;
import dev.fgbg.core.TinyOnnx;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.depth.DepthKey;
import dev.fgbg.core.depth.DepthRecord;
import dev.fgbg.core.depth.DiskLimit;
import dev.fgbg.core.export.ExportLimits;
import dev.fgbg.core.spec.SceneSpec;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.server.admission.LoadOptions;
import dev.fgbg.server.options.ServerOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParameterException;

class MainTest {
  @TempDir
  Path root;

  /** The datasets {@code fgbg serve args} would serve. */
  private List<Dataset> build(String... args) {
    return FlagDatasets.of(args);
  }

  @Test
  void folderFlagsMakeASecondDatasetWithTheirSpec() throws Exception {
    Fixtures.goodFolders(root);
    List<Dataset> ds = build("--builtin-size", "32", "--builtin-counts", "3:4",
        "--bg", root.resolve("bg").toString(), "--fg", root.resolve("fg").toString(),
        "--name", "mine", "--size", "32x48", "--fg-scale", "0.4:0.5", "--placements", "2",
        "--no-flip", "--position", "fixed");
    assertEquals(2, ds.size());
    assertEquals("builtin", ds.get(0).name());
    assertEquals(3 * 4 * 2 * 20, ds.get(0).size());
    Dataset mine = ds.get(1);
    assertEquals("mine", mine.name());
    assertEquals(32, mine.spec().height());
    assertEquals(48, mine.spec().width());
    assertEquals(3 * 3 * 1 * 2, mine.size());
    assertEquals(0.4, mine.spec().fgScaleMin());
    assertTrue(!mine.hasDepth());
    Dataset ground = build("--builtin-size", "16", "--builtin-counts", "1:1",
        "--bg", root.resolve("bg").toString(), "--fg", root.resolve("fg").toString(),
        "--position", "ground", "--ground-band", "0.6:0.9", "--max-image-pixels", "4000").get(1);
    assertEquals(Spec.Position.GROUND, ground.spec().position());
    assertEquals(0.6, ground.spec().groundMin());
    assertEquals(0.9, ground.spec().groundMax());
  }

  @Test
  void theDefaultDiskCacheHoldsTheWholeBuiltinDatasetsTeacherDepth() {
    ServerOptions o = Main.options();
    assertEquals(DiskLimit.DEFAULT, o.depth().diskBytes(), "bounded by the free space");
    long record = DepthRecord.size(new DepthKey("f".repeat(64), 0, 399_999), 224 * 224);
    long onDisk = (record + 4095) / 4096 * 4096; // one file each, in whole 4 KiB blocks
    assertTrue(400_000 * onDisk <= DiskLimit.CAP, 400_000 * onDisk + " bytes for 400k "
        + "samples of 224x224; the default --disk-cache-gb, where the disk has room, is "
        + DiskLimit.CAP);
  }

  /**
   * --cache-dir without --disk-cache-gb on a disk with less free than the 50 GB default: the
   * limit is half of what the folder holds and the free space together, said in the tier's
   * start-up line, and no warning that the limit is more than is free (a laptop's every start
   * had one).
   */
  @Test
  void theDefaultDiskLimitIsBoundedByTheFreeSpaceAndNotWarnedAbout() throws Exception {
    Fixtures.goodFolders(root);
    Path model = root.resolve("model");
    TinyOnnx.linearDepth(model);
    TinyOnnx.config(model, "");
    Path cache = root.resolve("cache");
    // A real 8 MB disk where root can mount one; else this machine's disk, whose free space
    // moves as others write (the limit is then only said to be the default).
    SmallDisk disk = SmallDisk.mount(cache, "size=8m");
    ServerOptions o = Main.options("--builtin-size", "16", "--builtin-counts", "1:1", "--bg",
        root.resolve("bg").toString(), "--fg", root.resolve("fg").toString(), "--size", "32",
        "--depth-model", model.toString(), "--device", "cpu", "--cache-dir", cache.toString());
    try (LogLines log = LogLines.capture("dev.fgbg");
        FgbgApplication app = FgbgApplication.create(o)) {
      List<String> said = log.containing("depth disk cache " + cache);
      assertTrue(said.stream().noneMatch(l -> l.startsWith("WARNING")), said.toString());
      String limit = disk == null ? "" : String.format(Locale.ROOT, "%.1f MB: ",
          disk.free() / 2 / 1e6);
      assertEquals(1, said.size(), said.toString());
      // One limit, one line, for both tiers of the folder: the depth maps' and the photos'.
      assertTrue(said.get(0).startsWith("INFO depth disk cache " + cache + ": 0 records, 0.0 MB"
          + ", photo disk cache " + cache.resolve("photos") + ": ") && said.get(0).contains(
          " MB (limit " + limit.replace(": ", " for both tiers together: ")), said.get(0));
      assertTrue(said.get(0).endsWith(": the default, half of what it holds and the free space "
          + "together, as that is under 50 GB)") || disk == null, said.get(0));
      // The dataset's line reads the tier's limit, not the options' "default" (-1): its 360
      // maps, 0.8 MB, fit the 4.2 MB.
      String line = DatasetLine.of(app.datasets().get(1), o.depth());
      assertFalse(line.contains("--disk-cache-gb"), line);
    } finally {
      if (disk != null) {
        disk.close();
      }
    }
  }

  @Test
  void configFileAddsSeveralDatasets() throws Exception {
    Fixtures.goodFolders(root);
    Path cfg = root.resolve("datasets.json");
    Files.writeString(cfg, """
        {"datasets": [
          {"name": "a", "bg": "%s", "fg": "%s", "size": "32"},
          {"name": "b", "bg": "%s", "fg": "%s", "size": "40", "placements": 3, "flip": false}
        ]}""".formatted(root.resolve("bg"), root.resolve("fg"), root.resolve("bg"),
        root.resolve("fg")));
    List<Dataset> ds = build("--builtin-size", "32", "--builtin-counts", "2:2", "--config",
        cfg.toString());
    assertEquals(List.of("builtin", "a", "b"), ds.stream().map(Dataset::name).toList());
    assertEquals(3 * 3 * 1 * 3, ds.get(2).size());
  }

  @Test
  void depthAndSceneFlagsGoToTheConfigFilesDatasetsForWhatTheirEntriesLeaveOut()
      throws Exception {
    Fixtures.goodFolders(root);
    Path flagModel = root.resolve("models/flagged");
    TinyOnnx.linearDepth(flagModel);
    TinyOnnx.config(flagModel, "");
    Path ownModel = root.resolve("models/own");
    TinyOnnx.linearDepth(ownModel);
    TinyOnnx.config(ownModel, "");
    Path cfg = root.resolve("datasets.json");
    Files.writeString(cfg, """
        {"datasets": [
          {"name": "plain", "bg": "%1$s", "fg": "%2$s", "size": "32"},
          {"name": "own", "bg": "%1$s", "fg": "%2$s", "size": "32", "depthModel": "%3$s",
           "depthMode": "layered", "objects": "1:3"}
        ]}""".formatted(root.resolve("bg"), root.resolve("fg"), ownModel));
    List<Dataset> ds = build("--builtin-size", "16", "--builtin-counts", "1:1", "--config",
        cfg.toString(), "--depth-model", flagModel.toString(), "--objects", "2", "--device",
        "cpu");
    // The README's recipe: the model the flags name is the photos' (it used to replace the
    // built-in world's exact depth, and the config's datasets got none).
    assertEquals("builtin-exact", ds.get(0).depthSource());
    assertEquals(SceneSpec.CLASSIC, ds.get(0).spec().scene());
    assertTrue(ds.get(1).depthSource().endsWith(":teacher"), ds.get(1).depthSource());
    assertEquals(2, ds.get(1).spec().scene().objectsMin());
    assertTrue(ds.get(2).depthSource().endsWith(":layered"), ds.get(2).depthSource());
    assertEquals(3, ds.get(2).spec().scene().objectsMax());
  }

  /**
   * An entry's "depthMode" with the --depth-model and --depth-weights flags is served in that
   * mode by the flags' model (it was refused as naming no model, and named "depthWeights", which
   * came from a flag); without a model anywhere, the refusal names what the entry says only,
   * and depth flags that are wrong by themselves are named as flags.
   */
  @Test
  void aConfigEntrysDepthModeTakesTheFlagsModel() throws Exception {
    Fixtures.goodFolders(root);
    Path model = root.resolve("models/flagged");
    TinyOnnx.linearDepth(model);
    TinyOnnx.config(model, "");
    Path weights = Files.move(model.resolve("model.onnx"), root.resolve("weights.onnx"));
    Path cfg = root.resolve("datasets.json");
    Files.writeString(cfg, """
        {"datasets": [
          {"name": "minelayer", "bg": "%1$s", "fg": "%2$s", "size": "32",
           "depthMode": "layered"},
          {"name": "taught", "bg": "%1$s", "fg": "%2$s", "size": "32"}
        ]}""".formatted(root.resolve("bg"), root.resolve("fg")));
    List<Dataset> ds = build("--builtin-size", "16", "--builtin-counts", "1:1", "--config",
        cfg.toString(), "--depth-model", model.toString(), "--depth-weights",
        weights.toString(), "--depth-mode", "teacher", "--device", "cpu");
    assertTrue(ds.get(1).depthSource().endsWith(":layered"), ds.get(1).depthSource());
    assertTrue(ds.get(2).depthSource().endsWith(":teacher"), ds.get(2).depthSource());
    assertFails("config file " + cfg + ": dataset 'minelayer': \"depthMode\" needs "
        + "\"depthModel\"", "--config", cfg.toString());
    assertFails("--depth-weights needs --depth-model", "--config", cfg.toString(),
        "--depth-weights", weights.toString());
  }

  @Test
  void badSettingsFailAtStartUpNamingThem() throws Exception {
    Fixtures.goodFolders(root);
    String bg = root.resolve("bg").toString();
    String fg = root.resolve("fg").toString();
    assertFails("--size 'big' must be H or HxW", "--bg", bg, "--fg", fg, "--size", "big");
    assertFails("--fg-scale '0.5' must be MIN:MAX", "--bg", bg, "--fg", fg, "--fg-scale", "0.5");
    assertFails("dataset 'folder': --placements '0': placements = 0 must be in [1, 1000000]",
        "--bg", bg, "--fg", fg, "--placements", "0");
    assertFails("'builtin' is reserved", "--bg", bg, "--fg", fg, "--name", "builtin");
    assertFails("needs both --bg and --fg", "--bg", bg);
    assertFails("--mask-from 'x' must be alpha or luminance", "--bg", bg, "--fg", fg,
        "--mask-from", "x");
    assertFails("--builtin-counts '0:5'", "--builtin-counts", "0:5");
    // The built-in dataset's own flags, named as given; depth settings without a model refused.
    assertFails("built-in dataset: --builtin-size '4x' must be H or HxW", "--builtin-counts",
        "1:1", "--builtin-size", "4x");
    assertFails("built-in dataset: --builtin-size '4x4': height = 4 must be in [8, 4096]",
        "--builtin-counts", "1:1", "--builtin-size", "4");
    assertFails("built-in dataset: --depth-mode needs --depth-model", "--depth-mode", "layered");
    assertFails("--position 'up' must be random, fixed, ground or depth", "--bg", bg, "--fg", fg,
        "--position", "up");
    assertFails("--ground-band '0.7' must be MIN:MAX", "--bg", bg, "--fg", fg, "--position",
        "ground", "--ground-band", "0.7");
    assertFails("--ground-band '0.7:0.5': ground_max = 0.5 must be in [ground_min, 1]",
        "--bg", bg, "--fg", fg,
        "--position", "ground", "--ground-band", "0.7:0.5");
    assertFails("48x64 is 3,072 pixels, over the limit of 3,000", "--bg", bg, "--fg", fg,
        "--max-image-pixels", "3000");
    assertFails("--max-image-pixels 0 must be in [1, ", "--bg", bg, "--fg", fg,
        "--max-image-pixels", "0");
    Path cfg = root.resolve("bad.json");
    Files.writeString(cfg, "{\"datasets\": [{\"nmae\": \"a\"}]}");
    assertFails("config file " + cfg + ": dataset #1: unknown key \"nmae\" (did you "
        + "mean \"name\"?); the keys are name, bg, fg, ", "--config", cfg.toString());
  }

  @Test
  void depthModelFlagsGiveTheFolderDatasetModelDepth() throws Exception {
    Fixtures.goodFolders(root);
    Path model = root.resolve("models/tiny");
    TinyOnnx.linearDepth(model);
    TinyOnnx.config(model, "");
    String bg = root.resolve("bg").toString();
    String fg = root.resolve("fg").toString();
    List<Dataset> teacher = build("--builtin-size", "16", "--builtin-counts", "1:1", "--bg", bg,
        "--fg", fg, "--size", "32", "--depth-model", model.toString(), "--device", "cpu");
    assertTrue(teacher.get(1).hasDepth());
    assertTrue(teacher.get(1).depthSource().endsWith(":teacher"), teacher.get(1).depthSource());
    assertEquals("metres", teacher.get(1).depthUnits());
    List<Dataset> layered = build("--builtin-size", "16", "--builtin-counts", "1:1", "--bg", bg,
        "--fg", fg, "--size", "32", "--depth-model", model.toString(), "--depth-mode", "layered",
        "--device", "cpu");
    assertTrue(layered.get(1).depthSource().endsWith(":layered"));
    assertTrue(layered.get(1).assets().hasDepth());
    assertFails("--depth-mode 'deep' must be teacher or layered", "--bg", bg, "--fg", fg,
        "--size", "32", "--depth-model", model.toString(), "--depth-mode", "deep");
    assertFails("depth model weights " + root.resolve("nope.onnx") + " not found", "--bg", bg,
        "--fg", fg, "--size", "32", "--depth-model", model.toString(), "--depth-weights",
        root.resolve("nope.onnx").toString());
    ParameterException bad = assertThrows(ParameterException.class, () -> build("--bg", bg,
        "--fg", fg, "--size", "32", "--depth-model", model.toString(), "--device", "tpu"));
    assertTrue(bad.getMessage().contains("--device") && bad.getMessage().contains("tpu")
        && bad.getMessage().contains("[AUTO, CPU, CUDA]"), bad.getMessage());
  }

  @Test
  void exportAndMetricsFlagsSetQuotasAndTheEndpoint() {
    ServerOptions o = Main.options("--export-quota-gb", "1.5", "--export-total-gb", "0",
        "--metrics-port", "9464", "--metrics-host", "0.0.0.0");
    assertEquals(new ExportLimits(1_500_000_000L, Long.MAX_VALUE), o.exportLimits());
    assertEquals(9464, o.metricsPort());
    assertEquals("0.0.0.0", o.metricsHost());
    ServerOptions defaults = Main.options();
    assertEquals(ExportLimits.ofGigabytes(200, 1000), defaults.exportLimits());
    assertEquals(ServerOptions.METRICS_OFF, defaults.metricsPort());
    assertEquals("127.0.0.1", defaults.metricsHost());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Main.options("--export-quota-gb", "-1"));
    assertTrue(e.getMessage().startsWith("--export-quota-gb -1.0 must be 0 (no limit)"),
        e.getMessage());
  }

  @Test
  void aModelThatGivesNanFailsWarmUpAndTheServerExitsNamingIt() throws Exception {
    Fixtures.goodFolders(root);
    Path model = root.resolve("models/nan");
    TinyOnnx.nanDepth(model);
    // Its warm-up's 8 images in one batch (8,192 values) however the warm-up is scheduled.
    TinyOnnx.config(model, 10_000, "");
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(err), "--port", "0", "--builtin-size", "16",
        "--builtin-counts", "1:1", "--bg", root.resolve("bg").toString(), "--fg",
        root.resolve("fg").toString(), "--size", "32", "--depth-model", model.toString(),
        "--device", "cpu", "--export-root", root.resolve("exports").toString());
    assertEquals(2, code, err.toString());
    assertTrue(err.toString().startsWith("fgbg: error: warm-up of depth model 'tiny' failed:"
        + " depth model 'tiny' produced 8,192 NaN or infinite values"), err.toString());
  }

  @Test
  void loadFlagsSetTheBudgetCapsAdmissionAndGrace() {
    ServerOptions o = Main.options("--memory-budget-mb", "64", "--max-streams", "10",
        "--max-streams-per-client", "3", "--max-stats", "1", "--stats-queue", "0",
        "--max-exports", "2", "--export-queue", "5", "--max-galleries", "3", "--gallery-queue",
        "4", "--shutdown-grace", "30s");
    assertEquals(new LoadOptions(64L << 20, 10, 3, 1, 0, 2, 5, 3, 4,
        LoadOptions.DEFAULT_UNREAD_REPLY, LoadOptions.DEFAULT_UNREAD_STREAM),
        o.load());
    assertEquals(Duration.ofSeconds(30), o.shutdownGrace());
    assertEquals(Duration.ofSeconds(5), Main.options("--drain-delay", "5s").drainDelay());
    ServerOptions defaults = Main.options();
    assertEquals(Duration.ZERO, defaults.drainDelay()); // stops as it always did
    assertEquals(LoadOptions.defaultBudgetBytes(Runtime.getRuntime().maxMemory()),
        defaults.load().memoryBudgetBytes());
    assertEquals(Duration.ofSeconds(5), defaults.shutdownGrace());
  }

  @Test
  void badLoadFlagsFailNamingThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Main.options("--memory-budget-mb", "100000000"));
    assertTrue(e.getMessage().startsWith("--memory-budget-mb 100000000 must be between 1 and the"
        + " JVM's max heap ("), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Main.options("--max-streams", "0"));
    assertEquals("maxStreams = 0 must be at least 1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Main.options("--shutdown-grace", "soon"));
    assertEquals("--shutdown-grace 'soon' is not a duration; use e.g. 500ms, 1.5s, 30s, 5m or 2h",
        e.getMessage());
  }

  /** {@code Main.run(args)} with the small built-in world: its exit code and its stderr. */
  private static String runAndReadErr(int expectedCode, String... args) {
    String[] all = new String[args.length + 4];
    System.arraycopy(new String[] {"--builtin-size", "16", "--builtin-counts", "1:1"}, 0, all,
        0, 4);
    System.arraycopy(args, 0, all, 4, args.length);
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertEquals(expectedCode, Main.run(all));
    } finally {
      System.setErr(old);
    }
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void runPrintsOneLineAndExitsTwoOnBadAssets() {
    Fixtures.goodFolders(root);
    String msg = runAndReadErr(2, "--bg", root.resolve("missing").toString(), "--fg",
        root.resolve("fg").toString());
    assertTrue(msg.startsWith("fgbg: error: dataset 'folder': background folder "), msg);
    assertTrue(msg.contains("missing does not exist"), msg);
    assertTrue(!msg.contains("\tat "), "no stack trace: " + msg);
    assertEquals(1, msg.lines().count(), msg);
  }

  @Test
  void aFolderOfOnlySkippedFilesNamesThemAndHowToConvert() throws Exception {
    Path dir = root;
    // A tester's photos saved from the web: WebP only, and with skip nothing else was said.
    Fixtures.write(Fixtures.disc(20, 20, 0xFF3030), dir.resolve("fg/cup/z.png"));
    Files.createDirectories(dir.resolve("bg"));
    byte[] webp = "RIFF\0\0\0\0WEBPVP8 and some more bytes".getBytes(StandardCharsets.US_ASCII);
    Files.write(dir.resolve("bg/photo.webp"), webp);
    String why = runAndReadErr(2, "--bg", dir.resolve("bg").toString(), "--fg",
        dir.resolve("fg").toString(), "--on-bad-file", "skip");
    assertTrue(why.contains("holds no PNG or JPEG images (.png, .jpg, .jpeg, .jfif, .jpe, .jif, "
        + "any case); (--on-bad-file skip) skipped 1 bad file(s):\n  " + dir.resolve(
            "bg/photo.webp") + ": is a WEBP image; fgbg reads PNG and JPEG (convert it, e.g. "
        + "dwebp photo.webp -o photo.png, or magick photo.webp photo.png, then remove "
        + "photo.webp; or remove it)"), why);
  }

  @Test
  void runNamesEveryBadFileOfEveryDatasetOnceEachAndExitsTwo() throws Exception {
    Fixtures.goodFolders(root);
    Files.writeString(root.resolve("bg/broken.png"), "not an image");
    Fixtures.pngHeaderOnly(30_000, 30_000, root.resolve("fg/bomb.png"));
    Fixtures.write(Fixtures.rgb(8, 8, 9), root.resolve("fg/opaque.jpg"));
    Path cfg = root.resolve("more.json");
    Files.writeString(cfg, "{\"datasets\": [{\"name\": \"second\", \"bg\": \""
        + root.resolve("nothing") + "\", \"fg\": \"" + root.resolve("fg") + "\"}]}");
    String[] args = {"--bg", root.resolve("bg").toString(), "--fg", root.resolve("fg").toString(),
        "--config", cfg.toString()};
    // Found without decoding: named before any dataset's photos are decoded.
    assertEquals(List.of("fgbg: error: dataset 'second': background folder "
        + root.resolve("nothing") + " does not exist or is not a folder"),
        runAndReadErr(2, args).lines().toList());
    Fixtures.write(Fixtures.rgb(40, 40, 1), root.resolve("nothing/a.png"));
    List<String> lines = runAndReadErr(2, args).lines().toList();
    assertEquals("fgbg: error: dataset 'folder' has 3 bad files or folders (fix or remove each, "
        + "then start again; or start with --on-bad-file skip (on_bad_file: \"skip\" in a config "
        + "file) to serve the rest without the bad images):", lines.get(0));
    assertTrue(lines.get(1).startsWith("  " + root.resolve("bg/broken.png") + ": not a PNG"),
        lines.get(1));
    assertTrue(lines.get(2).startsWith("  " + root.resolve("fg/bomb.png") + ": 30000x30000"),
        lines.get(2));
    assertTrue(lines.get(3).startsWith("  " + root.resolve("fg/opaque.jpg") + ": has no alpha"),
        lines.get(3));
    assertEquals("dataset 'second' has 2 bad files or folders (fix or remove each, then start "
        + "again; or start with --on-bad-file skip (on_bad_file: \"skip\" in a config file) to "
        + "serve the rest without the bad images):", lines.get(4));
    assertTrue(lines.get(5).startsWith("  " + root.resolve("fg/bomb.png")), lines.get(5));
    assertEquals(7, lines.size(), String.join("\n", lines));
  }

  @Test
  void connectFlagsSetHostsTlsTokensReflectionAndKeepalive() throws Exception {
    ServerOptions defaults = Main.options();
    assertEquals(List.of(), defaults.connect().hosts());
    assertEquals(Path.of("exports"), defaults.exportRoot(), "the default export root on loopback");
    assertTrue(defaults.connect().reflection());
    assertEquals(null, defaults.connect().keepaliveTime());
    assertFalse(Main.options("--no-reflection").connect().reflection());
    assertFalse(Main.options("--reflection=false").connect().reflection());
    assertTrue(Main.options("--reflection").connect().reflection());
    assertEquals(Duration.ofMinutes(5), defaults.connect().maxConnectionIdle());
    assertEquals(1024, defaults.connect().maxConnectionsPerClient());
    assertEquals(Duration.ofSeconds(10), defaults.connect().handshakeTimeout());
    ServerOptions open = Main.options("--host", "0.0.0.0", "--insecure", "--keepalive-time",
        "60s", "--max-connection-age", "30m", "--max-connection-idle", "1h",
        "--max-connections-per-client", "64", "--handshake-timeout", "3s");
    assertEquals(null, open.exportRoot(), "beyond loopback, exports are off without the flag");
    assertEquals(Duration.ofSeconds(60), open.connect().keepaliveTime());
    assertEquals(Duration.ofMinutes(30), open.connect().maxConnectionAge());
    assertEquals(Duration.ofHours(1), open.connect().maxConnectionIdle());
    assertEquals(64, open.connect().maxConnectionsPerClient());
    assertEquals(Duration.ofSeconds(3), open.connect().handshakeTimeout());
    assertEquals(root, Main.options("--host", "0.0.0.0", "--insecure", "--export-root",
        root.toString()).exportRoot());
    Path tokens = Files.writeString(root.resolve("tokens"), "ci:0123456789abcdef\n");
    ServerOptions withTokens = Main.options("--host", "::", "--token-file", tokens.toString());
    assertEquals(1, withTokens.connect().tokens().size());
    assertEquals(2, Main.options("--host", "127.0.0.1,::1").connect().hosts().size());
  }

  @Test
  void aServerOptionOutOfRangeIsNamedByItsFlagAndAsTyped() {
    // The options' builders name their fields (maxStreams = 0, shutdownGrace = PT-1S).
    for (String[] c : List.of(
        new String[] {"--max-streams 0 must be at least 1", "--max-streams", "0"},
        new String[] {"--shutdown-grace -1500ms must not be negative", "--shutdown-grace",
            "-1500ms"},
        new String[] {"--stats-queue -1 must not be negative", "--stats-queue", "-1"},
        new String[] {"--drain-delay -5s must be between 0s and 10m", "--drain-delay", "-5s"},
        // 5m for 5s would hold every stop for minutes past any pod's termination grace
        new String[] {"--drain-delay 11m must be between 0s and 10m", "--drain-delay", "11m"},
        new String[] {"--drain-delay 'soon' is not a duration; use e.g. 500ms, 1.5s, 30s, 5m or 2h",
            "--drain-delay", "soon"})) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      PrintWriter w = new PrintWriter(err, true, StandardCharsets.UTF_8);
      String[] args = new String[] {"--builtin-size", "16", "--builtin-counts", "1:1", c[1],
          c[2]};
      assertEquals(2, Main.run(w, args));
      assertEquals("fgbg: error: " + c[0], err.toString(StandardCharsets.UTF_8).strip());
    }
  }

  @Test
  void aValueOfTheWrongTypeOrAnUnknownFlagIsOneLineNotTheWholeUsage() {
    for (String[] c : List.of(
        new String[] {"'12.5' is not an int", "--mask-threshold", "12.5"},
        new String[] {"Unknown option: '--max-stream'\n", "--max-stream", "3"})) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      PrintWriter w = new PrintWriter(err, true, StandardCharsets.UTF_8);
      assertEquals(2, Main.run(w, "--builtin-size", "16", c[1], c[2]));
      String said = err.toString(StandardCharsets.UTF_8);
      assertTrue(said.startsWith("fgbg: error: ") && said.contains(c[0]), said);
      assertTrue(said.contains("./fgbg serve --help lists every flag"), said);
      assertTrue(!said.contains("Usage:") && said.lines().count() <= 4, said);
    }
  }

  @Test
  void anUnquotedPathWithASpaceInAnArgsFileSaysToQuoteIt() throws Exception {
    // A tester's @-file: --fg on one line, the path with a space on the next, unquoted.
    Path args = Files.writeString(root.resolve("args.txt"),
        "--builtin-size\n16\n--fg\nphotos/cut outs\n");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintWriter w = new PrintWriter(err, true, StandardCharsets.UTF_8);
    assertEquals(2, Main.run(w, "@" + args));
    String said = err.toString(StandardCharsets.UTF_8);
    assertTrue(said.contains("Unmatched argument at index 4: 'outs'"), said);
    assertTrue(said.contains("\n(in an @-file a value with spaces must be quoted: "
        + "\"photos/cut outs\", not photos/cut outs)\n"), said);
    // The same mistake on the command line itself is no @-file's: no such hint.
    err.reset();
    assertEquals(2, Main.run(w, "--builtin-size", "16", "--fg", "photos/cut", "outs"));
    assertFalse(err.toString(StandardCharsets.UTF_8).contains("@-file"), err.toString());
  }

  @Test
  void aFlagAfterAnArgsFileOverridesTheFilesAndOneTypedTwiceIsStillRefused() throws Exception {
    // A shared base file and one flag changed for this run: picocli refused it ("should be
    // specified only once"); the later value wins, here one refused by its own rule.
    Path args = Files.writeString(root.resolve("base.args"),
        "--builtin-size 16\n--max-stats 2\n--port 8080\n");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintWriter w = new PrintWriter(err, true, StandardCharsets.UTF_8);
    assertEquals(2, Main.run(w, "@" + args, "--max-stats", "0"));
    assertEquals("fgbg: error: --max-stats 0 must be at least 1\n",
        err.toString(StandardCharsets.UTF_8));
    assertEquals(9999, Main.options("@" + args, "--port", "9999").port());
    assertEquals(8080, Main.options("--port", "9999", "@" + args).port(), "the last one wins");
    err.reset();
    assertEquals(2, Main.run(w, "--builtin-size", "16", "--max-stats", "1", "--max-stats=0"));
    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("fgbg: error: option "
        + "'--max-stats' (<maxStats>) should be specified only once\n"), err.toString());
  }

  @Test
  void helpIsTrueOfTlsReloadsAndOfDepthPlacement() {
    // --tls-client-ca is reloaded as --tls-cert is; its help said nothing of it.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, Main.run(new String[] {"--help"}));
    } finally {
      System.setOut(old);
    }
    String help = out.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ");
    // --position depth works on the built-in world without a model; its help said it needed one.
    assertTrue(help.contains("depth (on floor-like surfaces of the backgrounds' depth, sized by "
        + "it: photos need --depth-model, the built-in world has depth of its own)"), help);
    assertTrue(help.contains("--tls-client-ca=<tlsClientCa> PEM CA certificates: clients must "
        + "present a certificate they signed (mTLS). Read again every 10s: changed CAs are "
        + "trusted for new connections."), help);
  }

  @Test
  void listeningBeyondLoopbackInPlaintextFailsAtStartUpNamingTheFlags() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    int code;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      code = Main.run(new String[] {"--host", "0.0.0.0", "--builtin-size", "16",
          "--builtin-counts", "1:1"});
    } finally {
      System.setErr(old);
    }
    assertEquals(2, code);
    assertEquals("fgbg: error: --host 0.0.0.0 listens beyond loopback without TLS or tokens: "
        + "give --tls-cert and --tls-key, or --token-file, or --insecure to serve anyone who can "
        + "reach the port in plaintext", err.toString(StandardCharsets.UTF_8).strip());
    Path bad = Files.writeString(root.resolve("bad-tokens"), "ci:short\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Main.options("--token-file", bad.toString()));
    assertTrue(e.getMessage().startsWith("--token-file " + bad + " line 1: a token needs"),
        e.getMessage());
  }

  private void assertFails(String fragment, String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "--builtin-size";
    all[1] = "16";
    all[2] = "--builtin-counts";
    all[3] = "1:1";
    System.arraycopy(args, 0, all, 4, args.length);
    if (args.length > 0 && args[0].equals("--builtin-counts")) {
      all = args;
    }
    String[] finalArgs = all;
    FgbgException e = assertThrows(FgbgException.class, () -> build(finalArgs));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
