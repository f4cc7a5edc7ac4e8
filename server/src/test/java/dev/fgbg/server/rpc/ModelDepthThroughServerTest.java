package dev.fgbg.server.rpc;

import org.junit.jupiter.api.extension.ExtendWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.server.LogCapture;
import dev.fgbg.common.SampleDigest;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.TinyOnnx;
import dev.fgbg.core.assets.AssetSet;
import dev.fgbg.core.assets.Background;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.dataset.DepthMap;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.depth.DepthRuntime;
import dev.fgbg.core.depth.ModelConfig;
import dev.fgbg.core.depth.OnnxDepthModel;
import dev.fgbg.core.render.BatchShape;
import dev.fgbg.core.render.Renderer;
import dev.fgbg.core.shm.RingOffer;
import dev.fgbg.core.shm.SlotLayout;
import dev.fgbg.core.shm.TestRings;
import dev.fgbg.core.stats.Gallery;
import dev.fgbg.core.stats.GalleryGrid;
import dev.fgbg.core.synth.DepthEncoding;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.DepthDtype;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.GalleryRequest;
import dev.fgbg.v1.GalleryResponse;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.Output;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.SharedMemoryOffer;
import dev.fgbg.v1.SharedMemorySlot;
import dev.fgbg.v1.ServerStatsRequest;
import dev.fgbg.v1.StatsRequest;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Teacher and layered depth from a real ONNX Runtime session, through the real service. */
@ExtendWith(LogCapture.Clean.class)
class ModelDepthThroughServerTest {
  @TempDir
  Path dir;

  private DepthRuntime runtime(Path cacheDir) throws Exception {
    return runtime(cacheDir, TinyOnnx::linearDepth);
  }

  private DepthRuntime runtime(Path cacheDir, Function<Path, Path> writeModel) throws Exception {
    Path model = dir.resolve("model");
    writeModel.apply(model);
    TinyOnnx.config(model, "");
    return runtimeOf(model, cacheDir);
  }

  private DepthRuntime runtimeOf(Path model, Path cacheDir) throws Exception {
    ModelConfig config = ModelConfig.load(model, null);
    OnnxDepthModel m = OnnxDepthModel.load(config, OnnxDepthModel.Device.CPU, 2);
    return DepthRuntime.create("tiny", m.device(), m, config, 64 << 20, cacheDir, 1L << 30);
  }

  /** The tiny built-in world with its exact depth removed, as a folder dataset would be. */
  private static AssetSet plain() {
    AssetSet a = TestDatasets.tiny().assets();
    List<Background> bgs = a.backgrounds().stream().map(b -> new Background(b.name(), b.label(),
        b.width(), b.height(), b.rgb(), null, null, 0)).toList();
    return new AssetSet(a.width(), a.height(), bgs, a.foregrounds(), a.backgroundLabels(),
        a.foregroundLabels(), "none");
  }

  private static List<SampleBatch> stream(TestServer s, String dataset) {
    List<SampleBatch> out = new ArrayList<>();
    FgbgGrpc.newBlockingStub(s.channel()).withDeadlineAfter(120, TimeUnit.SECONDS)
        .streamEpoch(StreamEpochRequest.newBuilder().setDataset(dataset).setSeed(4)
            .setShuffle(true).setBatchSize(10).build()).forEachRemaining(out::add);
    return out;
  }

  private static String digest(List<SampleBatch> batches) {
    SampleDigest d = new SampleDigest();
    batches.forEach(b -> d.add(b.getIndicesList(), b.getImages(), b.getMasks(), b.getDepth()));
    return d.hex();
  }

