package dev.fgbg.server.rpc;

import org.junit.jupiter.api.extension.ExtendWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.server.LogCapture;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.synth.Compositor;
import dev.fgbg.core.synth.DepthEncoding;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.ExportFormat;
import dev.fgbg.v1.ExportProgress;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.GalleryRequest;
import dev.fgbg.v1.GalleryResponse;
import dev.fgbg.v1.Output;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StatsProgress;
import dev.fgbg.v1.StatsRequest;
import dev.fgbg.v1.StatsResponse;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Export, Stats and Gallery through the real service (in-process). */
@ExtendWith(LogCapture.Clean.class)
class ExportServiceTest {
  private static TestServer server;
  private static Path root;

  @BeforeAll
  static void start() {
    root = TestServer.exportRoot();
    server = TestServer.inProcess(TestDatasets.registry(), 2, root);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    server.close();
  }

  private static FgbgGrpc.FgbgBlockingStub stub() {
    return FgbgGrpc.newBlockingStub(server.channel()).withDeadlineAfter(120, TimeUnit.SECONDS);
  }

  static ExportProgress export(ExportRequest r) {
    List<ExportProgress> all = new ArrayList<>();
    stub().export(r).forEachRemaining(all::add);
    ExportProgress last = all.get(all.size() - 1);
    assertTrue(last.getFinished());
    return last;
  }

  @Test
  void exportDigestEqualsStreamDigest() {
    ExportProgress p = export(ExportRequest.newBuilder().setDataset("tiny").setSeed(3)
        .setStart(17).setEnd(101).setFormat(ExportFormat.EXPORT_FORMAT_WEBDATASET)
        .setDestination("wds").setShardSize(20).build());
    assertEquals(84, p.getTotal());
    assertEquals(5, p.getShardsTotal());
    List<SampleBatch> streamed = new ArrayList<>();
    stub().streamEpoch(StreamEpochRequest.newBuilder().setDataset("tiny").setSeed(3)
        .setBatchSize(16).setStartPosition(17).setLimit(84).build())
        .forEachRemaining(streamed::add);
    assertEquals(FgbgServiceTest.digest(streamed), p.getDigest());
    assertEquals("wds/manifest.json", p.getManifest());
    assertTrue(Files.exists(root.resolve("wds/shard-000004.tar")));
  }

