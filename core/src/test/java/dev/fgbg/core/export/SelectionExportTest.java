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
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.dataset.SampleInfo;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.render.Renderer;
import dev.fgbg.core.sampling.Selection;
import dev.fgbg.core.synth.DepthEncoding;
import dev.fgbg.v1.ExportManifest;
import dev.fgbg.v1.ShardRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Exports of strides and seeded random subsets: files, manifest, digest, resume, refusal. */
class SelectionExportTest {
  private static final Dataset D = TestDatasets.tiny(); // 4 bg x 5 fg x 2 x 3 = 120, 32x32
  private static final long SEED = 7;
  private static final Selection SAMPLE = Selection.of(120, "tiny", 0, 120, 1, 30, SEED);
  @RegisterExtension
  static final WorkerPool POOL = new WorkerPool();

  @TempDir
  Path tmp;

  private static ExportJob job(ExportFormat f, String dest, Selection s) {
    return new ExportJob(D, SEED, s, Outputs.all(D), f, dest, false, 8, 95, false);
  }

  private Exporter exporter() {
    return new Exporter(new ExportRoot(tmp.resolve("root")), POOL.get(), 4, Ticker.systemTicker());
  }

  private Path dir(String dest) {
    return tmp.resolve("root").resolve(dest);
  }

  private static long[] indices(Selection s) {
    return LongStream.range(0, s.size()).map(s::indexAt).toArray();
  }

  /** The digest GetSamples of these indices has. */
  private static String digest(long[] idx) {
    RenderedBatch r = Renderer.renderNow(D, SEED, idx, Outputs.all(D), DepthEncoding.FLOAT16);
    SampleDigest d = new SampleDigest();
    int ib = D.imageBytes();
    int mb = D.maskBytes();
    int db = D.depthBytes(DepthEncoding.FLOAT16);
    for (int s = 0; s < idx.length; s++) {
      d.add(idx[s], r.images(), s * ib, ib, r.masks(), s * mb, mb, r.depth(), s * db, db);
    }
    return d.hex();
  }

  private static List<CSVRecord> labels(Path dir) throws IOException {
    try (CSVParser p = CSVParser.parse(dir.resolve("labels.csv"), StandardCharsets.UTF_8,
        CSVFormat.RFC4180.builder().setHeader().get())) {
      return p.getRecords();
    }
  }

  @ParameterizedTest
  @EnumSource(ExportFormat.class)
  void aRandomSubsetExportHoldsExactlyItsSamplesWithTheGetSamplesDigest(ExportFormat f)
      throws Exception {
    ExportManifest m = exporter().run(job(f, f.id(), SAMPLE), p -> { }, () -> false);
    long[] idx = indices(SAMPLE);
    assertEquals(digest(idx), m.getDigest());
    assertEquals(0, m.getStart());
    assertEquals(120, m.getEnd());
    assertEquals(1, m.getStride());
    assertEquals(30, m.getSample());
    assertEquals(30, m.getSamples());
    assertArrayEquals(idx, listed(f, dir(f.id())), "the table lists the selection in order");
    long covered = 0;
    for (ShardRecord r : m.getShardsList()) {
      long in = Arrays.stream(idx).filter(i -> i >= r.getStart() && i < r.getEnd()).count();
      assertTrue(in > 0 && r.getStart() == Arrays.stream(idx).filter(i -> i >= r.getStart())
          .min().orElseThrow(), r.toString());
      covered += in;
    }
    assertEquals(30, covered, "the shards' index spans partition the selection");
    if (f.perBackground()) {
      assertEquals(Arrays.stream(idx).map(i -> D.codec().bg(i)).distinct().count(),
          m.getShardsCount(), "one shard per background met");
    } else {
      assertEquals(4, m.getShardsCount(), "30 samples in shards of 8");
    }
  }

