package dev.fgbg.server.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.IndexCodec;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.ChannelStats;
import dev.fgbg.v1.ExportFormat;
import dev.fgbg.v1.ExportProgress;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.GalleryRequest;
import dev.fgbg.v1.GalleryResponse;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.Output;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StatsProgress;
import dev.fgbg.v1.StatsRequest;
import dev.fgbg.v1.StatsResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Selections through a real server on loopback (Netty): a seeded random subset is an unbiased,
 * honestly qualified estimate where a slice of the background-major index space is not.
 *
 * <p>"builtin20k" is the built-in world with all its 100 backgrounds and 100 cut-outs, one
 * placement each, at 64×64: 20,000 samples, whose full-set statistics take a few seconds (the
 * default 400,000 samples at 224×224 would take minutes; BENCHMARKS.md has that run).
 */
class SelectionServiceTest {
  private static final long SEED = 1;
  private static TestServer server;
  private static Path root;
  private static IndexCodec codec;

  @BeforeAll
  static void start() {
    Dataset world = new Dataset("builtin20k", BuiltinWorld.create(64, 64),
        Spec.builder().size(64, 64).placements(1).build());
    codec = world.codec();
    root = TestServer.exportRoot();
    server = TestServer.netty(new DatasetRegistry(List.of(world, TestDatasets.tiny())),
        TestServer.options(2).exportRoot(root).build());
  }

  @AfterAll
  static void stop() throws InterruptedException {
    server.close();
  }

  private static FgbgGrpc.FgbgBlockingStub stub() {
    return FgbgGrpc.newBlockingStub(server.channel()).withDeadlineAfter(300, TimeUnit.SECONDS);
  }

  /** StatsWithProgress to its end; the result. */
  private static StatsResponse stats(StatsRequest.Builder r) {
    List<StatsProgress> all = new ArrayList<>();
    stub().statsWithProgress(r.setDataset("builtin20k").setSeed(SEED).build())
        .forEachRemaining(all::add);
    StatsProgress last = all.get(all.size() - 1);
    assertTrue(last.getFinished());
    assertEquals(last.getTotal(), last.getDone());
    return last.getResult();
  }

  private static double[] means(StatsResponse s) {
    return new double[] {s.getImage().getMean(0), s.getImage().getMean(1),
        s.getImage().getMean(2), s.getMask().getMean(0), s.getDepth().getMean(0)};
  }

  private static double[] errors(StatsResponse s) {
    List<ChannelStats> c = List.of(s.getImage(), s.getMask(), s.getDepth());
    return c.stream().flatMap(x -> x.getStandardErrorList().stream())
        .mapToDouble(Double::doubleValue).toArray();
  }

  @Test
  void aRandomSampleIsWithinThreeStandardErrorsOfTheFullMeanWhereASliceIsNot() {
    StatsResponse full = stats(StatsRequest.newBuilder());
    StatsResponse sample = stats(StatsRequest.newBuilder().setSample(4000));
    StatsResponse slice = stats(StatsRequest.newBuilder().setEnd(4000));
    assertEquals(20_000, full.getSamples());
    assertEquals(0, full.getPopulation());
    assertEquals(4000, sample.getSamples());
    assertEquals(20_000, sample.getPopulation());
    double[] truth = means(full);
    double[] estimate = means(sample);
    double[] se = errors(sample);
    assertEquals(5, se.length, "R, G, B, mask, depth");
    boolean sliceOff = false;
    for (int c = 0; c < 5; c++) {
      assertTrue(se[c] > 0, "channel " + c);
      assertTrue(Math.abs(estimate[c] - truth[c]) <= 3 * se[c], "channel " + c + ": "
          + estimate[c] + " ± " + se[c] + " vs the full set's " + truth[c]);
      sliceOff |= Math.abs(means(slice)[c] - truth[c]) > 3 * se[c];
    }
    assertTrue(sliceOff, "the first 4000 indices (20 backgrounds) are a biased estimate");
    assertTrue(slice.getImage().getStandardErrorList().isEmpty(), "a slice is exact for itself");
  }

  @Test
  void aRandomExportCoversEveryBackgroundWhereASliceCoversAFifth() throws IOException {
    assertEquals(100, backgroundsOf(export("cover-sample", r -> r.setSample(4000))));
    assertEquals(20, backgroundsOf(export("cover-slice", r -> r.setEnd(4000))));
  }

