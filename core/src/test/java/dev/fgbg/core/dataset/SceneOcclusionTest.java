package dev.fgbg.core.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.common.ProtoJson;
import dev.fgbg.common.Sha256;
import dev.fgbg.core.SceneFixtures;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.catalog.DatasetCatalog;
import dev.fgbg.core.depth.DepthRuntime;
import dev.fgbg.core.spec.SceneSpec;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.Compositor;
import dev.fgbg.core.synth.DepthEncoding;
import dev.fgbg.v1.FolderDatasetConfig;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenes of several objects: outputs against a brute-force reference, caps, visible parts. */
class SceneOcclusionTest {
  private static final SceneSpec CROWDED = SceneSpec.builder().objects(2, 5).distractors(0, 3)
      .maxOcclusion(0.6).maxTruncation(0.3).build();

  @TempDir
  Path dir;

  /** What the checks saw, so that a test proves it exercised occlusion, truncation, distractors. */
  private static final class Seen {
    int occluded;
    int truncated;
    int distractorsShown;
    int instances;
  }

  /** Renders {@code index} and compares every output and the meta with the reference. */
  private static void matchesTheReference(Dataset d, long seed, long index, boolean image,
      Seen seen) {
    int n = d.spec().width() * d.spec().height();
    byte[] img = new byte[n * 3];
    byte[] mask = new byte[n];
    byte[] ids = new byte[n];
    byte[] depth = d.assets().hasDepth() ? new byte[n * 4] : null;
    SampleInfo info = d.render(seed, index, DepthEncoding.FLOAT32,
        new Compositor.Target(img, 0, mask, 0, depth, 0).withInstances(ids, 0));
    Scene scene = d.scene(seed, index);
    BruteForceScene ref = BruteForceScene.of(d, scene);
    String at = d.name() + " sample " + index;
    assertArrayEquals(ref.instances(), ids, "instance ids of " + at);
    assertArrayEquals(ref.mask(), mask, "mask = union of the instances, " + at);
    if (depth != null) {
      assertArrayEquals(ref.depth(), depth, "depth: the nearer surface wins, " + at);
    }
    if (image) {
      assertArrayEquals(ref.image(), img, "image painted far to near, " + at);
    }
    List<SceneObject> objects = scene.objects();
    assertEquals(scene.labelled(), info.instances().size());
    for (int i = 0; i < objects.size(); i++) {
      SceneObject o = objects.get(i);
      assertEquals(i < scene.labelled(), o.labelled(), "labelled objects first");
      int total = o.cutout().maskPixels();
      int hidden = ref.inImage()[i] - ref.visible()[i];
      if (!o.labelled()) {
        seen.distractorsShown += ref.visible()[i] > 0 ? 1 : 0;
        continue;
      }
      InstanceInfo inst = info.instances().get(i);
      seen.instances++;
      seen.occluded += hidden > 0 ? 1 : 0;
      seen.truncated += ref.inImage()[i] < total ? 1 : 0;
      assertEquals(total == 0 ? 0 : (double) ref.visible()[i] / total, inst.visibleFraction(),
          "visible fraction of instance " + (i + 1) + " of " + at);
      assertArrayEquals(ref.boxes()[i], new int[] {inst.bboxX0(), inst.bboxY0(), inst.bboxX1(),
          inst.bboxY1()}, "visible box of instance " + (i + 1) + " of " + at);
      SceneSpec s = d.spec().scene();
      assertTrue(hidden <= s.maxOcclusion() * ref.inImage()[i], "occlusion cap, " + at);
      assertTrue(total - ref.inImage()[i] <= s.maxTruncation() * total, "truncation cap, " + at);
    }
    InstanceInfo own = info.instances().get(0);
    assertEquals(info.fg(), own.fg());
    assertEquals(info.bboxX0(), own.bboxX0(), "the top-level box is instance 1's visible part");
    assertEquals(info.x(), own.x());
  }

  @Test
  void builtinWorldScenesEqualTheBruteForceReference() {
    Dataset d = new Dataset("crowded", BuiltinWorld.create(64, 64, 12, 30),
        Spec.builder().size(64, 64).placements(4).scene(CROWDED).build());
    Seen seen = new Seen();
    for (long i = 0; i < d.size(); i += 7) {
      matchesTheReference(d, 11, i, true, seen);
    }
    assertTrue(seen.occluded > 50 && seen.truncated > 50 && seen.distractorsShown > 50,
        "exercised: " + seen.occluded + " occluded, " + seen.truncated + " truncated, "
            + seen.distractorsShown + " distractors of " + seen.instances + " instances");
  }

  @Test
  void photoFolderScenesEqualTheBruteForceReferenceWithModelDepthAndWithout() {
    Path bg = SceneFixtures.backgrounds(dir, false);
    Path fg = SceneFixtures.foregrounds(dir);
    FolderDatasetConfig c = FolderDatasetConfig.newBuilder().setName("photos").setBg(bg.toString())
        .setFg(fg.toString()).setSize(SceneFixtures.H + "x" + SceneFixtures.W).setPlacements(6)
        .setObjects("2:4").setDistractors("0:2").setMaxOcclusion(0.7).setMaxTruncation(0.3)
        .setPosition("ground").build();
    try (DepthRuntime rt = SceneFixtures.linearDepth(dir)) {
      Dataset layered = DatasetCatalog.folder(c.toBuilder().setName("layered")
          .setDepthModel("tiny").setDepthMode("layered").build(), (m, w) -> rt);
      Dataset plain = DatasetCatalog.folder(c, null);
      assertTrue(layered.assets().hasDepth());
      for (Dataset d : List.of(layered, plain)) {
        Seen seen = new Seen();
        for (long i = 0; i < d.size(); i++) {
          matchesTheReference(d, 3, i, true, seen);
        }
        assertTrue(seen.occluded > 10 && seen.truncated > 10 && seen.distractorsShown > 10,
            d.name() + ": " + seen.occluded + " occluded, " + seen.truncated + " truncated, "
                + seen.distractorsShown + " distractors");
      }
    }
  }