  @Test
  void theNpyArraysAreTheSelectionsSamplesWithIntegerLabels() throws Exception {
    Selection strided = Selection.of(120, "tiny", 3, 120, 5, 0, 0);
    ExportManifest m = exporter().run(job(ExportFormat.NPY, "n", strided), p -> { },
        () -> false);
    long[] idx = indices(strided);
    RenderedBatch r = Renderer.renderNow(D, SEED, idx, Outputs.all(D), DepthEncoding.FLOAT16);
    assertArrayEquals(r.images(), payload(dir("n").resolve("images.npy")));
    assertArrayEquals(r.depth(), payload(dir("n").resolve("depth.npy")));
    assertEquals(Tables.LABEL_COLUMNS, m.getLabelColumnsList());
    ByteBuffer table = ByteBuffer.wrap(payload(dir("n").resolve("labels.npy")))
        .order(ByteOrder.LITTLE_ENDIAN);
    String header = new String(Files.readAllBytes(dir("n").resolve("labels.npy")), 0, 100,
        StandardCharsets.US_ASCII);
    assertTrue(header.contains("'descr': '<i8'") && header.contains("'shape': (24, 15)"), header);
    List<CSVRecord> csv = labels(dir("n"));
    for (int row = 0; row < idx.length; row++) {
      SampleInfo s = D.place(SEED, idx[row]);
      long[] want = {idx[row], s.bg(), s.fg(), s.flip() ? 1 : 0, s.k(), s.x(), s.y(),
          s.fgWidth(), s.fgHeight(), s.bboxX0(), s.bboxY0(), s.bboxX1(), s.bboxY1(), s.bgLabel(),
          s.fgLabel()};
      for (int c = 0; c < want.length; c++) {
        long got = table.getLong();
        assertEquals(want[c], got, "row " + row + " " + Tables.LABEL_COLUMNS.get(c));
        String name = Tables.LABEL_COLUMNS.get(c);
        if (!name.endsWith("_label")) {
          assertEquals(Long.toString(got), csv.get(row).get(name), "labels.csv agrees: " + name);
        }
      }
    }
    assertTrue(m.getFilesList().stream().anyMatch(fr -> fr.getPath().equals("labels.npy")));
  }

  @ParameterizedTest
  @EnumSource(value = ExportFormat.class, names = {"FOLDERS", "NPY"})
  void aCancelledSubsetExportResumesToTheSameFilesAndAnIntactOneIsSkipped(ExportFormat f)
      throws Exception {
    Exporter e = exporter();
    ExportManifest whole = e.run(job(f, "whole", SAMPLE), p -> { }, () -> false);
    AtomicBoolean stop = new AtomicBoolean();
    assertThrows(CancellationException.class, () -> e.run(job(f, "cut", SAMPLE),
        p -> stop.set(p.shardsDone() >= 1), stop::get));
    ExportManifest partial = ManifestStore.read(dir("cut").resolve("manifest.json"));
    assertFalse(partial.getComplete());
    int[] skipped = {0};
    ExportManifest resumed = e.run(job(f, "cut", SAMPLE), p -> skipped[0] = p.shardsSkipped(),
        () -> false);
    assertTrue(skipped[0] >= 1, "the shards written before the cancel are kept");
    assertEquals(whole.getDigest(), resumed.getDigest());
    assertEquals(FileTrees.tree(dir("whole")), FileTrees.tree(dir("cut")));
    e.run(job(f, "cut", SAMPLE), p -> skipped[0] = p.shardsSkipped(), () -> false);
    assertEquals(whole.getShardsCount(), skipped[0], "a finished export is all skipped");
  }

  @Test
  void anotherSelectionIntoTheSameFolderIsRefusedNamingBoth() {
    Exporter e = exporter();
    e.run(job(ExportFormat.WEBDATASET, "w", SAMPLE), p -> { }, () -> false);
    for (Selection other : List.of(Selection.of(120, "tiny", 0, 120, 1, 31, SEED),
        Selection.of(120, "tiny", 0, 120, 2, 30, SEED), Selection.range(120, "tiny", 0, 30))) {
      FgbgException x = assertThrows(FgbgException.class,
          () -> e.run(job(ExportFormat.WEBDATASET, "w", other), p -> { }, () -> false));
      assertEquals(FgbgException.Reason.FAILED_PRECONDITION, x.reason());
      assertTrue(x.getMessage().contains("holds a different export (webdataset of dataset "
          + "'tiny' 0:120 sample 30 (seed 7), fingerprint"), x.getMessage());
    }
  }

  /** The indices labels.csv (COCO: instances.json's images) lists, in order. */
  private static long[] listed(ExportFormat f, Path dir) throws IOException {
    if (f != ExportFormat.COCO) {
      return labels(dir).stream().mapToLong(r -> Long.parseLong(r.get("index"))).toArray();
    }
    Struct.Builder root = Struct.newBuilder();
    JsonFormat.parser().merge(Files.readString(dir.resolve("annotations/instances.json")), root);
    return root.getFieldsOrThrow("images").getListValue().getValuesList().stream()
        .mapToLong(v -> (long) v.getStructValue().getFieldsOrThrow("id").getNumberValue())
        .toArray();
  }

  /** The bytes of an .npy file after its header. */
  private static byte[] payload(Path npy) throws IOException {
    byte[] all = Files.readAllBytes(npy);
    int header = 10 + ((all[8] & 0xff) | (all[9] & 0xff) << 8);
    return Arrays.copyOfRange(all, header, all.length);
  }
}
