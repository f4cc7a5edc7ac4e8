package dev.fgbg.server.rpc;

import org.junit.jupiter.api.extension.ExtendWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.fgbg.server.LogCapture;
import dev.fgbg.common.SampleDigest;
import dev.fgbg.common.Sha256;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.DatasetInfo;
import dev.fgbg.v1.DepthDtype;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.ListDatasetsRequest;
import dev.fgbg.v1.Output;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(LogCapture.Clean.class)
class FgbgServiceTest {
  private static TestServer server;
  private static FgbgGrpc.FgbgBlockingStub stub;

  @BeforeAll
  static void start() {
    server = TestServer.inProcess(TestDatasets.registry(), 2);
    stub = FgbgGrpc.newBlockingStub(server.channel());
  }

  @AfterAll
  static void stop() throws InterruptedException {
    server.close();
  }

  private static FgbgGrpc.FgbgBlockingStub stub() {
    return stub.withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  private static StreamEpochRequest.Builder tinyEpoch() {
    return StreamEpochRequest.newBuilder().setDataset("tiny").setSeed(11).setEpoch(2)
        .setShuffle(true).setBatchSize(7);
  }

  /** Every message of a stream. */
  static List<SampleBatch> stream(StreamEpochRequest r) {
    List<SampleBatch> out = new ArrayList<>();
    stub().streamEpoch(r).forEachRemaining(out::add);
    return out;
  }

  static String digest(List<SampleBatch> batches) {
    SampleDigest d = new SampleDigest();
    batches.forEach(b -> d.add(b.getIndicesList(), b.getImages(), b.getMasks(), b.getDepth()));
    return d.hex();
  }

  /** index -> image‖mask‖depth bytes of each sample in the messages. */
  static Map<Long, ByteString> samples(List<SampleBatch> batches) {
    Map<Long, ByteString> m = new HashMap<>();
    for (SampleBatch b : batches) {
      int n = b.getIndicesCount();
      int il = b.getImages().size() / n;
      int ml = b.getMasks().size() / n;
      int dl = b.getDepth().size() / n;
      for (int s = 0; s < n; s++) {
        ByteString v = b.getImages().substring(s * il, (s + 1) * il)
            .concat(b.getMasks().substring(s * ml, (s + 1) * ml))
            .concat(b.getDepth().substring(s * dl, (s + 1) * dl));
        assertEquals(null, m.put(b.getIndices(s), v), "index twice: " + b.getIndices(s));
      }
    }
    return m;
  }

  @Test
  void describeStatesSizesShapesDtypesAndFingerprint() {
    DatasetInfo d = stub().describe(DescribeRequest.newBuilder().setDataset("builtin").build());
    assertEquals(400_000, d.getSize());
    assertEquals(List.of(100, 100, 2, 20), List.of(d.getBackgrounds(), d.getForegrounds(),
        d.getFlips(), d.getPlacements()));
    assertEquals(List.of(224, 224, 3), d.getImageShape().getDimsList());
    assertEquals(List.of(224, 224), d.getMaskShape().getDimsList());
    assertTrue(d.getHasDepth());
    assertEquals(DepthDtype.DEPTH_DTYPE_FLOAT16, d.getDepthDtype());
    assertEquals("metres", d.getDepthUnits());
    assertEquals(TestDatasets.builtin().fingerprint(), d.getFingerprint());
    assertEquals(224, d.getSpec().getHeight());
    assertEquals(10, d.getForegroundLabelsCount());
    assertEquals(100, d.getBackgroundNamesCount());
    assertTrue(d.getMaxGetSamples() >= 16);
    DatasetInfo nd = stub().describe(DescribeRequest.newBuilder().setDataset("nodepth").build());
    assertFalse(nd.getHasDepth());
    assertEquals("none", nd.getDepthSource());
    assertEquals(3, stub().listDatasets(ListDatasetsRequest.getDefaultInstance())
        .getDatasetsCount());
  }

  @Test
  void aStreamsFirstMessageSaysHowManySamplesTheStreamSends() {
    for (StreamEpochRequest r : List.of(tinyEpoch().build(),
        tinyEpoch().setRank(1).setWorldSize(3).setStartBatch(2).build(),
        tinyEpoch().setStartBatch(1).setLimit(10).setDropLast(true).build())) {
      List<SampleBatch> got = stream(r);
      long sent = got.stream().mapToLong(SampleBatch::getIndicesCount).sum();
      assertTrue(sent > 0, r.toString());
      assertEquals(sent, got.get(0).getStreamSamples(), r.toString());
      assertTrue(got.stream().skip(1).allMatch(b -> b.getStreamSamples() == 0), r.toString());
    }
  }

  @Test
  void getSamplesReturnsTheRenderedBytes() {
    Dataset d = TestDatasets.builtin();
    SampleBatch b = stub().getSamples(GetSamplesRequest.newBuilder().setDataset("builtin")
        .setSeed(42).addIndices(399_999).addIndices(7).build());
    assertEquals(List.of(399_999L, 7L), b.getIndicesList());
    Map<Long, ByteString> m = samples(List.of(b));
    assertEquals(TestDatasets.sampleSha(d, 42, 7), sha(m.get(7L)));
    assertEquals(TestDatasets.sampleSha(d, 42, 399_999), sha(m.get(399_999L)));
    assertEquals(7, b.getMeta(1).getIndex());
    assertEquals(d.place(42, 7).x(), b.getMeta(1).getX());
  }

  private static String sha(ByteString bytes) {
    return Sha256.hex(bytes.toByteArray());
  }

  @Test
  void streamEqualsGetSamplesSampleBySample() {
    Map<Long, ByteString> streamed = samples(stream(tinyEpoch().build()));
    assertEquals(120, streamed.size());
    for (long i = 0; i < 120; i += 17) {
      SampleBatch one = stub().getSamples(GetSamplesRequest.newBuilder().setDataset("tiny")
          .setSeed(11).addIndices(i).build());
      assertEquals(streamed.get(i), samples(List.of(one)).get(i), "sample " + i);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 7, 64, 120, 4096})
  void batchSizeAndOrderDoNotChangeTheBytes(int batchSize) {
    String reference = digest(stream(tinyEpoch().setShuffle(false).setBatchSize(13).build()));
    assertEquals(reference, digest(stream(tinyEpoch().setBatchSize(batchSize).build())));
    assertEquals(reference, digest(stream(tinyEpoch().setEpoch(5).setBatchSize(batchSize)
        .build())), "another epoch is another order of the same samples");
  }

  @Test
  void threadCountDoesNotChangeTheBytes() throws Exception {
    Map<Long, ByteString> two = samples(stream(tinyEpoch().build()));
    for (int threads : new int[] {1, 4}) {
      try (TestServer other = TestServer.inProcess(TestDatasets.registry(), threads)) {
        List<SampleBatch> got = new ArrayList<>();
        FgbgGrpc.newBlockingStub(other.channel()).withDeadlineAfter(60, TimeUnit.SECONDS)
            .streamEpoch(tinyEpoch().build()).forEachRemaining(got::add);
        assertEquals(two, samples(got), threads + " threads");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void shardsAddUpToTheEpochWithoutOverlap(int world) {
    String whole = digest(stream(tinyEpoch().build()));
    String sum = "0".repeat(64);
    BitSet seen = new BitSet();
    List<Long> globalOrder = new ArrayList<>();
    for (int r = 0; r < world; r++) {
      List<SampleBatch> shard = stream(tinyEpoch().setRank(r).setWorldSize(world).build());
      sum = SampleDigest.addHex(sum, digest(shard));
      for (SampleBatch b : shard) {
        for (long i : b.getIndicesList()) {
          assertFalse(seen.get((int) i), "index " + i + " in two shards");
          seen.set((int) i);
        }
      }
    }
    assertEquals(120, seen.cardinality());
    assertEquals(whole, sum);
    // The global order does not depend on the world size: position p is the same index.
    for (SampleBatch b : stream(tinyEpoch().build())) {
      globalOrder.addAll(b.getIndicesList());
    }
    for (int r = 0; r < world; r++) {
      for (SampleBatch b : stream(tinyEpoch().setRank(r).setWorldSize(world).build())) {
        for (int s = 0; s < b.getIndicesCount(); s++) {
          long position = b.getFirstPosition() + (long) s * world;
          assertEquals(globalOrder.get((int) position), b.getIndices(s));
        }
      }
    }
  }

  @Test
  void startBatchResumesExactly() {
    List<SampleBatch> full = stream(tinyEpoch().setRank(1).setWorldSize(2).build());
    for (int k : new int[] {0, 1, 4, full.size()}) {
      List<SampleBatch> resumed = stream(tinyEpoch().setRank(1).setWorldSize(2)
          .setStartBatch(k).build());
      assertEquals(withoutSize(full.subList(k, full.size())), withoutSize(resumed),
          "resume at batch " + k);
    }
  }

  /** The messages without the stream's size, which only a stream's first message says. */
  private static List<SampleBatch> withoutSize(List<SampleBatch> messages) {
    return messages.stream().map(m -> m.toBuilder().clearStreamSamples().build()).toList();
  }

  @Test
  void bigBatchesArriveAsChunksUnderTheMessageLimit() {
    List<SampleBatch> msgs = stream(StreamEpochRequest.newBuilder().setDataset("builtin")
        .setBatchSize(40).setLimit(50).build());
    assertTrue(msgs.size() > 2);
    int samples = 0;
    for (SampleBatch m : msgs) {
      assertTrue(m.getSerializedSize() <= Limits.DEFAULT.streamMessageBytes() + 64 * 1024);
      samples += m.getIndicesCount();
    }
    assertEquals(50, samples);
    SampleBatch first = msgs.get(0);
    assertEquals(0, first.getBatchIndex());
    assertEquals(0, first.getChunkIndex());
    assertTrue(first.getChunkCount() > 1);
    SampleBatch last = msgs.get(msgs.size() - 1);
    assertEquals(1, last.getBatchIndex());
    assertEquals(last.getChunkCount() - 1, last.getChunkIndex());
    Dataset d = TestDatasets.builtin();
    Map<Long, ByteString> m = samples(msgs);
    assertEquals(TestDatasets.sampleSha(d, 0, 45), sha(m.get(45L)));
  }

  @Test
  void outputsSelectWhatIsSent() {
    List<SampleBatch> masksOnly = stream(tinyEpoch().addOutputs(Output.OUTPUT_MASK).build());
    SampleBatch b = masksOnly.get(0);
    assertTrue(b.getImages().isEmpty() && b.getDepth().isEmpty() && b.getMetaCount() == 0);
    assertEquals(7 * 32 * 32, b.getMasks().size());
    SampleBatch f32 = stream(tinyEpoch().setLimit(3).setDepthDtype(DepthDtype.DEPTH_DTYPE_FLOAT32)
        .addOutputs(Output.OUTPUT_DEPTH).build()).get(0);
    assertEquals(3 * 32 * 32 * 4, f32.getDepth().size());
    assertEquals(DepthDtype.DEPTH_DTYPE_FLOAT32, f32.getDepthDtype());
  }

  @Test
  void badInputGetsTheRightStatusNamingTheProblem() {
    expect(Status.Code.INVALID_ARGUMENT, "index 400000 is out of range",
        () -> stub().getSamples(GetSamplesRequest.newBuilder().setDataset("builtin")
            .addIndices(400_000).build()));
    expect(Status.Code.INVALID_ARGUMENT, "index -1 is out of range",
        () -> stub().getSamples(GetSamplesRequest.newBuilder().setDataset("builtin")
            .addIndices(-1).build()));
    expect(Status.Code.INVALID_ARGUMENT, "indices is empty",
        () -> stub().getSamples(GetSamplesRequest.newBuilder().setDataset("builtin").build()));
    GetSamplesRequest.Builder many = GetSamplesRequest.newBuilder().setDataset("builtin");
    for (int i = 0; i < 2000; i++) {
      many.addIndices(i);
    }
    int max = stub().describe(DescribeRequest.newBuilder().setDataset("builtin").build())
        .getMaxGetSamples();
    expect(Status.Code.INVALID_ARGUMENT, "indices has 2000 entries; dataset 'builtin' takes at "
        + "most " + max + " per GetSamples call (its max_get_samples in describe)",
        () -> stub().getSamples(many.build()));
    GetSamplesRequest.Builder justOver = GetSamplesRequest.newBuilder().setDataset("builtin");
    for (int i = 0; i <= max; i++) {
      justOver.addIndices(i);
    }
    for (GetSamplesRequest r : List.of(justOver.build(), justOver.clone()
        .addOutputs(Output.OUTPUT_MASK).build(), justOver.clone()
        .setDepthDtype(DepthDtype.DEPTH_DTYPE_FLOAT32).build())) {
      expect(Status.Code.INVALID_ARGUMENT, "indices has " + (max + 1) + " entries; dataset "
          + "'builtin' takes at most " + max + " per", () -> stub().getSamples(r));
    }
    GetSamplesRequest.Builder atMax = GetSamplesRequest.newBuilder().setDataset("builtin")
        .setDepthDtype(DepthDtype.DEPTH_DTYPE_FLOAT32);
    for (int i = 0; i < max; i++) {
      atMax.addIndices(i);
    }
    assertEquals(max, stub().getSamples(atMax.build()).getIndicesCount(),
        "describe's limit holds for the largest request");
    expect(Status.Code.NOT_FOUND, "unknown dataset 'nope'",
        () -> stub().describe(DescribeRequest.newBuilder().setDataset("nope").build()));
    expect(Status.Code.NOT_FOUND, "unknown dataset 'nope'",
        () -> stream(tinyEpoch().setDataset("nope").build()));
    expect(Status.Code.INVALID_ARGUMENT, "batch_size 0", () -> stream(tinyEpoch().setBatchSize(0).build()));
    expect(Status.Code.INVALID_ARGUMENT, "batch_size -5", () -> stream(tinyEpoch().setBatchSize(-5).build()));
    expect(Status.Code.INVALID_ARGUMENT, "batch_size 1000000",
        () -> stream(tinyEpoch().setBatchSize(1_000_000).build()));
    expect(Status.Code.INVALID_ARGUMENT, "rank 3 must be in [0, world_size 3)",
        () -> stream(tinyEpoch().setRank(3).setWorldSize(3).build()));
    expect(Status.Code.INVALID_ARGUMENT, "start_batch 1000 is past the end",
        () -> stream(tinyEpoch().setStartBatch(1000).build()));
    // Outputs in the user's words (the CLI's flag, the Python argument), not the proto's enum.
    expect(Status.Code.FAILED_PRECONDITION, "dataset 'nodepth' has no depth (depth source: "
        + "none); leave depth out of the outputs (e.g. --outputs image,mask / outputs=[\"image\","
        + " \"mask\"]), or serve the dataset with a depth model",
        () -> stream(tinyEpoch().setDataset("nodepth").addOutputs(Output.OUTPUT_DEPTH).build()));
    // A typo of a dataset's name: the nearest names, then all of them.
    expect(Status.Code.NOT_FOUND, "unknown dataset 'tniy' (did you mean 'tiny'?); known datasets:",
        () -> stub().describe(DescribeRequest.newBuilder().setDataset("tniy").build()));
    expect(Status.Code.INVALID_ARGUMENT, "outputs: OUTPUT_UNSPECIFIED",
        () -> stream(tinyEpoch().addOutputs(Output.OUTPUT_UNSPECIFIED).build()));
    // float32 depth of a dataset without depth: refused as asking for its depth is, by both
    // calls; float16, what every client sends unasked, stays accepted.
    String noFloat32 = "dataset 'nodepth' has no depth (depth source: none); depth_dtype"
        + " DEPTH_DTYPE_FLOAT32 (--depth-dtype float32) encodes depth";
    expect(Status.Code.FAILED_PRECONDITION, noFloat32, () -> stream(tinyEpoch()
        .setDataset("nodepth").setDepthDtype(DepthDtype.DEPTH_DTYPE_FLOAT32).build()));
    expect(Status.Code.FAILED_PRECONDITION, noFloat32, () -> stub().getSamples(
        GetSamplesRequest.newBuilder().setDataset("nodepth").addIndices(0)
            .setDepthDtype(DepthDtype.DEPTH_DTYPE_FLOAT32).build()));
    assertEquals(1, stub().getSamples(GetSamplesRequest.newBuilder().setDataset("nodepth")
        .addIndices(0).setDepthDtype(DepthDtype.DEPTH_DTYPE_FLOAT16).build()).getIndicesCount());
  }

  private static void expect(Status.Code code, String fragment, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().contains(fragment), e.getStatus().getDescription());
  }

  @Test
  void cancellingStopsProduction() throws Exception {
    StreamStats stats = server.server().stats();
    long cancelledBefore = stats.snapshot().streamsCancelled();
    Context.CancellableContext ctx = Context.current().withCancellation();
    Iterator<SampleBatch> it = ctx.call(() -> stub().streamEpoch(StreamEpochRequest.newBuilder()
        .setDataset("builtin").setBatchSize(32).build()));
    assertTrue(it.hasNext());
    it.next();
    ctx.cancel(null);
    assertTrue(stats.await(() -> stats.snapshot().streamsCancelled() > cancelledBefore,
        Duration.ofSeconds(10)), "the server saw the cancel");
    assertEquals(cancelledBefore + 1, stats.snapshot().streamsCancelled());
    server.drainWorkers(); // renders started before the cancel have finished
    long produced = stats.snapshot().chunksProduced();
    server.drainWorkers();
    assertEquals(produced, stats.snapshot().chunksProduced(), "rendering went on after cancel");
  }

  @Test
  void deadlineEndsTheStream() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> {
      Iterator<SampleBatch> it = stub.withDeadlineAfter(300, TimeUnit.MILLISECONDS)
          .streamEpoch(StreamEpochRequest.newBuilder().setDataset("builtin").setBatchSize(8)
              .build());
      // 400,000 samples take minutes; the deadline ends the stream long before.
      while (it.hasNext()) {
        it.next();
      }
    });
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
  }

  @Test
  void identicalBytesForIdenticalRequests() {
    List<SampleBatch> a = stream(tinyEpoch().build());
    List<SampleBatch> b = stream(tinyEpoch().build());
    assertEquals(a, b);
    assertArrayEquals(a.get(0).getImages().toByteArray(), b.get(0).getImages().toByteArray());
  }
}
