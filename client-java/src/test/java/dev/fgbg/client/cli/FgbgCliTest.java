package dev.fgbg.client.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.client.Batch;
import dev.fgbg.client.FgbgClient;
import dev.fgbg.client.ServerProcess;
import dev.fgbg.common.InstanceColors;
import dev.fgbg.common.Npy;
import dev.fgbg.common.SampleDigest;
import dev.fgbg.core.LogLines;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.TestCertificates;
import dev.fgbg.server.TestServer;
import dev.fgbg.server.transport.AccessTokens;
import dev.fgbg.server.transport.ConnectOptions;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.Output;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.LongStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI verbs against a real Netty server on loopback. */
class FgbgCliTest {
  private static TestServer server;
  private static String target;

  @TempDir
  Path out;

  @BeforeAll
  static void start() {
    server = TestServer.netty(TestDatasets.registry(), 2);
    target = "localhost:" + server.server().port();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static String[] run(String... args) {
    return CliRun.run(args);
  }

  private static String[] run(ByteArrayOutputStream e, String... args) {
    return CliRun.run(e, args);
  }

  @Test
  void streamPrintsExactlyThreeLinesAndShardDigestsAddUp() {
    String[] whole = run("stream", "--target", target, "--dataset", "tiny", "--shuffle",
        "--seed", "4", "--batch-size", "10");
    assertEquals("0", whole[0], whole[2]);
    List<String> lines = whole[1].lines().toList();
    assertEquals(3, lines.size(), whole[1]);
    assertEquals("samples: 120", lines.get(0));
    assertTrue(lines.get(1).matches("samples/s: [0-9]+\\.[0-9]"), lines.get(1));
    assertTrue(lines.get(2).matches("digest: [0-9a-f]{64}"), lines.get(2));
    String sum = "0".repeat(64);
    for (int r = 0; r < 3; r++) {
      String[] shard = run("stream", "--target", target, "--dataset", "tiny", "--shuffle",
          "--seed", "4", "--batch-size", "7", "--rank", String.valueOf(r), "--world-size", "3");
      sum = SampleDigest.addHex(sum, shard[1].lines().toList().get(2).substring(8));
    }
    assertEquals(lines.get(2).substring(8), sum);
    String[] limited = run("stream", "--target", target, "--limit", "5", "--batch-size", "2");
    assertEquals("samples: 5", limited[1].lines().toList().get(0));
    // Progress on stderr as export's and stats' (not a terminal here: plain lines), from the
    // second batch (the first gives no rate: the first line's ETA was the start-up's) and at
    // the end; stdout keeps its three lines.
    List<String> progress = whole[2].lines().toList();
    assertTrue(progress.get(0).matches("progress: 20/120 samples, [0-9]+ samples/s, eta [0-9]+ "
        + "s"), whole[2]);
    assertTrue(progress.get(progress.size() - 1).matches("progress: 120/120 samples, [0-9]+ "
        + "samples/s, eta 0 s"), whole[2]);
    assertTrue(limited[2].trim().endsWith("eta 0 s") && limited[2].contains("progress: 5/5 "),
        limited[2]);
    // The last progress rate is the final samples/s (one formula: samples since the call
    // began), the one rounded to 0 decimals, the other to 1.
    String last = progress.get(progress.size() - 1);
    double shown = Double.parseDouble(last.replaceAll(".*, ([0-9]+) samples/s.*", "$1"));
    double finalRate = Double.parseDouble(lines.get(1).substring("samples/s: ".length()));
    assertTrue(Math.abs(shown - finalRate) <= 0.55, last + " vs " + lines.get(1));
  }

  @Test
  void aDeadlineThatPassesSaysWhichAndHowFarTheStreamGot() {
    // The whole built-in dataset (400,000 samples) cannot stream within 300 ms. A call first:
    // a cold JVM's first connection may take that long, and a deadline passing before the
    // connection is made says so instead (ShortDeadlineWordsTest).
    assertEquals("0", run("describe", "--target", target)[0]);
    String[] r = run("stream", "--target", target, "--deadline", "300ms");
    assertEquals("1", r[0], r[2]);
    String last = r[2].trim().lines().reduce((a, b) -> b).orElse("");
    assertTrue(last.matches("fgbg: error: DEADLINE_EXCEEDED: (no reply|not finished) within "
        + "--deadline 300ms \\(([0-9]+) samples received\\); a cold depth cache or a busy "
        + "server can take "
        + "longer: raise --deadline or leave it out(; to go on from there: run the same stream "
        + "with --start-batch [0-9]+)?"), last);
    boolean got = !last.contains("(0 samples received)");
    assertEquals(got, last.contains("not finished within"), "no reply only when none came");
    assertEquals(got, last.contains("; to go on from there: run the same stream with "
        + "--start-batch "), "a hint to go on once something came: " + last);
    // The partial lines with the hint, once; none when nothing came whole.
    List<String> lines = r[1].lines().toList();
    assertEquals(got ? 3 : 0, lines.size(), r[1]);
    if (got) {
      String n = last.replaceAll(".*\\(([0-9]+) samples received.*", "$1");
      assertEquals("samples: " + n + " (partial)", lines.get(0));
      assertTrue(lines.get(2).matches("digest: [0-9a-f]{64} \\(partial\\)"), r[1]);
    }
  }

  @Test
  void aServerStoppedMidStreamSaysSoAndHowToGoOn() throws Exception {
    // One render thread and no grace: the stream is mid-way when the server stops.
    try (ServerProcess p = new ServerProcess(List.of("--workers", "1", "--shutdown-grace",
        "0s"))) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread stop = new Thread(() -> {
        try {
          long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (!err.toString(StandardCharsets.UTF_8).matches("(?s).*progress: [1-9].*")
              && System.nanoTime() < end) {
            Thread.sleep(10);
          }
          p.stop();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      stop.start();
      String[] r = run(err, "stream", "--target", p.target(), "--batch-size", "8",
          "--start-batch", "2");
      stop.join();
      assertEquals("1", r[0], r[2]);
      String last = r[2].trim().lines().reduce((a, b) -> b).orElse("");
      System.out.println("stopped mid-stream: " + last);
      assertTrue(last.startsWith("fgbg: error: "), last);
      assertTrue(last.contains("shut") || last.contains("went away"), last);
      assertTrue(last.matches(".*\\(([0-9]+) samples received\\); to go on from there: run "
          + "the same stream with --start-batch [0-9]+ in place of --start-batch 2"), last);
      long samples = Long.parseLong(last.replaceAll(".*\\(([0-9]+) samples received.*", "$1"));
      long batch = Long.parseLong(last.replaceAll(".*with --start-batch ([0-9]+) in place.*",
          "$1"));
      assertTrue(samples > 0 && samples % 8 == 0, last);
      assertEquals(2 + samples / 8, batch, "the first batch not received: " + last);
      // As a stream stopped by a signal: its lines over what came, marked partial, once (they
      // were missing: a part's digest meant streaming it again); the digest is that of a stream
      // of exactly those samples (the in-process server's builtin is the process's).
      List<String> lines = r[1].lines().toList();
      assertEquals(3, lines.size(), r[1]);
      assertEquals("samples: " + samples + " (partial)", lines.get(0));
      assertTrue(lines.get(1).matches("samples/s: [0-9]+\\.[0-9] \\(partial\\)"), r[1]);
      assertTrue(lines.get(2).matches("digest: [0-9a-f]{64} \\(partial\\)"), r[1]);
      String[] same = run("stream", "--target", target, "--batch-size", "8", "--start-batch",
          "2", "--limit", String.valueOf(samples));
      assertEquals("0", same[0], same[2]);
      assertEquals(lines.get(2), same[1].lines().toList().get(2) + StreamCommand.PARTIAL);
    }
  }

  @Test
  void getWritesViewableFiles() throws Exception {
    String[] r = run("get", "--target", target, "--indices", "0,7,399999", "--out",
        out.toString());
    assertEquals("0", r[0], r[2]);
    List<String> lines = r[1].lines().toList();
    assertEquals(3, lines.size(), r[1]);
    String[] ids = {"0", "7", "399999"};
    for (int s = 0; s < ids.length; s++) {  // one line per sample: every file written for it
      String i = ids[s];
      assertEquals(List.of("_image.png", "_mask.png", "_depth.png", "_depth.npy", "_meta.json")
          .stream()
          .map(f -> out.resolve(i + f).toString()).collect(Collectors.joining(" ")),
          lines.get(s));
    }
    for (String i : ids) {
      BufferedImage img = ImageIO.read(out.resolve(i + "_image.png").toFile());
      assertEquals(224, img.getWidth());
      BufferedImage mask = ImageIO.read(out.resolve(i + "_mask.png").toFile());
      assertEquals(224, mask.getHeight());
      BufferedImage depth = ImageIO.read(out.resolve(i + "_depth.png").toFile());
      assertEquals(224, depth.getWidth());
      String meta = Files.readString(out.resolve(i + "_meta.json"));
      assertTrue(meta.startsWith("{\n  \"index\": " + i + ",\n  \"bg\": "), meta);
      Batch b;
      try (FgbgClient c = FgbgClient.builder().channel(server.channel()).build()) {
        b = c.getSamples(GetSamplesRequest.newBuilder().setDataset("builtin")
            .addIndices(Long.parseLong(i)).addOutputs(Output.OUTPUT_DEPTH).build());
      }
      // The served float16 values, after NumPy's header for one 224x224 map.
      byte[] npy = Files.readAllBytes(out.resolve(i + "_depth.npy"));
      byte[] header = Npy.header("<f2", 224, 224);
      assertArrayEquals(header, Arrays.copyOf(npy, header.length));
      assertArrayEquals(b.depth(0).toByteArray(),
          Arrays.copyOfRange(npy, header.length, npy.length));
      assertTrue(meta.contains("\n  \"fg_width\": ") && meta.contains("\n  \"bbox\": {"), meta);
    }
  }

  @Test
  void getOfMoreIndicesThanOneCallTakesWritesThemAll() throws Exception {
    // 224x224 with depth: 37 per GetSamples call; 40 were INVALID_ARGUMENT.
    String list = String.join(",", LongStream.range(0, 40)
        .mapToObj(i -> String.valueOf(i * 9_973)).toList());
    Path many = out.resolveSibling("many");
    String[] r = run("get", "--target", target, "--indices", list, "--outputs", "mask", "--out",
        many.toString());
    assertEquals("0", r[0], r[2]);
    assertEquals(40, r[1].lines().count(), r[1]);
    assertTrue(Files.exists(many.resolve((39 * 9_973) + "_mask.png")));
  }

  @Test
  void getWritesInstanceMasksInColoursWhenAskedFor() throws Exception {
    String[] r = run("get", "--target", target, "--dataset", "tiny", "--indices", "3,50",
        "--outputs", "mask,instances", "--out", out.toString());
    assertEquals("0", r[0], r[2]);
    Batch b;
    try (FgbgClient c = FgbgClient.builder().channel(server.channel()).build()) {
      b = c.getSamples(GetSamplesRequest.newBuilder().setDataset("tiny").addIndices(50)
          .addOutputs(Output.OUTPUT_INSTANCES).build());
    }
    BufferedImage ids = ImageIO.read(out.resolve("50_instances.png").toFile());
    for (int p = 0; p < 32 * 32; p++) {
      assertEquals(InstanceColors.of(b.instances(0).byteAt(p) & 0xff),
          ids.getRGB(p % 32, p / 32) & 0xffffff);
    }
    // The ids themselves read back as served.
    BufferedImage raw = ImageIO.read(out.resolve("50_instance_ids.png").toFile());
    byte[] read = new byte[32 * 32];
    raw.getRaster().getDataElements(0, 0, 32, 32, read);
    assertArrayEquals(b.instances(0).toByteArray(), read);
    assertTrue(Files.exists(out.resolve("3_mask.png")));
    assertFalse(Files.exists(out.resolve("3_image.png")) || Files.exists(out.resolve(
        "3_meta.json")), "only what was asked for");
    assertEquals(out.resolve("3_mask.png") + " " + out.resolve("3_instances.png") + " "
        + out.resolve("3_instance_ids.png") + "\n" + out.resolve("50_mask.png") + " "
        + out.resolve("50_instances.png") + " " + out.resolve("50_instance_ids.png") + "\n",
        r[1],
        "every file of each sample, a line each");
  }

  @Test
  void describePrintsTheEssentials() {
    String[] r = run("describe", "--target", target);
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].contains("400,000 = 100 bg x 100 fg x 2 flips x 20 placements"), r[1]);
    assertTrue(r[1].contains("float16 little-endian, metres"), r[1]);
    assertTrue(r[1].contains("fingerprint:  " + TestDatasets.builtin().fingerprint()), r[1]);
    // --json follows the one JSON convention: proto field names, integers as numbers.
    String[] json = run("describe", "--target", target, "--json");
    assertEquals("0", json[0], json[2]);
    assertTrue(json[1].contains("\"size\": 400000,"), json[1]);
    assertTrue(json[1].contains("\"index_formula\": \"i = ((bg * F + fg) * flips + flip) * P "
        + "+ k\""), json[1]);
    assertTrue(r[1].contains("spec:         {\"height\": 224, \"width\": 224, \"fg_scale_min\""),
        r[1]);
    // People read enums as config files and the web UI spell them; --json keeps the names.
    assertTrue(r[1].contains("\"position\": \"random\""), r[1]);
    assertFalse(r[1].contains("POSITION_"), r[1]);
    assertTrue(json[1].contains("\"position\": \"POSITION_RANDOM\""), json[1]);
  }

  @Test
  void exportPrintsTheStreamDigestAndResumes() {
    String[] r = run("export", "--target", target, "--dataset", "tiny", "--format", "npy",
        "--dest", "cli-npy", "--range", "10:90", "--seed", "2");
    assertEquals("0", r[0], r[2]);
    List<String> lines = r[1].lines().toList();
    assertEquals("samples: 80", lines.get(0));
    assertEquals("manifest: cli-npy/manifest.json (relative to the server's export root, serve"
        + " --export-root)", lines.get(2));
    String[] s = run("stream", "--target", target, "--dataset", "tiny", "--seed", "2",
        "--start-position", "10", "--limit", "80");
    assertEquals(s[1].lines().toList().get(2), lines.get(3), "export digest = stream digest");
    assertTrue(r[2].contains("progress: 80/80 samples"), "plain progress lines off a terminal");
    String[] again = run("export", "--target", target, "--dataset", "tiny", "--format", "npy",
        "--dest", "cli-npy", "--range", "10:90", "--seed", "2");
    assertTrue(again[1].contains("shards: 1 (1 already complete)"), again[1]);
    String[] denied = run("export", "--target", target, "--dataset", "tiny", "--format", "zip",
        "--dest", "../x");
    assertEquals("1", denied[0]);
    assertTrue(denied[2].startsWith("fgbg: error: PERMISSION_DENIED"), denied[2]);
  }

  @Test
  void exportRefusalsSayWhatTheDestinationIsRelativeToAndHowToOverwrite() {
    String[] outside = run("export", "--target", target, "--dataset", "tiny", "--format", "npy",
        "--dest", "../outside");
    assertEquals("1", outside[0]);
    assertTrue(outside[2].startsWith("fgbg: error: PERMISSION_DENIED: export destination "
        + "'../outside' is refused: it is not a folder inside the server's export root (serve "
        + "--export-root, a folder on the server's host); a destination is relative to that "
        + "root, not to where the client runs"), outside[2]);
    String[] absolute = run("export", "--target", target, "--dataset", "tiny", "--format",
        "npy", "--dest", out.toAbsolutePath().toString());
    assertTrue(absolute[2].contains("--export-root") && absolute[2].contains(
        "not an absolute path"), absolute[2]);
    String[] first = run("export", "--target", target, "--dataset", "tiny", "--format", "npy",
        "--dest", "cli-again", "--range", "0:20");
    assertEquals("0", first[0], first[2]);
    String[] other = run("export", "--target", target, "--dataset", "tiny", "--format", "npy",
        "--dest", "cli-again", "--range", "0:20", "--sample", "5");
    assertEquals("1", other[0]);
    assertTrue(other[2].startsWith("fgbg: error: FAILED_PRECONDITION: export destination "
        + "'cli-again' holds a different export"), other[2]);
    assertTrue(other[2].trim().endsWith("choose another folder, or replace it: --overwrite on "
        + "the command line, overwrite=True in Python (Client.export), "
        + "ExportRequest.setOverwrite(true) in Java"), other[2]);
    String[] replaced = run("export", "--target", target, "--dataset", "tiny", "--format", "npy",
        "--dest", "cli-again", "--range", "0:20", "--sample", "5", "--overwrite");
    assertEquals("0", replaced[0], replaced[2]);
    assertEquals(List.of("samples: 5", "manifest: cli-again/manifest.json (relative to the "
        + "server's export root, serve --export-root)"), replaced[1].lines()
        .filter(l -> l.startsWith("samples") || l.startsWith("manifest")).toList());
  }

  @Test
  void depthOptionsOfADatasetWithoutDepthAreRefusedNamingTheOptionAndTheDataset() {
    String[] npy = run("export", "--target", target, "--dataset", "nodepth", "--format",
        "webdataset", "--dest", "cli-nodepth", "--depth-npy");
    assertEquals("1", npy[0]);
    assertEquals("fgbg: error: FAILED_PRECONDITION: dataset 'nodepth' has no depth (depth "
        + "source: none); depth_npy (--depth-npy) writes depth as .npy: leave it off, or serve "
        + "the dataset with a depth model", npy[2].trim());
    String[] f32 = run("stream", "--target", target, "--dataset", "nodepth", "--depth-dtype",
        "float32", "--limit", "4");
    assertEquals("1", f32[0]);
    assertTrue(f32[2].startsWith("fgbg: error: FAILED_PRECONDITION: dataset 'nodepth' has no "
        + "depth (depth source: none); depth_dtype DEPTH_DTYPE_FLOAT32 (--depth-dtype float32)"),
        f32[2]);
    String[] plain = run("export", "--target", target, "--dataset", "nodepth", "--format",
        "webdataset", "--dest", "cli-nodepth", "--range", "0:8");
    assertEquals("0", plain[0], plain[2]);
  }

  @Test
  void getTakesRangesInIndicesAsRangeTakesThem() throws Exception {
    String[] r = run("get", "--target", target, "--dataset", "tiny", "--indices", "0:5,7,10:12",
        "--outputs", "mask", "--out", out.toString());
    assertEquals("0", r[0], r[2]);
    try (var files = Files.list(out)) {
      assertEquals(List.of("0", "1", "2", "3", "4", "7", "10", "11"), files.map(f -> f
          .getFileName().toString().replace("_mask.png", "")).sorted((a, b) -> Long.compare(
          Long.parseLong(a), Long.parseLong(b))).toList());
    }
    assertEquals("fgbg: error: --indices: '0:5x' is not an index N or a range A:B (B "
        + "exclusive); e.g. --indices 0:5,7,10:12", run("get", "--target", target, "--dataset",
        "tiny", "--indices", "1,0:5x", "--out", out.toString())[2].trim());
    assertEquals("fgbg: error: --indices: '100:121' reaches outside the dataset's indices 0:120"
        + " (B exclusive)", run("get", "--target", target, "--dataset", "tiny", "--indices",
        "100:121", "--out", out.toString())[2].trim());
    assertEquals("fgbg: error: --indices: '5:5' is empty (A:B holds A to B-1)", run("get",
        "--target", target, "--dataset", "tiny", "--indices", "5:5", "--out",
        out.toString())[2].trim());
    assertTrue(run("get", "--help")[1].contains("0:5,7,10:12"));
  }

  @Test
  void statsPrintsNormalizeAndGalleryWritesAPng() throws Exception {
    String[] r = run("stats", "--target", target, "--dataset", "tiny");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].contains("samples: 120"), r[1]);
    assertTrue(r[1].matches("(?s).*transforms\\.Normalize\\(mean=\\[[0-9.]+, [0-9.]+, [0-9.]+\\], "
        + "std=\\[[0-9.]+, [0-9.]+, [0-9.]+\\]\\).*"), r[1]);
    assertTrue(r[1].contains("depth mean:"), r[1]);
    assertTrue(r[2].contains("progress: 120/120 samples"), "progress on stderr: " + r[2]);
    // The same stats again come from the server's cache: no pass, so no rate to print.
    String[] again = run("stats", "--target", target, "--dataset", "tiny");
    assertEquals(r[1], again[1]);
    assertTrue(again[2].contains("progress: 120/120 samples, from the server's cache")
        && !again[2].contains("0 samples/s"), again[2]);
    String[] image = run("stats", "--target", target, "--dataset", "tiny", "--outputs", "image");
    assertEquals("0", image[0], image[2]);
    assertTrue(image[1].contains("transforms.Normalize(mean="), image[1]);
    assertTrue(!image[1].contains("mask mean") && !image[1].contains("depth mean"), image[1]);
    String[] meta = run("stats", "--target", target, "--outputs", "meta");
    assertEquals("1", meta[0]);
    assertTrue(meta[2].contains("--outputs: stats cover image, mask, depth, background and "
        + "background_depth; meta has none"), meta[2]);
    Path png = out.resolve("g.png");
    String[] g = run("gallery", "--target", target, "--count", "3", "--out", png.toString());
    assertEquals("0", g[0], g[2]);
    BufferedImage drawn = ImageIO.read(png.toFile());
    assertEquals(22 + 3 * (224 + 44 + 4) + 4, drawn.getHeight(), "column headers (22 px), then"
        + " rows");
    assertEquals(png + " (" + drawn.getHeight() + "x" + drawn.getWidth() + " px, height x "
        + "width as every size fgbg shows; 3 samples)", g[1].trim(), "height first, as README's"
        + " rule for sizes has it");
  }

  @Test
  void selectionFlagsReachStatsExportAndGallery() throws Exception {
    String[] r = run("stats", "--target", target, "--dataset", "tiny", "--sample", "40", "--seed",
        "1");
    assertEquals("0", r[0], r[2]);
    List<String> lines = r[1].lines().toList();
    assertEquals("samples: 40 of 120, drawn at random (mean \u00b1 its standard error)",
        lines.get(0));
    assertTrue(lines.get(1).matches("image mean: \\[[0-9., ]+\\] \u00b1 \\[[0-9., ]+\\]"),
        lines.get(1));
    assertTrue(r[1].matches("(?s).*mask mean: [0-9.]+ \u00b1 [0-9.]+  std: .*"), r[1]);
    assertTrue(r[2].contains("progress: 40/40 samples"), r[2]);
    String[] one = run("stats", "--target", target, "--dataset", "tiny", "--sample", "1",
        "--outputs", "image,mask,depth,background,background_depth");
    assertEquals("0", one[0], one[2]);
    assertTrue(one[1].contains("mask mean: ") && one[1].contains(" \u00b1 NaN  std: "), one[1]);
    assertTrue(one[1].contains("background mean: [")
        && one[1].contains("] \u00b1 [NaN, NaN, NaN]"),
        one[1]);
    assertTrue(one[1].contains("background depth mean: ") && !one[1].contains("n/a"), one[1]);
    String[] strided = run("stats", "--target", target, "--dataset", "tiny", "--range", "0:60",
        "--stride", "4");
    assertTrue(strided[1].startsWith("samples: 15\n"), strided[1]);
    String[] e = run("export", "--target", target, "--dataset", "tiny", "--format", "webdataset",
        "--dest", "cli-sample", "--sample", "25", "--stride", "2", "--seed", "5");
    assertEquals("0", e[0], e[2]);
    assertEquals("samples: 25", e[1].lines().toList().get(0));
    Path png = out.resolve("s.png");
    String[] g = run("gallery", "--target", target, "--dataset", "tiny", "--sample", "5",
        "--out", png.toString());
    assertEquals("0", g[0], g[2]);
    assertTrue(g[1].contains("5 samples"), g[1]);
    String[] bad = run("stats", "--target", target, "--dataset", "tiny", "--sample", "500");
    assertEquals("1", bad[0]);
    assertTrue(bad[2].contains("INVALID_ARGUMENT: sample 500 is more than the 120 samples of "
        + "range 0:120"), bad[2]);
  }

  @Test
  void aMistypedFlagIsOneLineWithTheNearestAndTheServersAddressFlagForPort() {
    String[] r = run("export", "--port", "50051", "--dest", "x", "--format", "npy");
    assertEquals("2", r[0], r[2]);
    List<String> lines = r[2].lines().toList();
    assertEquals("fgbg: error: Unknown option: '--port'", lines.get(0), r[2]);
    assertTrue(lines.contains("(a client names its server with --target host:port, e.g. "
        + "--target localhost:50051, or $FGBG_TARGET)"), r[2]);
    assertEquals("(./fgbg export --help lists every flag)", lines.get(lines.size() - 1), r[2]);
    assertFalse(r[2].contains("Usage:"), "not the whole usage: " + r[2]);
    // A mistyped required flag is named, not hidden behind picocli's "Missing required option".
    String[] required = run("export", "--format", "npy", "--destt", "x", "--bogus", "-1");
    assertEquals("2", required[0], required[2]);
    List<String> said = required[2].lines().toList();
    assertEquals("fgbg: error: Unknown options: '--destt', '--bogus'", said.get(0), required[2]);
    assertTrue(said.get(1).matches("Possible solutions: .*--dest\\b.*"), required[2]);
    String[] replicas = run("describe", "--target", "127.0.0.1:1,127.0.0.1:2");
    assertEquals("1", replicas[0], replicas[2]);
    assertTrue(replicas[2].startsWith("fgbg: error: --target 127.0.0.1:1,127.0.0.1:2 names "
        + "several servers; a command talks to one (host:port)"), replicas[2]);
    String[] typo = run("stats", "--datset", "tiny");
    assertEquals("2", typo[0], typo[2]);
    assertTrue(typo[2].contains("--dataset"), "the nearest flag is suggested: " + typo[2]);
  }

  @Test
  void anUnquotedValueWithASpaceInAnArgsFileSaysToQuoteIt() throws Exception {
    Path args = Files.writeString(out.resolve("args.txt"), "--dataset\nmy photos\n");
    String[] r = run("describe", "--target", target, "@" + args);
    assertEquals("2", r[0], r[2]);
    assertTrue(r[2].startsWith("fgbg: error: Unmatched argument at index 5: 'photos'\n"), r[2]);
    assertTrue(r[2].contains("\n(in an @-file a value with spaces must be quoted: "
        + "\"photos/cut outs\", not photos/cut outs)\n"), r[2]);
    // Quoted, the value is one: the server is asked for it (and says it serves no such one).
    Files.writeString(args, "--dataset\n\"my photos\"\n");
    String[] quoted = run("describe", "--target", target, "@" + args);
    assertEquals("1", quoted[0], quoted[2]);
    assertTrue(quoted[2].startsWith("fgbg: error: NOT_FOUND") && quoted[2].contains("my photos"),
        quoted[2]);
    // A stray value typed on the command line is not the file's: no quoting hint for it.
    String[] typed = run("describe", "--target", target, "@" + args, "office");
    assertEquals("2", typed[0], typed[2]);
    assertFalse(typed[2].contains("@-file"), typed[2]);
    // An @-file that is not there is named, not "Unmatched argument at index 0".
    String gone = out.resolve("nonexistent.txt").toString();
    String[] none = run("describe", "--target", target, "@" + gone);
    assertEquals("2", none[0], none[2]);
    assertTrue(none[2].startsWith("fgbg: error: the @-file " + gone + " is not a readable file"),
        none[2]);
  }

  @Test
  void aFlagAfterAnArgsFileOverridesTheFilesAndOneTypedTwiceIsStillRefused() throws Exception {
    Path args = Files.writeString(out.resolve("base.args"), "--dataset\nfrom-the-file\n");
    String[] later = run("describe", "--target", target, "@" + args, "--dataset", "typed");
    assertEquals("1", later[0], later[2]);
    assertTrue(later[2].startsWith("fgbg: error: NOT_FOUND") && later[2].contains("typed")
        && !later[2].contains("from-the-file"), later[2]);
    String[] twice = run("describe", "--target", target, "--dataset", "a", "--dataset=b");
    assertEquals("2", twice[0], twice[2]);
    assertTrue(twice[2].startsWith("fgbg: error: option '--dataset'")
        && twice[2].contains("should be specified only once"), twice[2]);
  }

  @Test
  void aSampleOrStrideOfZeroIsRefusedNamingTheFlagNotTakenAsTheDefault() {
    Map<String, List<String>> verbs = Map.of("stats", List.of(),
        "export", List.of("--dest", "zero", "--format", "npy"),
        "gallery", List.of("--out", out.resolve("z.png").toString()));
    for (String verb : verbs.keySet()) {
      for (String n : List.of("0", "-3")) {
        List<String> args = new ArrayList<>(List.of(verb, "--target", target, "--dataset",
            "tiny", "--sample", n));
        args.addAll(verbs.get(verb));
        String[] r = run(args.toArray(String[]::new));
        assertEquals("1", r[0], verb + " " + n + ": " + r[2]);
        assertEquals("fgbg: error: --sample " + n + " must be at least 1; leave it out for all "
            + "samples", r[2].trim(), verb);
      }
      List<String> strided = new ArrayList<>(List.of(verb, "--target", target, "--dataset",
          "tiny", "--stride", "0"));
      strided.addAll(verbs.get(verb));
      String[] s = run(strided.toArray(String[]::new));
      assertEquals("1", s[0], verb + " stride 0: " + s[2]);
      assertEquals("fgbg: error: --stride 0 must be at least 1; leave it out for every index",
          s[2].trim(), verb);
      String[] help = run(verb, "--help");
      assertTrue(help[1].replaceAll("\\s+", " ").contains("N (at least 1) samples"), help[1]);
    }
    String[] r = run("gallery", "--target", target, "--count", "0", "--out",
        out.resolve("c.png").toString());
    assertEquals("1", r[0], r[2]);
    assertEquals("fgbg: error: --count 0 must be at least 1; leave it out for 8 rows",
        r[2].trim());
    String[] big = run("gallery", "--target", target, "--count", "65", "--out",
        out.resolve("c.png").toString());
    assertEquals("1", big[0], big[2]);
    assertEquals("fgbg: error: --count 65 must be at most 64 (rows of one gallery)",
        big[2].trim());
  }

  @Test
  void aWorldSizeOrDeadlineOfZeroIsRefusedNamingTheFlag() {
    // On the wire world_size 0 means 1; a user who typed 0 hears so rather than getting rank 0
    // of 1. A deadline of 0s or less would fail every call with DEADLINE_EXCEEDED.
    String[] w = run("stream", "--target", target, "--dataset", "tiny", "--world-size", "0");
    assertEquals("1", w[0], w[2]);
    assertEquals("fgbg: error: --world-size 0 must be at least 1 (the number of ranks)",
        w[2].trim());
    for (String d : List.of("0s", "-5s")) {
      String[] r = run("describe", "--target", target, "--deadline", d);
      assertEquals("1", r[0], r[2]);
      assertEquals("fgbg: error: --deadline " + d + " must be positive; e.g. --deadline 30s, "
          + "or leave it out for the default", r[2].trim());
    }
    // Positive but under a millisecond: refused in words, not run as a deadline of "0s".
    for (String d : List.of("0.5ms", "0.0001s")) {
      String[] r = run("describe", "--target", target, "--deadline", d);
      assertEquals("2", r[0], r[2]);
      assertTrue(r[2].contains("'" + d + "' is under a millisecond"), r[2]);
    }
  }

  @Test
  void errorsAreOneLineWithTheStatus() {
    String[] r = run("get", "--target", target, "--dataset", "builtin", "--indices", "400000",
        "--out", out.toString());
    assertEquals("1", r[0]);
    assertEquals("fgbg: error: INVALID_ARGUMENT: index 400000 is out of range for dataset "
        + "'builtin' of 400000 samples (valid: 0..399999)", r[2].trim());
    String[] down = run("describe", "--target", "localhost:1");
    assertEquals("1", down[0]);
    assertTrue(down[2].startsWith("fgbg: error: UNAVAILABLE") && down[2].contains("./fgbg serve"),
        down[2]);
    assertTrue(down[2].contains("no fgbg server answers at localhost:1 ("), down[2]);
    String[] none = run("stream", "--target", "localhost:1", "--limit", "64");
    assertTrue(none[2].contains("no fgbg server answers at localhost:1 (")
        && !none[2].contains("to go on from there"), "nothing came: no hint: " + none[2]);
    String[] bad = run("stream", "--target", target, "--batch-size", "0");
    assertTrue(bad[2].contains("INVALID_ARGUMENT: batch_size 0"), bad[2]);
  }

  @Test
  void aServerThatDiesMidCallWentAwayRatherThanRefusedAPlaintextClient() throws Exception {
    // One render thread: the whole built-in dataset's stats take minutes however many cores
    // the machine has (the default, a thread per core, could end them within seconds).
    try (ServerProcess p = new ServerProcess(List.of("--workers", "1"))) {
      // Killed once its first progress line says the server is computing, not after a fixed
      // time (which a slow machine may spend before the call reaches the server).
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread kill = new Thread(() -> {
        try {
          long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (!err.toString(StandardCharsets.UTF_8).contains("progress: ")
              && System.nanoTime() < end) {
            Thread.sleep(10);
          }
          p.kill();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      kill.start();
      String[] r = run(err, "stats", "--target", p.target(), "--dataset", "builtin");
      kill.join();
      assertTrue(r[2].contains("progress: "), "killed mid-call: " + r[2]);
      assertEquals("1", r[0]);
      String last = r[2].trim().lines().reduce((a, b) -> b).orElse("");
      assertTrue(last.startsWith("fgbg: error: UNAVAILABLE: " + p.target() + " went away during "
          + "the call ("), last);
      assertFalse(last.contains("tls()"), last);
    }
  }

  @Test
  void aNameThatDoesNotResolveIsOneLineWithoutGrpcsTrace() {
    try (LogLines grpc = LogLines.capture("io.grpc")) {
      String[] r = run("describe", "--target", "no-such-host.invalid:1");
      assertEquals("1", r[0]);
      assertEquals(1, r[2].trim().lines().count(), r[2]);
      assertTrue(r[2].startsWith("fgbg: error: UNAVAILABLE"), r[2]);
      assertEquals(List.of(), grpc.lines());
    }
  }

  @Test
  void anOutputPathThatCannotBeAFolderSaysWhy() throws Exception {
    Path file = Files.writeString(out.resolveSibling("a-file"), "x");
    String[] r = run("get", "--target", target, "--dataset", "tiny", "--indices", "0", "--out",
        file.toString());
    assertEquals("1", r[0]);
    assertEquals("fgbg: error: " + file + ": already exists and is not a folder", r[2].trim());
    String[] g = run("gallery", "--target", target, "--dataset", "tiny", "--out",
        file.resolve("g.png").toString());
    assertEquals("fgbg: error: " + file + ": already exists and is not a folder", g[2].trim());
  }

  @Test
  void aFileThatCannotBeWrittenIsNamedAndNoPartOfItIsLeft() throws Exception {
    // A folder where get writes 0_meta.json: the rename into place fails, as a full disk fails
    // the write before it (OutputFileTest), after the temporary file was written.
    Files.writeString(Files.createDirectories(out.resolve("0_meta.json")).resolve("x"), "x");
    String[] r = run("get", "--target", target, "--dataset", "tiny", "--indices", "0", "--out",
        out.toString());
    assertEquals("1", r[0]);
    assertEquals("fgbg: error: " + out.resolve("0_meta.json") + ": is a directory",
        r[2].trim());
    try (Stream<Path> s = Files.list(out)) {
      assertEquals(List.of("0_depth.npy", "0_depth.png", "0_image.png", "0_mask.png",
          "0_meta.json"),
          s.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left");
    }
    Path png = Files.createDirectories(out.resolve("g.png"));
    Files.writeString(png.resolve("x"), "x");
    String[] g = run("gallery", "--target", target, "--dataset", "tiny", "--count", "2",
        "--out", png.toString());
    assertEquals("fgbg: error: " + png + ": is a directory", g[2].trim());
  }

  @Test
  void outputFilesAreWrittenBesideTheirNameAndRenamedIntoPlace() throws Exception {
    // Names that lead to /dev/full (every write: "No space left on device"): written in place,
    // they failed; written beside and renamed, the files replace the links whole.
    Path png = Files.createSymbolicLink(out.resolve("g.png"), Path.of("/dev/full"));
    String[] g = run("gallery", "--target", target, "--count", "2", "--out", png.toString());
    assertEquals("0", g[0], g[2]);
    assertTrue(Files.isRegularFile(png, LinkOption.NOFOLLOW_LINKS));
    assertTrue(ImageIO.read(png.toFile()).getWidth() > 0, "a whole PNG");
    Path meta = Files.createSymbolicLink(out.resolve("0_meta.json"), Path.of("/dev/full"));
    String[] r = run("get", "--target", target, "--indices", "0", "--out", out.toString());
    assertEquals("0", r[0], r[2]);
    assertTrue(Files.readString(meta).startsWith("{\n  \"index\": 0,"));
  }

  @Test
  void tlsAndTokenFlagsReachASecuredServerAndTheSameDigestComesBack() throws Exception {
    TestCertificates certs = TestCertificates.write(out.resolve("tls"));
    Path tokenFile = Files.writeString(out.resolve("token"), "cli-0123456789abcdef\n");
    ConnectOptions connect = ConnectOptions.builder().tls(certs.serverCert(), certs.serverKey())
        .tlsClientCa(certs.ca())
        .tokens(AccessTokens.parse(List.of("cli:cli-0123456789abcdef"), "tokens")).build();
    try (TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(1)
        .window(4).exportRoot(out).connect(connect).build())) {
      String secured = "localhost:" + s.server().port();
      String[] tls = {"--tls-ca", certs.ca().toString(), "--tls-cert",
          certs.clientCert().toString(), "--tls-key", certs.clientKey().toString()};
      String[] stream = {"stream", "--target", secured, "--dataset", "tiny", "--batch-size", "16"};
      String[] ok = run(concat(stream, tls, new String[] {"--token-file", tokenFile.toString()}));
      assertEquals("0", ok[0], ok[2]);
      String[] plain = run("stream", "--target", target, "--dataset", "tiny", "--batch-size",
          "16");
      assertEquals(plain[1].lines().toList().get(2), ok[1].lines().toList().get(2));
      String[] byFlag = run(concat(stream, tls, new String[] {"--token",
          "cli-0123456789abcdef"}));
      assertEquals("0", byFlag[0], byFlag[2]);
      String[] noToken = run(concat(stream, tls));
      assertEquals("1", noToken[0]);
      assertTrue(noToken[2].startsWith("fgbg: error: UNAUTHENTICATED: this server asks for a "
          + "bearer token"), noToken[2]);
      String[] plaintext = run(stream);
      assertEquals("1", plaintext[0]);
      String closedEarly = "fgbg: error: UNAVAILABLE: could not talk to " + secured + ": the "
          + "connection closed before HTTP/2 began (";
      assertTrue(plaintext[2].startsWith(closedEarly), plaintext[2]);
      assertTrue(plaintext[2].contains("— is it a TLS server? (use tls() / --tls, or trust() / "
          + "--tls-ca)"), plaintext[2]);
      // The README's case, a unary call: grpc-java says "io exception" (a reset) or "Network
      // closed" by a race; both are the same words.
      for (int i = 0; i < 5; i++) {
        String[] describe = run("describe", "--target", secured);
        assertEquals("1", describe[0]);
        assertTrue(describe[2].startsWith(closedEarly), describe[2]);
      }
      String[] halfTls = run(concat(stream, new String[] {"--tls-cert",
          certs.clientCert().toString()}));
      assertEquals("1", halfTls[0]);
      assertTrue(halfTls[2].contains("--tls-cert and --tls-key go together"), halfTls[2]);
    }
  }

  private static String[] concat(String[]... parts) {
    return Arrays.stream(parts).flatMap(Arrays::stream).toArray(String[]::new);
  }
}