  @Test
  void theOcclusionAndTruncationCapsHoldOverTenThousandSamples() {
    SceneSpec caps = CROWDED.toBuilder().objects(3, 6).distractors(1, 4).maxOcclusion(0.25)
        .maxTruncation(0.15).build();
    Dataset d = new Dataset("caps", BuiltinWorld.create(64, 64, 10, 25),
        Spec.builder().size(64, 64).placements(20).scene(caps).build());
    int n = 64 * 64;
    byte[] mask = new byte[n];
    byte[] ids = new byte[n];
    long instances = 0;
    long occluded = 0;
    for (long i = 0; i < 10_000; i++) {
      long index = (i * 7919) % d.size();
      SampleInfo info = d.render(5, index, DepthEncoding.FLOAT16,
          new Compositor.Target(null, 0, mask, 0, null, 0).withInstances(ids, 0));
      Scene scene = d.scene(5, index);
      int[] visible = new int[info.instances().size() + 1];
      for (int p = 0; p < n; p++) {
        visible[ids[p]]++;
        assertEquals(ids[p] != 0, mask[p] != 0, "mask = union of instances");
      }
      for (int k = 0; k < info.instances().size(); k++) {
        SceneObject o = scene.objects().get(k);
        int total = 0;
        int inImage = 0;
        for (int fy = 0; fy < o.height(); fy++) {
          for (int fx = 0; fx < o.width(); fx++) {
            if (o.alpha(fx, fy) >= 128) {
              total++;
              int x = o.x() + fx;
              int y = o.y() + fy;
              inImage += x >= 0 && y >= 0 && x < 64 && y < 64 ? 1 : 0;
            }
          }
        }
        int hidden = inImage - visible[k + 1];
        assertTrue(hidden <= 0.25 * inImage, "sample " + index + " instance " + (k + 1) + ": "
            + hidden + " of " + inImage + " hidden");
        assertTrue(total - inImage <= 0.15 * total, "sample " + index + " truncated");
        assertEquals((double) visible[k + 1] / total, info.instances().get(k).visibleFraction(),
            1e-12, "visible fraction matches the mask");
        instances++;
        occluded += hidden > 0 ? 1 : 0;
      }
    }
    assertTrue(instances > 30_000 && occluded > 3_000, instances + " instances, " + occluded
        + " partly hidden");
  }

  @Test
  void aClassicSpecThroughTheScenePathGivesTheClassicBytesAndMeta() {
    Dataset d = TestDatasets.builtin();
    int n = 224 * 224;
    for (long i : new long[] {0, 7, 20103, 123457, 399999}) {
      byte[] img = new byte[n * 3];
      byte[] mask = new byte[n];
      byte[] depth = new byte[n * 2];
      byte[] ids = new byte[n];
      SampleInfo scene = d.render(42, i, DepthEncoding.FLOAT16,
          new Compositor.Target(img, 0, mask, 0, depth, 0).withInstances(ids, 0));
      MessageDigest sha = Sha256.newDigest();
      sha.update(img);
      sha.update(mask);
      sha.update(depth);
      assertEquals(TestDatasets.sampleSha(d, 42, i), HexFormat.of().formatHex(sha.digest()),
          "the golden bytes of " + i);
      assertEquals(d.place(42, i), scene, "the classic meta");
      assertTrue(scene.instances().isEmpty());
      assertNull(scene.blend());
      assertFalse(ProtoJson.line(SampleProtos.meta(scene)).contains("scene"),
          "the classic meta's JSON as it was");
      for (int p = 0; p < n; p++) {
        assertEquals(mask[p] != 0 ? 1 : 0, ids[p], "one instance: the mask");
      }
    }
  }

  @Test
  void everyBlendIsTheSameBytesOnOneThreadAndOnFour() throws Exception {
    SceneSpec mixed = CROWDED.toBuilder().blends(List.of(SceneSpec.Blend.HARD,
        SceneSpec.Blend.GAUSSIAN, SceneSpec.Blend.POISSON, SceneSpec.Blend.MOTION))
        .colourMatch(true).build();
    Dataset d = new Dataset("mixed", BuiltinWorld.create(48, 48, 4, 10),
        Spec.builder().size(48, 48).placements(2).scene(mixed).build());
    List<String> one = new ArrayList<>();
    for (long i = 0; i < d.size(); i++) {
      one.add(TestDatasets.sampleSha(d, 1, i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> four = new ArrayList<>();
      for (long i = d.size() - 1; i >= 0; i--) {
        long index = i;
        four.add(0, pool.submit(() -> TestDatasets.sampleSha(d, 1, index)));
      }
      for (int i = 0; i < one.size(); i++) {
        assertEquals(one.get(i), four.get(i).get(), "sample " + i);
      }
    } finally {
      pool.shutdownNow();
    }
    long modes = LongStream.range(0, d.size()).mapToObj(i -> d.place(1, i).blend()).distinct()
        .count();
    assertEquals(4, modes, "every mode drawn");
    Seen seen = new Seen();
    for (long i = 0; i < d.size(); i++) {
      matchesTheReference(d, 1, i, false, seen); // blending leaves the geometric outputs alone
    }
  }
}
