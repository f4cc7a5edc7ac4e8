package dev.fgbg.core.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.fgbg.common.SampleDigest;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.FileTrees;
import dev.fgbg.core.LogLines;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.assets.AssetSet;
import dev.fgbg.core.assets.Foreground;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.dataset.SampleInfo;
import dev.fgbg.core.dataset.SampleProtos;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.render.Renderer;
import dev.fgbg.core.synth.DepthEncoding;
import dev.fgbg.v1.ExportManifest;
import dev.fgbg.v1.SampleMeta;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ExporterTest {
  @RegisterExtension
  static final WorkerPool POOL = new WorkerPool();
  private static final Dataset D = TestDatasets.tiny(); // 4 bg x 5 fg x 2 x 3 = 120, 32x32
  private static final long SEED = 7;

  @TempDir
  Path tmp;
  private Exporter exporter;

  @BeforeEach
  void setUp() {
    exporter = new Exporter(new ExportRoot(tmp.resolve("root")), POOL.get(), 4,
        Ticker.systemTicker());
  }

  private static ExportJob job(ExportFormat f, String dest, long start, long end) {
    return new ExportJob(D, SEED, start, end, Outputs.all(D), f, dest, false, 25, 95, false);
  }

  private ExportManifest run(ExportJob job) {
    return exporter.run(job, p -> { }, () -> false);
  }

  private Path dir(String dest) {
    return tmp.resolve("root").resolve(dest);
  }

  /** The raw samples, as GetSamples would return them. */
  private static RenderedBatch samples(long start, long end) {
    long[] idx = new long[(int) (end - start)];
    for (int s = 0; s < idx.length; s++) {
      idx[s] = start + s;
    }
    return Renderer.renderNow(D, SEED, idx, Outputs.all(D), DepthEncoding.FLOAT16);
  }

  private static String digest(long start, long end) {
    RenderedBatch r = samples(start, end);
    SampleDigest d = new SampleDigest();
    int ib = D.imageBytes();
    int mb = D.maskBytes();
    int db = D.depthBytes(DepthEncoding.FLOAT16);
    for (int s = 0; s < r.indices().length; s++) {
      d.add(r.indices()[s], r.images(), s * ib, ib, r.masks(), s * mb, mb, r.depth(), s * db, db);
    }
    return d.hex();
  }

  // ------------------------------------------------------------------ round trips

  @Test
  void foldersRoundTrip() throws Exception {
    ExportManifest m = run(job(ExportFormat.FOLDERS, "f", 10, 70));
    assertTrue(m.getComplete());
    assertEquals(digest(10, 70), m.getDigest());
    assertEquals(3, m.getShardsCount(), "30 samples per background: 10..69 touches bg 0, 1, 2");
    RenderedBatch r = samples(10, 70);
    for (int s = 0; s < r.indices().length; s++) {
      long i = r.indices()[s];
      String name = SampleNames.name(D.codec(), i);
      String bg = SampleNames.bgFolder(D.codec().bg(i));
      Path d = dir("f");
      checkSample(r, s, Files.readAllBytes(d.resolve("fg_bg/" + bg + "/" + name + ".jpg")),
          Files.readAllBytes(d.resolve("fg_bg_masks/" + bg + "/" + name + ".png")),
          Files.readAllBytes(d.resolve("depth_maps/" + bg + "/" + name + ".png")));
    }
    List<String> labels = Files.readAllLines(dir("f").resolve("labels.csv"));
    assertEquals(61, labels.size());
    assertEquals(Tables.HEADER, labels.get(0));
    SampleInfo ten = D.place(SEED, 10);
    assertTrue(labels.get(1).startsWith("10," + SampleNames.name(D.codec(), 10) + ","));
    assertTrue(labels.get(1).endsWith("," + D.assets().backgrounds().get(ten.bg()).name() + ","
        + D.assets().foregrounds().get(ten.fg()).name()), labels.get(1));
    assertFalse(Files.exists(dir("f").resolve("fg_bg/.bg_000.partial")));
    String manifest = Files.readString(dir("f").resolve("manifest.json"));
    assertTrue(manifest.contains("\n  \"manifest_version\": \"fgbg-export/1\",\n")
        && manifest.contains("\n  \"start\": 10,\n") && manifest.contains("\"seed\": 7,"),
        "snake_case and numbers: " + manifest);
    ExportManifest.Builder back = ExportManifest.newBuilder();
    JsonFormat.parser().merge(manifest, back);
    assertEquals(m, back.build());
  }

  @Test
  void labelsCsvQuotesWhatNeedsItAndNamesTheSourceFiles() throws Exception {
    AssetSet a = D.assets();
    List<Foreground> fgs = a.foregrounds().stream().map(f -> new Foreground("cut, \"" + f.name()
        + "\".png", f.label(), f.width(), f.height(), f.rgba())).toList();
    List<String> labels = a.foregroundLabels().stream().map(l -> l + ", or \"so\"").toList();
    Dataset odd = new Dataset("odd", new AssetSet(a.width(), a.height(), a.backgrounds(), fgs,
        a.backgroundLabels(), labels, a.depthSource()), D.spec());
    run(new ExportJob(odd, SEED, 0, 12, new Outputs(false, true, false, true), ExportFormat.FOLDERS,
        "odd", false, 25, 95, false));
    try (CSVParser p = CSVParser.parse(dir("odd").resolve("labels.csv"), StandardCharsets.UTF_8,
        CSVFormat.RFC4180.builder().setHeader().get())) {
      List<CSVRecord> rows = p.getRecords();
      assertEquals(List.of(Tables.HEADER.split(",")), p.getHeaderNames());
      assertEquals(12, rows.size());
      for (CSVRecord r : rows) {
        SampleInfo s = odd.place(SEED, Long.parseLong(r.get("index")));
        assertEquals(fgs.get(s.fg()).name(), r.get("fg_file"));
        assertEquals(labels.get(s.fgLabel()), r.get("fg_label"));
        assertEquals(a.backgrounds().get(s.bg()).name(), r.get("bg_file"));
      }
    }
  }

  @Test
  void zipRoundTrip() throws Exception {
    ExportManifest m = run(job(ExportFormat.ZIP, "z", 0, 120));
    assertEquals(digest(0, 120), m.getDigest());
    RenderedBatch r = samples(0, 120);
    Map<String, byte[]> entries = new TreeMap<>();
    for (int b = 0; b < 4; b++) {
      try (ZipInputStream in = new ZipInputStream(Files.newInputStream(
          dir("z").resolve(SampleNames.bgFolder(b) + ".zip")))) {
        ZipEntry e;
        while ((e = in.getNextEntry()) != null) {
          entries.put(e.getName(), in.readAllBytes());
        }
      }
    }
    assertEquals(360, entries.size());
    for (int s = 0; s < 120; s += 7) {
      long i = r.indices()[s];
      String name = SampleNames.name(D.codec(), i);
      String bg = SampleNames.bgFolder(D.codec().bg(i));
      checkSample(r, s, entries.get("fg_bg/" + bg + "/" + name + ".jpg"),
          entries.get("fg_bg_masks/" + bg + "/" + name + ".png"),
          entries.get("depth_maps/" + bg + "/" + name + ".png"));
    }
  }

  @Test
  void webdatasetRoundTripWithExactNpyDepth() throws Exception {
    ExportJob j = new ExportJob(D, SEED, 0, 60, Outputs.all(D), ExportFormat.WEBDATASET, "w",
        false, 25, 95, true);
    ExportManifest m = run(j);
    assertEquals(3, m.getShardsCount());
    assertEquals(digest(0, 60), m.getDigest());
    Map<String, byte[]> entries = new TreeMap<>();
    for (int k = 0; k < 3; k++) {
      try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(
          dir("w").resolve(String.format("shard-%06d.tar", k))))) {
        TarArchiveEntry e;
        while ((e = in.getNextEntry()) != null) {
          entries.put(e.getName(), in.readAllBytes());
        }
      }
    }
    assertEquals(60 * 4, entries.size());
    RenderedBatch r = samples(0, 60);
    int db = D.depthBytes(DepthEncoding.FLOAT16);
    for (int s = 0; s < 60; s += 5) {
      String key = SampleNames.name(D.codec(), s);
      checkImageAndMask(r, s, entries.get(key + ".jpg"), entries.get(key + ".mask.png"));
      byte[] npy = entries.get(key + ".depth.npy");
      byte[] payload = Arrays.copyOfRange(npy, npy.length - db, npy.length);
      assertArrayEquals(Arrays.copyOfRange(r.depth(), s * db, (s + 1) * db), payload);
      String json = new String(entries.get(key + ".json"), StandardCharsets.UTF_8);
      SampleMeta.Builder meta = SampleMeta.newBuilder();
      JsonFormat.parser().merge(json, meta);
      assertEquals(SampleProtos.meta(r.infos()[s]), meta.build(), "key.json is the SampleMeta");
      assertTrue(json.startsWith("{\"index\": " + s + ", \"bg\": "), json);
      assertTrue(json.contains(", \"fg_width\": ") && json.contains(", \"bg_label\": "
          + r.infos()[s].bgLabel() + ","), "snake_case, numeric indices: " + json);
    }
  }

  @Test
  void npyRoundTripsExactly() throws Exception {
    ExportManifest m = run(job(ExportFormat.NPY, "n", 5, 105));
    assertEquals(digest(5, 105), m.getDigest());
    RenderedBatch r = samples(5, 105);
    assertArrayEquals(r.images(), payload(dir("n").resolve("images.npy")));
    assertArrayEquals(r.masks(), payload(dir("n").resolve("masks.npy")));
    assertArrayEquals(r.depth(), payload(dir("n").resolve("depth.npy")));
    String header = new String(Files.readAllBytes(dir("n").resolve("images.npy")), 0, 128,
        StandardCharsets.US_ASCII);
    assertTrue(header.contains("'shape': (100, 32, 32, 3)"), header);
    assertFalse(Files.exists(dir("n").resolve("images.npy" + FileIo.PARTIAL)));
  }

  @Test
  void cocoHasImagesBoxesAndRleMasks() throws Exception {
    ExportManifest m = run(job(ExportFormat.COCO, "c", 0, 30));
    assertEquals(digest(0, 30), m.getDigest());
    String json = Files.readString(dir("c").resolve("annotations/instances.json"));
    var root = Struct.newBuilder();
    JsonFormat.parser().merge(json, root);
    var images = root.getFieldsOrThrow("images").getListValue();
    var anns = root.getFieldsOrThrow("annotations").getListValue();
    var cats = root.getFieldsOrThrow("categories").getListValue();
    assertEquals(30, images.getValuesCount());
    assertEquals(30, anns.getValuesCount());
    assertEquals(D.assets().foregroundLabels().size(), cats.getValuesCount());
    RenderedBatch r = samples(0, 30);
    for (int s = 0; s < 30; s += 3) {
      var a = anns.getValues(s).getStructValue().getFieldsMap();
      var info = r.infos()[s];
      assertEquals(s * 256L + 1, (long) a.get("id").getNumberValue(), "never 0");
      assertEquals(s, (long) a.get("image_id").getNumberValue());
      assertEquals(info.fgLabel() + 1, (int) a.get("category_id").getNumberValue());
      var bbox = a.get("bbox").getListValue();
      assertEquals(info.bboxX0(), (int) bbox.getValues(0).getNumberValue());
      assertEquals(info.bboxX1() - info.bboxX0(), (int) bbox.getValues(2).getNumberValue());
      // Decode the column-major RLE and compare to the mask.
      var counts = a.get("segmentation").getStructValue().getFieldsOrThrow("counts")
          .getListValue();
      byte[] mask = new byte[32 * 32];
      int pos = 0;
      boolean on = false;
      for (var c : counts.getValuesList()) {
        for (int k = 0; k < (int) c.getNumberValue(); k++, pos++) {
          mask[(pos % 32) * 32 + pos / 32] = (byte) (on ? 255 : 0);
        }
        on = !on;
      }
      assertArrayEquals(Arrays.copyOfRange(r.masks(), s * 1024, (s + 1) * 1024), mask);
      String file = images.getValues(s).getStructValue().getFieldsOrThrow("file_name")
          .getStringValue();
      assertTrue(Files.exists(dir("c").resolve(file)), file);
    }
  }

  private static byte[] payload(Path npy) throws IOException {
    byte[] all = Files.readAllBytes(npy);
    int headerLen = 10 + ((all[8] & 0xff) | (all[9] & 0xff) << 8);
    return Arrays.copyOfRange(all, headerLen, all.length);
  }

  private static void checkSample(RenderedBatch r, int s, byte[] jpg, byte[] maskPng,
      byte[] depthPng) throws IOException {
    checkImageAndMask(r, s, jpg, maskPng);
    BufferedImage depth = ImageIO.read(new ByteArrayInputStream(depthPng));
    int db = 32 * 32 * 2;
    for (int p = 0; p < 32 * 32; p++) {
      int mm = Encoders.millimetres(DepthEncoding.FLOAT16.get(r.depth(), s * db + p * 2));
      assertEquals(mm, depth.getRaster().getSample(p % 32, p / 32, 0), "depth pixel " + p);
    }
  }

  private static void checkImageAndMask(RenderedBatch r, int s, byte[] jpg, byte[] maskPng)
      throws IOException {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(jpg));
    BufferedImage mask = ImageIO.read(new ByteArrayInputStream(maskPng));
    long err = 0;
    for (int p = 0; p < 32 * 32; p++) {
      int rgb = img.getRGB(p % 32, p / 32);
      int o = s * 32 * 32 * 3 + p * 3;
      err += Math.abs(((rgb >> 16) & 255) - (r.images()[o] & 255))
          + Math.abs(((rgb >> 8) & 255) - (r.images()[o + 1] & 255))
          + Math.abs((rgb & 255) - (r.images()[o + 2] & 255));
      assertEquals(r.masks()[s * 1024 + p] & 255, mask.getRaster().getSample(p % 32, p / 32, 0));
    }
    double mae = err / (32.0 * 32 * 3);
    assertTrue(mae < 3, "JPEG mean abs error " + mae);
  }

  // ------------------------------------------------------------------ resume and safety

  @ParameterizedTest
  @EnumSource(ExportFormat.class)
  void cancelledThenResumedEqualsUninterrupted(ExportFormat f) throws Exception {
    ExportManifest whole = run(job(f, "whole", 0, 120));
    AtomicInteger calls = new AtomicInteger();
    ExportJob j = job(f, "resumed", 0, 120);
    assertThrows(CancellationException.class, () -> exporter.run(j, p -> calls.incrementAndGet(),
        () -> calls.get() >= 3));
    ExportManifest partial = ManifestStore.read(dir("resumed").resolve(Exporter.MANIFEST));
    assertFalse(partial.getComplete());
    int[] skipped = {0};
    ExportManifest resumed = exporter.run(j, p -> skipped[0] = p.shardsSkipped(), () -> false);
    assertEquals(whole.getDigest(), resumed.getDigest());
    assertEquals(FileTrees.tree(dir("whole")), FileTrees.tree(dir("resumed")),
        f + ": resumed files differ");
    int complete = (int) partial.getShardsList().stream().filter(x -> x.getComplete()).count();
    assertEquals(complete, skipped[0], "complete shards were skipped, not redone");
  }

  @Test
  void aTruncatedFileInAFinishedShardIsRedone() throws Exception {
    run(job(ExportFormat.FOLDERS, "t", 0, 120));
    Map<String, String> before = FileTrees.tree(dir("t"));
    Path victim = dir("t").resolve("fg_bg/bg_002/" + SampleNames.name(D.codec(), 70) + ".jpg");
    byte[] good = Files.readAllBytes(victim);
    Files.write(victim, Arrays.copyOf(good, good.length / 2));
    // And a byte flipped in another, which keeps its length:
    Path flipped = dir("t").resolve("fg_bg/bg_000/" + SampleNames.name(D.codec(), 3) + ".jpg");
    byte[] bytes = Files.readAllBytes(flipped);
    bytes[bytes.length / 2] ^= 1;
    Files.write(flipped, bytes);
    int[] skipped = {0};
    try (LogLines log = LogLines.capture(Exporter.class.getName())) {
      exporter.run(job(ExportFormat.FOLDERS, "t", 0, 120), p -> skipped[0] = p.shardsSkipped(),
          () -> false);
      // The resume says what it found damaged, once.
      assertEquals(List.of("INFO resume of export to 't': 2 shards failed their check and are "
          + "written again: bg_000 (a file's bytes changed), bg_002 (a file's size changed)"),
          log.lines());
    }
    assertEquals(2, skipped[0], "only the damaged shards were redone");
    assertEquals(before, FileTrees.tree(dir("t")));
    // And a zip truncated after completion:
    run(job(ExportFormat.ZIP, "tz", 0, 120));
    Map<String, String> zips = FileTrees.tree(dir("tz"));
    Path zip = dir("tz").resolve("bg_001.zip");
    Files.write(zip, Arrays.copyOf(Files.readAllBytes(zip), 100));
    try (LogLines log = LogLines.capture(Exporter.class.getName())) {
      run(job(ExportFormat.ZIP, "tz", 0, 120));
      assertEquals(List.of("INFO resume of export to 'tz': 1 shard failed its check and is "
          + "written again: bg_001 (a file's size changed)"), log.lines());
    }
    assertEquals(zips, FileTrees.tree(dir("tz")));
  }

  @Test
  void aCompleteExportRerunIsANoOp() throws Exception {
    run(job(ExportFormat.NPY, "again", 0, 120));
    Map<String, String> before = FileTrees.tree(dir("again"));
    int[] skipped = {0};
    exporter.run(job(ExportFormat.NPY, "again", 0, 120), p -> skipped[0] = p.shardsSkipped(),
        () -> false);
    assertEquals(5, skipped[0]);
    assertEquals(before, FileTrees.tree(dir("again")));
  }

  @Test
  void aDifferentExportIsNotOverwrittenUnlessAsked() throws Exception {
    run(job(ExportFormat.FOLDERS, "d", 0, 40));
    FgbgException e = assertThrows(FgbgException.class,
        () -> run(job(ExportFormat.FOLDERS, "d", 0, 50)));
    assertEquals(FgbgException.Reason.FAILED_PRECONDITION, e.reason());
    assertTrue(e.getMessage().contains("holds a different export"), e.getMessage());
    // It named the export found, never what differs from the one asked for.
    assertTrue(e.getMessage().contains("…; end 40 here, 50 asked); choose another folder, or "
        + "replace it: --overwrite on the command line, overwrite=True in Python"), e.getMessage());
    run(job(ExportFormat.WEBDATASET, "shards", 0, 50));
    ExportJob halved = new ExportJob(D, SEED, 0, 50, Outputs.all(D), ExportFormat.WEBDATASET,
        "shards", false, 50, 90, false);
    e = assertThrows(FgbgException.class, () -> run(halved));
    assertTrue(e.getMessage().contains("…; shard_size 25 here, 50 asked; jpeg_quality 95 here, "
        + "90 asked); choose"), e.getMessage());
    // Folders have no shard size (their shards are backgrounds): the format alone differs.
    e = assertThrows(FgbgException.class, () -> run(job(ExportFormat.FOLDERS, "shards", 0, 50)));
    assertTrue(e.getMessage().contains("…; format webdataset here, folders asked); choose"),
        e.getMessage());
    ExportJob over = new ExportJob(D, SEED, 0, 50, Outputs.all(D), ExportFormat.ZIP, "d", true, 25,
        95, false);
    assertEquals(digest(0, 50), run(over).getDigest());
    assertFalse(Files.exists(dir("d").resolve("fg_bg")), "the old export was cleared");
    Files.createDirectories(dir("foreign"));
    Files.writeString(dir("foreign").resolve("notes.txt"), "mine");
    e = assertThrows(FgbgException.class, () -> run(job(ExportFormat.NPY, "foreign", 0, 10)));
    assertTrue(e.getMessage().contains("files that are not an fgbg export"), e.getMessage());
    assertEquals("mine", Files.readString(dir("foreign").resolve("notes.txt")));
  }

  @Test
  void theSameExportOfChangedDataIsRefusedNamingTheSettingsThatChanged() throws Exception {
    run(job(ExportFormat.NPY, "changed", 0, 40));
    // The same name, size and request; other data (here: placed otherwise).
    Dataset other = new Dataset(D.name(), D.assets(), Spec.builder().size(32, 32).placements(3)
        .position(Spec.Position.GROUND).build());
    ExportJob again = new ExportJob(other, SEED, 0, 40, Outputs.all(other), ExportFormat.NPY,
        "changed", false, 25, 95, false);
    FgbgException e = assertThrows(FgbgException.class, () -> run(again));
    assertEquals(FgbgException.Reason.FAILED_PRECONDITION, e.reason());
    assertEquals("export destination 'changed' holds this export made from other data "
        + "(fingerprint " + D.fingerprint().substring(0, 12) + "… then, "
        + other.fingerprint().substring(0, 12) + "… now: its settings changed: spec.position "
        + "POSITION_RANDOM then, POSITION_GROUND now; spec.ground_min 0.0 then, 0.7 now; "
        + "spec.ground_max 0.0 then, 1.0 now); choose another folder, or replace it: "
        + ManifestStore.OVERWRITE, e.getMessage());
  }

  @Test
  void overwriteReplacesOnlyAnExportAndNeverThroughALink() throws Exception {
    run(job(ExportFormat.FOLDERS, "real", 0, 40));
    Map<String, String> before = FileTrees.tree(dir("real"));
    Files.createSymbolicLink(dir("alias"), dir("real"));
    ExportJob over = new ExportJob(D, SEED, 0, 50, Outputs.all(D), ExportFormat.NPY, "alias",
        true, 25, 95, false);
    FgbgException e = assertThrows(FgbgException.class, () -> run(over));
    assertEquals(FgbgException.Reason.PERMISSION_DENIED, e.reason());
    assertEquals(before, FileTrees.tree(dir("real")), "nothing written or removed through it");
    Files.createDirectories(dir("mine"));
    Files.writeString(dir("mine").resolve("thesis.tex"), "mine");
    ExportJob mine = new ExportJob(D, SEED, 0, 50, Outputs.all(D), ExportFormat.NPY, "mine",
        true, 25, 95, false);
    e = assertThrows(FgbgException.class, () -> run(mine));
    assertEquals(FgbgException.Reason.FAILED_PRECONDITION, e.reason());
    assertTrue(e.getMessage().contains("overwrite only replaces an fgbg export"), e.getMessage());
    assertEquals("mine", Files.readString(dir("mine").resolve("thesis.tex")));
  }

  @Test
  void badJobsAreRefusedNamingTheProblem() {
    assertMessage("range 50:50 is empty", () -> job(ExportFormat.NPY, "x", 50, 50));
    assertMessage("range end 121 is past the end", () -> job(ExportFormat.NPY, "x", 0, 121));
    assertMessage("range start -1", () -> job(ExportFormat.NPY, "x", -1, 10));
    assertMessage("jpeg_quality 0", () -> new ExportJob(D, 0, 0, 10, Outputs.all(D),
        ExportFormat.NPY, "x", false, 25, 0, false));
    for (ExportFormat f : new ExportFormat[] {ExportFormat.FOLDERS, ExportFormat.ZIP,
        ExportFormat.COCO, ExportFormat.NPY}) {
      assertMessage("depth_npy (--depth-npy) is for webdataset exports", () -> new ExportJob(D,
          0, 0, 10, Outputs.all(D), f, "x", false, 25, 95, true));
    }
    assertMessage("outputs: a coco export lists its images for its annotations; add image",
        () -> new ExportJob(D, 0, 0, 10, new Outputs(false, true, false, false),
            ExportFormat.COCO, "x", false, 25, 95, false));
    FgbgException e = assertThrows(FgbgException.class,
        () -> run(job(ExportFormat.FOLDERS, "../escape", 0, 10)));
    assertEquals(FgbgException.Reason.PERMISSION_DENIED, e.reason());
  }

  @Test
  void anIoFailureStopsCleanlyWithAClearMessage() throws Exception {
    ExportJob j = new ExportJob(D, SEED, 0, 120, Outputs.all(D), ExportFormat.FOLDERS, "io",
        false, 25, 95, false);
    AtomicInteger n = new AtomicInteger();
    // Mid-way through the first shard a file appears where the depth folder must be.
    FgbgException e = assertThrows(FgbgException.class, () -> exporter.run(j, p -> {
      if (n.incrementAndGet() == 1) {
        try {
          // Atomically out of the way (workers may be writing into it), then a file in its place.
          Files.move(dir("io").resolve("depth_maps"), tmp.resolve("moved-away"));
          Files.writeString(dir("io").resolve("depth_maps"), "disk trouble");
        } catch (IOException x) {
          throw new UncheckedIOException(x);
        }
      }
    }, () -> false));
    assertEquals(FgbgException.Reason.FAILED_PRECONDITION, e.reason());
    assertTrue(e.getMessage().startsWith("export stopped: cannot write"), e.getMessage());
    ExportManifest m = ManifestStore.read(dir("io").resolve(Exporter.MANIFEST));
    assertFalse(m.getComplete());
    assertFalse(m.getShards(0).getComplete(), "the failed shard is not marked complete");
    List<String> visible = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir("io"))) {
      s.filter(p -> p.getFileName().toString().equals("bg_000")).forEach(p -> visible.add(
          p.toString()));
    }
    assertEquals(List.of(), visible, "no final-looking folder of the failed shard");
    // Once the obstacle is gone, the same export resumes and completes.
    Files.delete(dir("io").resolve("depth_maps"));
    assertEquals(digest(0, 120), run(j).getDigest());
  }

  private static void assertMessage(String fragment, Executable e) {
    FgbgException ex = assertThrows(FgbgException.class, e);
    assertTrue(ex.getMessage().contains(fragment), ex.getMessage());
  }
}