  @Test
  void teacherDepthIsTheModelOfEachCompositeExactlyOnceEver() throws Exception {
    Path cache = dir.resolve("cache");
    String first;
    try (DepthRuntime rt = runtime(cache)) {
      Dataset teacher = new Dataset("teach", plain(), TestDatasets.tiny().spec(), rt.teacher());
      try (TestServer s = TestServer.inProcess(new DatasetRegistry(List.of(teacher)), 2,
          TestServer.exportRoot(), List.of(rt))) {
        List<SampleBatch> batches = stream(s, "teach");
        for (SampleBatch b : batches) {
          byte[] img = b.getImages().toByteArray();
          byte[] dep = b.getDepth().toByteArray();
          for (int p = 0; p < b.getIndicesCount() * 32 * 32; p++) {
            float expected = TinyOnnx.linear(img[p * 3] & 255, img[p * 3 + 1] & 255,
                img[p * 3 + 2] & 255);
            assertEquals(expected, DepthEncoding.FLOAT16.get(dep, p * 2), "pixel " + p);
          }
        }
        first = digest(batches);
        assertEquals(first, digest(stream(s, "teach")), "warm cache, same bytes");
        var st = FgbgGrpc.newBlockingStub(s.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
            .serverStats(ServerStatsRequest.getDefaultInstance());
        var ds = st.getDepth(0);
        assertEquals("tiny", ds.getModel());
        assertEquals(120, ds.getInferences(), "each sample inferred once");
        assertEquals(120, ds.getMisses());
        assertTrue(ds.getMeanBatch() > 1 && ds.getMaxBatch() <= 8, ds.toString());
        assertTrue(ds.getDiskBytes() > 0, "written to the disk tier");
        assertEquals(120, rt.stats().snapshot().inferred(), "each sample inferred once");
        assertEquals(120, rt.stats().snapshot().memoryHits());
        assertTrue(rt.stats().snapshot().runs() < 120,
            "batched: " + rt.stats().snapshot().runs() + " runs");
      }
    }
    // Restart: a new runtime over the same disk tier infers nothing and serves the same bytes.
    try (DepthRuntime rt = runtime(cache)) {
      Dataset teacher = new Dataset("teach", plain(), TestDatasets.tiny().spec(), rt.teacher());
      try (TestServer s = TestServer.inProcess(new DatasetRegistry(List.of(teacher)), 3)) {
        assertEquals(first, digest(stream(s, "teach")));
        assertEquals(0, rt.stats().snapshot().inferred(), "served from disk");
        assertEquals(120, rt.stats().snapshot().diskHits());
      }
    }
    // Cold, without the disk tier: recomputed, and still the same bytes.
    try (DepthRuntime rt = runtime(null)) {
      Dataset teacher = new Dataset("teach", plain(), TestDatasets.tiny().spec(), rt.teacher());
      try (TestServer s = TestServer.inProcess(new DatasetRegistry(List.of(teacher)), 1)) {
        assertEquals(first, digest(stream(s, "teach")));
        assertEquals(120, rt.stats().snapshot().inferred());
      }
    }
  }

  /** GetSamples of indices 0..19 of dataset "teach" with depth as {@code dtype}. */
  private static byte[] depth(TestServer s, DepthDtype dtype) {
    GetSamplesRequest.Builder r = GetSamplesRequest.newBuilder().setDataset("teach").setSeed(8)
        .setDepthDtype(dtype);
    for (long i = 0; i < 20; i++) {
      r.addIndices(i);
    }
    return FgbgGrpc.newBlockingStub(s.channel()).withDeadlineAfter(60, TimeUnit.SECONDS)
        .getSamples(r.build()).getDepth().toByteArray();
  }

  private byte[][] bothDtypes(DepthRuntime rt, boolean float32First) throws Exception {
    Dataset teacher = new Dataset("teach", plain(), TestDatasets.tiny().spec(), rt.teacher());
    try (TestServer s = TestServer.inProcess(new DatasetRegistry(List.of(teacher)), 2)) {
      byte[][] out = new byte[2][];
      out[float32First ? 1 : 0] = depth(s, float32First ? DepthDtype.DEPTH_DTYPE_FLOAT32
          : DepthDtype.DEPTH_DTYPE_FLOAT16);
      out[float32First ? 0 : 1] = depth(s, float32First ? DepthDtype.DEPTH_DTYPE_FLOAT16
          : DepthDtype.DEPTH_DTYPE_FLOAT32);
      return out;
    }
  }

  /**
   * Through a ring, a run's teacher depth is copied from the cached maps straight into the slot
   * (not through the run's arrays): the bytes are the network's, cold and warm, stream and
   * GetSamples.
   */
  @Test
  void teacherDepthThroughARingIsTheNetworksBytesColdAndWarm() throws Exception {
    Path rings = Files.createDirectories(dir.resolve("rings"));
    try (DepthRuntime rt = runtime(null)) {
      Dataset teacher = new Dataset("teach", plain(), TestDatasets.tiny().spec(), rt.teacher());
      try (TestServer s = TestServer.inProcess(new DatasetRegistry(List.of(teacher)),
          TestServer.options(2).ringDirectory(rings).build(), List.of(rt))) {
        long slotBytes = SlotLayout.bytesFor(10 * 32 * 32 * 3, 10 * 32 * 32, 10 * 32 * 32 * 2);
        RingOffer r = TestRings.create(rings, "teach", 3, slotBytes);
        SharedMemoryOffer keep = RingStreamTest.offer(r, -1).toBuilder().setKeep(true).build();
        List<String> digests = new ArrayList<>();
        try (FileChannel ch = TestRings.open(r)) {
          for (boolean ring : new boolean[] {true, false, true}) { // cold, then warm
            StreamEpochRequest.Builder req = StreamEpochRequest.newBuilder().setDataset("teach")
                .setSeed(4).setShuffle(true).setBatchSize(10);
            if (!ring) {
              digests.add(digest(stream(s, "teach")));
              continue;
            }
            SampleDigest d = new SampleDigest();
            FgbgGrpc.newBlockingStub(s.channel()).withDeadlineAfter(120, TimeUnit.SECONDS)
                .streamEpoch(req.setSharedMemory(keep).build()).forEachRemaining(b -> {
                  try {
                    RingStreamTest.addAndFree(d, ch, r, b);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
            digests.add(d.hex());
          }
          assertEquals(120, rt.stats().snapshot().inferred(),
              "computed once, in the first ring stream");
          assertEquals(List.of(digests.get(1), digests.get(1), digests.get(1)), digests);
          GetSamplesRequest.Builder get = GetSamplesRequest.newBuilder().setDataset("teach")
              .setSeed(4).addIndices(7).addIndices(0).addIndices(7).addIndices(119);
          SampleBatch plain = FgbgGrpc.newBlockingStub(s.channel()).getSamples(get.build());
          SampleBatch b = FgbgGrpc.newBlockingStub(s.channel()).getSamples(
              get.setSharedMemory(RingStreamTest.offer(r, 2)).build());
          SharedMemorySlot at = b.getSharedMemory();
          assertEquals(plain.getDepth(), RingStreamTest.part(ch, r, 2, at.getDepthOffset(),
              at.getDepthLength()));
        }
        Files.delete(r.path());
      }
    }
  }

  @Test
  void aGalleryWithBackgroundsShowsTheTeachersBackgroundDepth() throws Exception {
    try (DepthRuntime rt = runtime(null)) {
      Dataset teacher = new Dataset("teach", plain(), TestDatasets.tiny().spec(), rt.teacher());
      long[] rows = {3, 77, 110};
      try (TestServer s = TestServer.inProcess(new DatasetRegistry(List.of(teacher)), 2,
          TestServer.exportRoot(), List.of(rt))) {
        // Cold: the backgrounds' depth is computed by the model while the rows wait for it.
        GalleryResponse g = FgbgGrpc.newBlockingStub(s.channel())
            .withDeadlineAfter(60, TimeUnit.SECONDS).gallery(GalleryRequest.newBuilder()
                .setDataset("teach").setSeed(5).addAllIndices(List.of(3L, 77L, 110L))
                .setBackgrounds(true).build());
        assertArrayEquals(Gallery.png(Gallery.render(teacher, 5, rows, true, false)),
            g.getPng().toByteArray(), "the server's gallery is the one drawn in-process");
        assertEquals(List.of("image", "background", "mask", "depth", "bg depth"),
            GalleryGrid.of(teacher, rows, true, false).columns());
      }
    }
  }

  @Test
  void aTeacherStreamKeepsAFewModelBatchesInFlightNotItsWholeWindow() throws Exception {
    try (DepthRuntime rt = runtime(null)) {
      Dataset teacher = new Dataset("teach", plain(), TestDatasets.tiny().spec(), rt.teacher());
      BatchShape taught = new BatchShape(teacher, Outputs.all(teacher), DepthEncoding.FLOAT16);
      Dataset exact = TestDatasets.tiny();
      BatchShape plain = new BatchShape(exact, Outputs.all(exact), DepthEncoding.FLOAT16);
      assertEquals(2, SampleCalls.window(taught, 4, 64), "two ring batches of 64");
      assertEquals(1, SampleCalls.window(taught, 4, 200), "at least one piece");
      assertEquals(4, SampleCalls.window(taught, 4, 13), "small pieces: the whole window");
      assertEquals(4, SampleCalls.window(plain, 4, 64), "without a model, the whole window");
    }
  }

  @Test
  void teacherDepthIsOneSetOfBytesColdFromMemoryAndFromDiskInEitherDtype() throws Exception {
    // A model scale that is no power of two, so its float32 outputs are not float16 values.
    Path model = dir.resolve("odd-scale");
    TinyOnnx.linearDepth(model);
    Files.writeString(model.resolve("config.json"), "{\"name\": \"odd\", \"inputHeight\": 32, "
        + "\"inputWidth\": 32, \"inputScale\": 1.0, \"outputKind\": \"DEPTH_OUTPUT_KIND_METRIC\", "
        + "\"outputScale\": 0.0037, \"maxBatch\": 8}");
    Path cache = dir.resolve("odd-cache");
    byte[][] cold32;
    byte[][] warm;
    try (DepthRuntime rt = runtimeOf(model, cache)) {
      cold32 = bothDtypes(rt, true); // computed for the float32 request, then from memory
      warm = bothDtypes(rt, false);
      assertEquals(20, rt.stats().snapshot().inferred());
    }
    byte[][] disk;
    try (DepthRuntime rt = runtimeOf(model, cache)) {
      disk = bothDtypes(rt, true);
      assertEquals(0, rt.stats().snapshot().inferred(), "from the disk tier");
    }
    byte[][] cold16;
    try (DepthRuntime rt = runtimeOf(model, null)) {
      cold16 = bothDtypes(rt, false); // computed for the float16 request
    }
    for (byte[][] other : List.of(warm, disk, cold16)) {
      assertArrayEquals(cold32[0], other[0], "float16");
      assertArrayEquals(cold32[1], other[1], "float32");
    }
    // The model's own float32 output, from the images: raw = R + 2G + 4B + 1, times the scale.
    long[] idx = new long[20];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    byte[] img = Renderer.renderNow(new Dataset("p", plain(), TestDatasets.tiny().spec()), 8, idx,
        new Outputs(true, false, false, false), DepthEncoding.FLOAT16).images();
    float[] output = new float[idx.length * 32 * 32];
    for (int p = 0; p < output.length; p++) {
      output[p] = ((img[p * 3] & 255) + 2 * (img[p * 3 + 1] & 255) + 4 * (img[p * 3 + 2] & 255)
          + 1) * 0.0037f;
    }
    float[] served = DepthMap.rounded(output).values();
    boolean rounded = false;
    for (int p = 0; p < output.length; p++) {
      assertEquals(served[p], DepthEncoding.FLOAT32.get(cold32[1], p * 4), "float32 is the "
          + "model's value rounded to float16, pixel " + p);
      rounded |= served[p] != output[p];
    }
    assertTrue(rounded, "some float32 outputs are not float16 values, so the rounding shows");
    try (Stream<Path> files = Files.walk(cache)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".depth")).toList()) {
        assertEquals(98 + 2 * 32 * 32, Files.size(f), "a float16 record: " + f);
      }
    }
  }

  @Test
  void aModelGivingNanFailsTheStreamNamingItAndCachesNothing() throws Exception {
    Path cache = dir.resolve("cache");
    try (DepthRuntime rt = runtime(cache, TinyOnnx::nanWhenDark)) {
      Dataset teacher = new Dataset("teach", plain(), TestDatasets.tiny().spec(), rt.teacher());
      try (TestServer s = TestServer.inProcess(new DatasetRegistry(List.of(teacher)), 2)) {
        for (int attempt = 0; attempt < 2; attempt++) {
          StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
              () -> stream(s, "teach"));
          assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
          assertTrue(e.getStatus().getDescription().contains("depth model 'tiny' produced"),
              e.getStatus().getDescription());
        }
        assertEquals(0, rt.diskBytes(), "nothing reached the disk tier");
        assertTrue(rt.stats().snapshot().misses() >= 2, "the second stream asked the model again");
      }
    }
  }

