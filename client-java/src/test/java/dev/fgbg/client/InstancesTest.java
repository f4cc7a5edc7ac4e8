package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.fgbg.common.SampleDigest;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.spec.SceneSpec;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.Compositor;
import dev.fgbg.core.synth.DepthEncoding;
import dev.fgbg.server.TestServer;
import dev.fgbg.server.rpc.StreamStats;
import dev.fgbg.v1.ExportFormat;
import dev.fgbg.v1.ExportProgress;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.InstanceMeta;
import dev.fgbg.v1.Output;
import dev.fgbg.v1.StatsRequest;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Instance ids through every path of a real loopback server: GetSamples, StreamEpoch over the
 * network and through the Java client's shared-memory ring, and an export: the core's bytes, one
 * digest, asked for by name only.
 */
class InstancesTest {
  private static final Dataset SCENE = new Dataset("scene", BuiltinWorld.create(48, 48, 4, 10),
      Spec.builder().size(48, 48).placements(2).scene(SceneSpec.builder().objects(2, 4)
          .distractors(0, 1).maxOcclusion(0.9).build()).build());
  private static final List<Output> ALL = List.of(Output.OUTPUT_IMAGE, Output.OUTPUT_MASK,
      Output.OUTPUT_DEPTH, Output.OUTPUT_META, Output.OUTPUT_INSTANCES);
  private static final int N = 120;
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.netty(new DatasetRegistry(List.of(SCENE, TestDatasets.tiny())), 2);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static FgbgClient client(boolean sharedMemory) {
    return FgbgClient.builder().target("localhost:" + server.server().port())
        .sharedMemory(sharedMemory).build();
  }

  private static byte[] coreIds(Dataset d, long seed, long i) {
    byte[] ids = new byte[d.maskBytes()];
    d.render(seed, i, DepthEncoding.FLOAT16,
        new Compositor.Target(null, 0, null, 0, null, 0).withInstances(ids, 0));
    return ids;
  }

  private static long[] range(long from, int n) {
    long[] idx = new long[n];
    for (int s = 0; s < n; s++) {
      idx[s] = from + s;
    }
    return idx;
  }

  private static Batch get(FgbgClient c, String dataset, long... indices) {
    return c.getSamples(GetSamplesRequest.newBuilder().setDataset(dataset).setSeed(3)
        .addAllIndices(Arrays.stream(indices).boxed().toList())
        .addAllOutputs(ALL).build());
  }

  @Test
  void getSamplesServesTheCoresIdsAndMetaThatMatchesThem() {
    try (FgbgClient c = client(false)) {
      Batch b = get(c, "scene", range(0, 30));
      int several = 0;
      for (int s = 0; s < b.size(); s++) {
        byte[] ids = b.instances(s).toByteArray();
        assertArrayEquals(coreIds(SCENE, 3, s), ids, "sample " + s);
        List<InstanceMeta> instances = b.meta().get(s).getScene().getInstancesList();
        several += instances.size() > 1 ? 1 : 0;
        for (int k = 0; k < instances.size(); k++) {
          int[] box = {48, 48, 0, 0};
          int shown = 0;
          for (int p = 0; p < ids.length; p++) {
            if (ids[p] == k + 1) {
              shown++;
              box = new int[] {Math.min(box[0], p % 48), Math.min(box[1], p / 48),
                  Math.max(box[2], p % 48 + 1), Math.max(box[3], p / 48 + 1)};
            }
          }
          InstanceMeta m = instances.get(k);
          assertEquals(m.getVisibleFraction() > 0, shown > 0, "sample " + s + " instance " + k);
          if (shown > 0) {
            assertArrayEquals(box, new int[] {m.getBbox().getX0(), m.getBbox().getY0(),
                m.getBbox().getX1(), m.getBbox().getY1()}, "the visible box of the served ids");
          }
        }
      }
      assertTrue(several > 10, several + " samples of several objects");
      Batch plain = c.getSamples("scene", 3, 0, 1);
      assertTrue(plain.instances().isEmpty(), "not asked for: not sent");
    }
  }

  @Test
  void aClassicDatasetsIdsAreItsMaskAsOneInstance() {
    try (FgbgClient c = client(false)) {
      Batch b = get(c, "tiny", range(0, 40));
      for (int s = 0; s < b.size(); s++) {
        ByteString mask = b.mask(s);
        ByteString ids = b.instances(s);
        for (int p = 0; p < mask.size(); p++) {
          assertEquals(mask.byteAt(p) != 0 ? 1 : 0, ids.byteAt(p));
        }
      }
    }
  }

  private static String stream(FgbgClient c, Map<Long, ByteString> ids) {
    SampleDigest d = new SampleDigest();
    List<Batch> kept = new ArrayList<>();
    try (BatchIterator it = c.streamEpoch(StreamEpochRequest.newBuilder().setDataset("scene")
        .setSeed(3).setShuffle(true).setBatchSize(16).addAllOutputs(ALL).build())) {
      it.forEachRemaining(kept::add);
    }
    for (Batch b : kept) {
      d.add(b.indices(), b.images(), b.masks(), b.depth(), b.instances());
      for (int s = 0; s < b.size(); s++) {
        ids.put(b.indices().get(s), b.instances(s));
      }
    }
    assertEquals(SCENE.size(), d.count());
    return d.hex();
  }

  @Test
  void streamsOverTheNetworkAndTheRingAndAnExportGiveGetSamplesDigest() {
    SampleDigest fetched = new SampleDigest();
    Map<Long, ByteString> direct = new HashMap<>();
    try (FgbgClient c = client(false)) {
      for (long i = 0; i < SCENE.size(); i += N / 4) {
        Batch b = get(c, "scene", range(i, (int) Math.min(N / 4, SCENE.size() - i)));
        fetched.add(b.indices(), b.images(), b.masks(), b.depth(), b.instances());
        for (int s = 0; s < b.size(); s++) {
          direct.put(b.indices().get(s), b.instances(s));
        }
      }
      Map<Long, ByteString> network = new HashMap<>();
      assertEquals(fetched.hex(), stream(c, network));
      assertEquals(direct, network);
    }
    StreamStats stats = server.server().stats();
    long accepted = stats.snapshot().ringsAccepted();
    try (FgbgClient c = client(true)) {
      Map<Long, ByteString> ring = new HashMap<>();
      assertEquals(fetched.hex(), stream(c, ring));
      assertEquals(direct, ring);
    }
    assertEquals(accepted + 1, stats.snapshot().ringsAccepted(),
        "the stream went through the ring");
    try (FgbgClient c = client(false)) {
      ExportProgress last = null;
      var it = c.export(ExportRequest.newBuilder().setDataset("scene").setSeed(3)
          .setFormat(ExportFormat.EXPORT_FORMAT_NPY).setDestination("instances")
          .addAllOutputs(List.of(Output.OUTPUT_IMAGE, Output.OUTPUT_MASK, Output.OUTPUT_DEPTH,
              Output.OUTPUT_INSTANCES)).build());
      while (it.hasNext()) {
        last = it.next();
      }
      assertTrue(last.getFinished());
      assertEquals(fetched.hex(), last.getDigest(), "export digest = stream digest");
    }
  }

  @Test
  void statsHaveNoneForInstances() {
    try (FgbgClient c = client(false)) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> c.stats(
          StatsRequest.newBuilder().setDataset("scene").addOutputs(Output.OUTPUT_INSTANCES)
              .build()));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
      assertTrue(e.getStatus().getDescription().contains("OUTPUT_INSTANCES has none"),
          e.getStatus().getDescription());
    }
  }
}