  @Test
  void aServerWithoutAnExportRootRefusesExportsNamingTheFlag() throws Exception {
    try (TestServer off = TestServer.inProcess(TestDatasets.registry(), 1, null)) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> FgbgGrpc.newBlockingStub(off.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
              .export(ExportRequest.newBuilder().setDataset("tiny").setDestination("x")
                  .setFormat(ExportFormat.EXPORT_FORMAT_NPY).build()).hasNext());
      assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
      assertEquals(ExportService.EXPORTS_OFF, e.getStatus().getDescription());
      assertTrue(ExportService.EXPORTS_OFF.contains("--export-root DIR"));
    }
  }

  @Test
  void badExportsGetTheRightStatus() {
    ExportRequest.Builder ok = ExportRequest.newBuilder().setDataset("tiny")
        .setFormat(ExportFormat.EXPORT_FORMAT_NPY).setDestination("bad");
    expect(Status.Code.INVALID_ARGUMENT, "is not an export format",
        ok.clone().setFormat(ExportFormat.EXPORT_FORMAT_UNSPECIFIED).build());
    expect(Status.Code.PERMISSION_DENIED, "export destination '../out' is refused",
        ok.clone().setDestination("../out").build());
    expect(Status.Code.PERMISSION_DENIED, "is refused",
        ok.clone().setDestination("/etc/fgbg").build());
    // '..' and backslashes: one rule, up front, nothing written (they were written as r/ and
    // run/1/, or failed late with FAILED_PRECONDITION).
    expect(Status.Code.PERMISSION_DENIED, "export destination 'q/../r' is refused: it has a"
        + " '..' folder", ok.clone().setDestination("q/../r").build());
    expect(Status.Code.PERMISSION_DENIED, "export destination '..\\x' is refused: it has a"
        + " backslash ('\\') at position 2", ok.clone().setDestination("..\\x").build());
    expect(Status.Code.PERMISSION_DENIED, "it has a backslash",
        ok.clone().setDestination("run\\1").build());
    assertFalse(Files.exists(root.resolve("r")) || Files.exists(root.resolve("run")),
        "nothing written");
    expect(Status.Code.INVALID_ARGUMENT, "range 5:5 is empty",
        ok.clone().setStart(5).setEnd(5).build());
    expect(Status.Code.INVALID_ARGUMENT, "range end 500 is past the end",
        ok.clone().setEnd(500).build());
    expect(Status.Code.NOT_FOUND, "unknown dataset", ok.clone().setDataset("nope").build());
    expect(Status.Code.INVALID_ARGUMENT, "has a control character (U+0000) at position 1",
        ok.clone().setDestination("a\0b").build());
    expect(Status.Code.INVALID_ARGUMENT, "has a control character (U+000A)",
        ok.clone().setDestination("line\nbreak").build());
    // Invisible format characters: a right-to-left override, a byte order mark, a zero width
    // space; the message shows them escaped.
    expect(Status.Code.INVALID_ARGUMENT, "export destination '\\u202e\ud7ff\\ufeff' has an "
        + "invisible format character (U+202E) at position 0",
        ok.clone().setDestination("\u202e\ud7ff\ufeff").build());
    expect(Status.Code.INVALID_ARGUMENT, "invisible format character (U+200B) at position 1",
        ok.clone().setDestination("a\u200bb").build());
    // A line or paragraph separator would split the export's log line into a forged one.
    expect(Status.Code.INVALID_ARGUMENT, "export destination 'a\\u2028b' has a line separator "
        + "character (U+2028) at position 1", ok.clone().setDestination("a\u2028b").build());
    expect(Status.Code.INVALID_ARGUMENT, "has a paragraph separator character (U+2029) at "
        + "position 0", ok.clone().setDestination("\u2029p").build());
    assertFalse(Files.exists(root.resolve("\u202e\ud7ff\ufeff")), "no folder was made");
    assertFalse(Files.exists(root.resolve("a\u2028b")), "no folder was made");
    expect(Status.Code.FAILED_PRECONDITION, "has no depth", ok.clone().setDataset("nodepth")
        .addOutputs(Output.OUTPUT_DEPTH).build());
  }

  @Test
  void refusalsSayWhatADestinationIsRelativeToAndHowToOverwrite() {
    ExportRequest.Builder ok = ExportRequest.newBuilder().setDataset("tiny")
        .setFormat(ExportFormat.EXPORT_FORMAT_NPY).setDestination("msg").setEnd(20);
    expect(Status.Code.PERMISSION_DENIED, "export destination '../outside' is refused: it is"
        + " not a folder inside the server's export root (serve --export-root, a folder on the"
        + " server's host); a destination is relative to that root, not to where the client"
        + " runs: give a folder name such as 'mine_v1', without '..'",
        ok.clone().setDestination("../outside").build());
    expect(Status.Code.PERMISSION_DENIED, "without '..' and not an absolute path",
        ok.clone().setDestination(root.getParent().resolve("elsewhere").toString()).build());
    export(ok.build());
    expect(Status.Code.FAILED_PRECONDITION, "…; sample 0 here, 5 asked); choose another"
        + " folder, or replace it: --overwrite"
        + " on the command line, overwrite=True in Python (Client.export),"
        + " ExportRequest.setOverwrite(true) in Java", ok.clone().setSample(5).build());
    assertEquals(5, export(ok.clone().setSample(5).setOverwrite(true).build()).getTotal());
  }

  @Test
  void anOverwriteOfAnExportBesideTheUsersFilesIsRefusedAndRemovesNothing() throws Exception {
    ExportRequest.Builder ref = ExportRequest.newBuilder().setDataset("tiny")
        .setFormat(ExportFormat.EXPORT_FORMAT_WEBDATASET).setDestination("ow1").setEnd(90)
        .setShardSize(10);
    export(ref.build());
    Files.writeString(root.resolve("ow1/precious.txt"), "precious\n");
    Files.createDirectories(root.resolve("ow1/mydata"));
    Files.writeString(root.resolve("ow1/mydata/thesis.tex"), "x");
    ExportRequest over = ref.clone().setShardSize(20).setOverwrite(true).build();
    expect(Status.Code.FAILED_PRECONDITION, "export destination 'ow1' holds 'mydata' and "
        + "'precious.txt', which are not part of its export: --overwrite replaces only"
        + " an export's own files; move them out first", over);
    assertEquals("precious\n", Files.readString(root.resolve("ow1/precious.txt")));
    assertEquals("x", Files.readString(root.resolve("ow1/mydata/thesis.tex")));
    Files.delete(root.resolve("ow1/precious.txt"));
    Files.delete(root.resolve("ow1/mydata/thesis.tex"));
    Files.delete(root.resolve("ow1/mydata"));
    assertEquals(90, export(over).getTotal(), "the export alone is replaced");
  }

  @Test
  void depthOptionsOfADatasetWithoutDepthAreRefusedAsItsDepthIs() {
    ExportRequest.Builder wds = ExportRequest.newBuilder().setDataset("nodepth")
        .setFormat(ExportFormat.EXPORT_FORMAT_WEBDATASET).setDestination("nodepth-npy")
        .setEnd(10).setDepthNpy(true);
    expect(Status.Code.FAILED_PRECONDITION, "dataset 'nodepth' has no depth (depth source:"
        + " none); depth_npy (--depth-npy) writes depth as .npy: leave it off, or serve the"
        + " dataset with a depth model", wds.build());
    expect(Status.Code.FAILED_PRECONDITION, "depth_npy (--depth-npy)",
        wds.clone().setFormat(ExportFormat.EXPORT_FORMAT_NPY).build());
    assertFalse(Files.exists(root.resolve("nodepth-npy")), "refused before anything is written");
    assertEquals(10, export(wds.clone().setDepthNpy(false).build()).getTotal());
  }

  private static void expect(Status.Code code, String fragment, ExportRequest r) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> export(r));
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().contains(fragment), e.getStatus().getDescription());
  }

  @Test
  void statsAgreeWithADirectComputation() {
    StatsResponse s = stub().stats(StatsRequest.newBuilder().setDataset("tiny").setSeed(2)
        .build());
    assertEquals(120, s.getSamples());
    // Direct: every sample through GetSamples-equivalent rendering.
    var d = TestDatasets.tiny();
    double[] sum = new double[3];
    double[] sq = new double[3];
    double dsum = 0;
    double dsq = 0;
    long px = 0;
    for (long i = 0; i < 120; i++) {
      byte[] img = new byte[d.imageBytes()];
      byte[] dep = new byte[d.depthBytes(DepthEncoding.FLOAT16)];
      d.render(2, i, DepthEncoding.FLOAT16,
          new Compositor.Target(img, 0, null, 0, dep, 0));
      for (int p = 0; p < 32 * 32; p++) {
        for (int c = 0; c < 3; c++) {
          double v = (img[p * 3 + c] & 255) / 255.0;
          sum[c] += v;
          sq[c] += v * v;
        }
        double z = DepthEncoding.FLOAT16.get(dep, p * 2);
        dsum += z;
        dsq += z * z;
        px++;
      }
    }
    for (int c = 0; c < 3; c++) {
      double mean = sum[c] / px;
      assertEquals(mean, s.getImage().getMean(c), 1e-9);
      assertEquals(Math.sqrt(sq[c] / px - mean * mean), s.getImage().getStd(c), 1e-9);
    }
    assertEquals(dsum / px, s.getDepth().getMean(0), 1e-9);
    assertEquals("metres", s.getDepth().getUnit());
    StatsResponse again = stub().stats(StatsRequest.newBuilder().setDataset("tiny").setSeed(2)
        .build());
    assertEquals(s, again, "cached and exact");
    StatsRequest bad = StatsRequest.newBuilder().setDataset("tiny").setStart(10).setEnd(5).build();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub().stats(bad));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
  }

  @Test
  void statsComputeOnlyTheOutputsAskedFor() {
    StatsResponse all = stub().stats(StatsRequest.newBuilder().setDataset("tiny").setSeed(2)
        .build());
    StatsResponse image = stub().stats(StatsRequest.newBuilder().setDataset("tiny").setSeed(2)
        .addOutputs(Output.OUTPUT_IMAGE).build());
    assertTrue(image.hasImage() && !image.hasMask() && !image.hasDepth(), image.toString());
    assertEquals(all.getImage(), image.getImage(), "the same exact figures");
    StatsResponse depth = stub().stats(StatsRequest.newBuilder().setDataset("tiny").setSeed(2)
        .addOutputs(Output.OUTPUT_DEPTH).build());
    assertTrue(!depth.hasImage() && !depth.hasMask() && depth.hasDepth(), depth.toString());
    assertEquals(all.getDepth(), depth.getDepth());
    StatsResponse plain = stub().stats(StatsRequest.newBuilder().setDataset("nodepth").build());
    assertTrue(plain.hasImage() && plain.hasMask() && !plain.hasDepth(), "what it has");
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub().stats(
        StatsRequest.newBuilder().setDataset("nodepth").addOutputs(Output.OUTPUT_DEPTH)
            .build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("dataset 'nodepth' has no depth"));
    e = assertThrows(StatusRuntimeException.class, () -> stub().stats(StatsRequest.newBuilder()
        .setDataset("tiny").addOutputs(Output.OUTPUT_META).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("OUTPUT_META"));
  }

  @Test
  void statsWithProgressEndsWithTheUnaryResultAndFailsLikeIt() {
    StatsRequest r = StatsRequest.newBuilder().setDataset("tiny").setSeed(11).setEnd(100)
        .addOutputs(Output.OUTPUT_MASK).build();
    List<StatsProgress> got = new ArrayList<>();
    stub().statsWithProgress(r).forEachRemaining(got::add);
    StatsProgress last = got.get(got.size() - 1);
    assertTrue(last.getFinished() && last.getDone() == 100 && last.getTotal() == 100);
    assertEquals(stub().stats(r), last.getResult());
    // Asked again: the cached answer has no rate (it read as billions of samples a second).
    List<StatsProgress> again = new ArrayList<>();
    stub().statsWithProgress(r).forEachRemaining(again::add);
    assertEquals(1, again.size());
    assertEquals(0.0, again.get(0).getSamplesPerSecond());
    assertEquals(last.getResult(), again.get(0).getResult());
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub()
        .statsWithProgress(StatsRequest.newBuilder().setDataset("nodepth")
            .addOutputs(Output.OUTPUT_DEPTH).build()).hasNext());
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
  }

  @Test
  void galleryIsAPngWithOneRowPerSample() throws Exception {
    GalleryResponse g = stub().gallery(GalleryRequest.newBuilder().setDataset("builtin")
        .addIndices(0).addIndices(399_999).addIndices(123).build());
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(g.getPng().toByteArray()));
    assertEquals(g.getWidth(), img.getWidth());
    assertEquals(3 * 224 + 4 * 4 + 4 + 12 + 4 + 7 * 12, img.getWidth(),
        "image | mask | depth | colour bar and its labels (7 characters of 12 px)");
    assertEquals(22 + 3 * (224 + 44 + 4) + 4, img.getHeight(), "the column headers' line (22 px),"
        + " then two caption lines per row");
    GalleryResponse drawn = stub().gallery(GalleryRequest.newBuilder().setDataset("nodepth")
        .setCount(5).build());
    assertEquals(5, drawn.getIndicesCount());
    assertEquals(2 * 32 * 7 + 3 * 4, drawn.getWidth(), "no depth column without depth, and "
        + "32 px cells scaled up so the caption (35 characters of 12 px) fits");
    var codec = TestDatasets.noDepth().codec();
    assertEquals(4, drawn.getIndicesList().stream().limit(4).map(codec::bg).distinct().count(),
        "the 4 backgrounds before any repeats");
    assertEquals(5, drawn.getIndicesList().stream().map(codec::fg).distinct().count(),
        "5 rows, the 5 cut-outs");
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub().gallery(
        GalleryRequest.newBuilder().setDataset("tiny").setCount(1000).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    e = assertThrows(StatusRuntimeException.class, () -> stub().gallery(
        GalleryRequest.newBuilder().setDataset("tiny").addIndices(120).build()));
    assertTrue(e.getStatus().getDescription().contains("index 120 is out of range"));
  }
}