  @Test
  void imageStatsDoNotWaitForTheDepthModel() throws Exception {
    try (DepthRuntime rt = runtime(null)) {
      Dataset teacher = new Dataset("teach", plain(), TestDatasets.tiny().spec(), rt.teacher());
      try (TestServer s = TestServer.inProcess(new DatasetRegistry(List.of(teacher)), 2)) {
        var stub = FgbgGrpc.newBlockingStub(s.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
        var image = stub.stats(StatsRequest.newBuilder().setDataset("teach")
            .addOutputs(Output.OUTPUT_IMAGE).addOutputs(Output.OUTPUT_MASK).build());
        assertEquals(120, image.getSamples());
        assertTrue(image.hasImage() && image.hasMask() && !image.hasDepth());
        assertEquals(0, rt.stats().snapshot().inferred(), "no inference for image and mask stats");
        var all = stub.stats(StatsRequest.newBuilder().setDataset("teach").build());
        assertTrue(all.hasDepth() && all.getDepth().getMean(0) > 0);
        assertEquals(120, rt.stats().snapshot().inferred(),
            "depth stats ran the model once per sample");
        assertEquals(image.getImage(), all.getImage());
      }
    }
  }

  @Test
  void layeredDepthIsTheBackgroundsWithTheForegroundAtItsFootPoint() throws Exception {
    try (DepthRuntime rt = runtime(null)) {
      AssetSet layered = rt.layered(plain());
      assertEquals(4, rt.stats().snapshot().inferred(), "once per background");
      Dataset d = new Dataset("layered", layered, TestDatasets.tiny().spec());
      assertTrue(d.depthSource().endsWith(":layered"));
      try (TestServer s = TestServer.inProcess(new DatasetRegistry(List.of(d)), 2)) {
        for (SampleBatch b : stream(s, "layered")) {
          byte[] mask = b.getMasks().toByteArray();
          byte[] dep = b.getDepth().toByteArray();
          for (int k = 0; k < b.getIndicesCount(); k++) {
            var meta = b.getMeta(k);
            Background bg = layered.backgrounds().get(meta.getBg());
            byte[] rgb = plain().backgrounds().get(meta.getBg()).rgb();
            for (int p = 0; p < 32 * 32; p++) {
              float v = DepthEncoding.FLOAT16.get(dep, (k * 1024 + p) * 2);
              if (mask[k * 1024 + p] != 0) {
                assertEquals(DepthEncoding.FLOAT16.get(DepthEncoding.FLOAT16.encode(
                    new float[] {meta.getFgDepth()}), 0), v);
              } else {
                assertEquals(TinyOnnx.linear(rgb[p * 3] & 255, rgb[p * 3 + 1] & 255,
                    rgb[p * 3 + 2] & 255), v, 0.004f);
              }
            }
            int foot = (meta.getY() + meta.getFgHeight() - 1) * 32 + meta.getX()
                + meta.getFgWidth() / 2;
            assertEquals(bg.depth()[foot], meta.getFgDepth(), "foot-point rule");
          }
        }
        assertEquals(4, rt.stats().snapshot().inferred(), "no inference while streaming");
      }
    }
  }
}