  private static Path export(String dest, UnaryOperator<ExportRequest.Builder> s) {
    ExportProgress last = null;
    var it = stub().export(s.apply(ExportRequest.newBuilder().setDataset("builtin20k")
        .setSeed(SEED).setFormat(ExportFormat.EXPORT_FORMAT_NPY).addOutputs(Output.OUTPUT_MASK)
        .setDestination(dest)).build());
    while (it.hasNext()) {
      last = it.next();
    }
    assertTrue(last != null && last.getFinished());
    assertEquals(4000, last.getTotal());
    return root.resolve(dest);
  }

  private static long backgroundsOf(Path export) throws IOException {
    try (var lines = Files.lines(export.resolve("labels.csv"))) {
      return lines.skip(1).mapToLong(l -> Long.parseLong(l.substring(0, l.indexOf(','))))
          .map(i -> codec.bg(i)).distinct().count();
    }
  }

  @Test
  void aSubsetExportHasTheDigestOfGetSamplesOfItsIndices() throws IOException {
    ExportProgress p = null;
    var it = stub().export(ExportRequest.newBuilder().setDataset("tiny").setSeed(4)
        .setStart(10).setStride(3).setSample(17).setFormat(ExportFormat.EXPORT_FORMAT_WEBDATASET)
        .setShardSize(5).setDestination("tiny-sample").build());
    while (it.hasNext()) {
      p = it.next();
    }
    assertEquals(17, p.getTotal());
    assertEquals(4, p.getShardsTotal());
    List<Long> indices;
    try (var lines = Files.lines(root.resolve("tiny-sample/labels.csv"))) {
      indices = lines.skip(1).map(l -> Long.parseLong(l.substring(0, l.indexOf(',')))).toList();
    }
    assertEquals(17, indices.size());
    assertTrue(indices.stream().allMatch(i -> i >= 10 && (i - 10) % 3 == 0));
    SampleBatch b = stub().getSamples(GetSamplesRequest.newBuilder().setDataset("tiny")
        .setSeed(4).addAllIndices(indices).build());
    assertEquals(FgbgServiceTest.digest(List.of(b)), p.getDigest());
  }

  @Test
  void theDefaultGalleryShowsDistinctBackgroundsAndCutOutsAndASelectionShowsItself() {
    GalleryResponse g = stub().gallery(GalleryRequest.newBuilder().setDataset("builtin20k")
        .setSeed(SEED).setCount(12).build());
    assertEquals(12, g.getIndicesList().stream().map(i -> codec.bg(i)).distinct().count());
    assertEquals(12, g.getIndicesList().stream().map(i -> codec.fg(i)).distinct().count());
    GalleryResponse s = stub().gallery(GalleryRequest.newBuilder().setDataset("builtin20k")
        .setSeed(SEED).setStart(100).setStride(5000).build());
    assertEquals(List.of(100L, 5100L, 10_100L, 15_100L), s.getIndicesList());
    expect("a gallery shows one or the other", () -> stub().gallery(GalleryRequest.newBuilder()
        .setDataset("tiny").addIndices(3).setSample(2).build()));
    expect("selection 0:120 has 120 samples; a gallery shows at most 64",
        () -> stub().gallery(GalleryRequest.newBuilder().setDataset("tiny").setEnd(120)
            .build()));
  }

  @Test
  void badSelectionsAreRefusedNamingTheField() {
    expect("stride -2 must be at least 1", () -> stub().stats(StatsRequest.newBuilder()
        .setDataset("tiny").setStride(-2).build()));
    // Says how to take them all: a user asking 1000 of 960 wanted every one.
    expect("sample 121 is more than the 120 samples of range 0:120; leave out --sample "
        + "(sample 0) to take all 120", () -> stub().stats(
        StatsRequest.newBuilder().setDataset("tiny").setSample(121).build()));
    expect("sample 41 is more than the 40 samples of range 0:120 with stride 3; leave out "
        + "--sample (sample 0) to take all 40", () -> stub().export(ExportRequest.newBuilder()
            .setDataset("tiny").setStride(3).setSample(41)
            .setFormat(ExportFormat.EXPORT_FORMAT_NPY).setDestination("x").build()).hasNext());
  }

  private static void expect(String fragment, Supplier<?> call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::get);
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().contains(fragment), e.getStatus().getDescription());
  }
}
