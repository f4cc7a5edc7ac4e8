package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Fixtures;
import dev.fgbg.core.LogLines;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.dataset.SampleProtos;
import dev.fgbg.core.spec.SceneSpec;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.v1.Blend;
import dev.fgbg.v1.DatasetInfo;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.InstanceMeta;
import dev.fgbg.v1.Output;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.SampleMeta;
import dev.fgbg.v1.SceneOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scene options from flags and config files to the datasets a real server serves. */
class SceneServingTest {
  @TempDir
  Path root;

  private List<Dataset> build(String... args) {
    return FlagDatasets.of(args);
  }

  @Test
  void sceneFlagsGoToTheFolderDatasetOrElseToTheBuiltinOne() {
    Fixtures.goodFolders(root);
    String[] scene = {"--objects", "1:3", "--distractors", "2", "--max-occlusion", "0.4",
        "--max-truncation", "0.1", "--blend", "gaussian:1.5,poisson,motion:5", "--colour-match"};
    List<Dataset> folder = build(concat(new String[] {"--builtin-size", "16", "--builtin-counts",
        "1:2", "--bg", root.resolve("bg").toString(), "--fg", root.resolve("fg").toString(),
        "--size", "32"}, scene));
    assertFalse(folder.get(0).spec().isScene(), "the built-in stays classic beside a folder");
    SceneSpec s = folder.get(1).spec().scene();
    assertEquals(SceneSpec.builder().objects(1, 3).distractors(2, 2).maxOcclusion(0.4)
        .maxTruncation(0.1).blends(List.of(SceneSpec.Blend.GAUSSIAN, SceneSpec.Blend.POISSON,
            SceneSpec.Blend.MOTION)).featherSigma(1.5).motionLength(5).colourMatch(true)
        .build(), s);
    List<Dataset> builtin = build(concat(new String[] {"--builtin-size", "16",
        "--builtin-counts", "2:2"}, scene));
    assertEquals(s, builtin.get(0).spec().scene(), "no folder: the built-in takes them");
  }

  @Test
  void placementAndMaskFlagsGoToTheBuiltinOneWithoutAFolderAndFolderOnlyOnesAreRefused() {
    String[] world = {"--builtin-size", "32", "--builtin-counts", "2:2"};
    Dataset classic = build(world).get(0);
    Dataset placed = build(concat(world, new String[] {"--position", "depth", "--fg-scale",
        "0.1:0.9", "--no-flip", "--mask-threshold", "10", "--soft-mask"})).get(0);
    Spec p = placed.spec();
    assertEquals(Spec.Position.DEPTH, p.position());
    assertEquals(0.1, p.fgScaleMin());
    assertEquals(0.9, p.fgScaleMax());
    assertFalse(p.flip());
    assertEquals(10, p.maskThreshold());
    assertTrue(p.softMask());
    assertNotEquals(classic.fingerprint(), placed.fingerprint());
    assertEquals(classic.spec(), build(world).get(0).spec(), "no flag, no change");
    assertFails("--size is a setting of the folder dataset of --bg and --fg, which were not "
        + "given; the built-in dataset takes --builtin-size", "--size", "32");
    assertFails("--name is a setting of the folder dataset", "--name", "mine");
  }

  @Test
  void configFileFieldsMakeScenes() throws Exception {
    Fixtures.goodFolders(root);
    Path cfg = root.resolve("datasets.json");
    Files.writeString(cfg, """
        {"datasets": [{"name": "a", "bg": "%s", "fg": "%s", "size": "32", "objects": "2:4",
          "distractors": "0:1", "max_occlusion": 0.3, "maxTruncation": 0.2, "blend": "poisson",
          "colour_match": true}]}""".formatted(root.resolve("bg"), root.resolve("fg")));
    Dataset a = build("--builtin-size", "16", "--builtin-counts", "1:1", "--config",
        cfg.toString()).get(1);
    assertEquals(SceneSpec.builder().objects(2, 4).distractors(0, 1).maxOcclusion(0.3)
        .maxTruncation(0.2).blend(SceneSpec.Blend.POISSON).colourMatch(true).build(),
        a.spec().scene());
  }

  @Test
  void badSceneSettingsFailNamingThem() {
    Fixtures.goodFolders(root);
    String bg = root.resolve("bg").toString();
    String fg = root.resolve("fg").toString();
    assertFails("dataset 'folder': --objects '3:1': objects_max = 1 must be in [objects_min, 32]",
        "--bg", bg, "--fg", fg, "--objects", "3:1");
    assertFails("dataset 'folder': --objects 'many' must be N or MIN:MAX", "--bg", bg, "--fg",
        fg, "--objects", "many");
    assertFails("dataset 'folder': --objects '99999999999999999999' is out of range: counts "
        + "must be in [1, 32]", "--bg", bg, "--fg", fg, "--objects", "99999999999999999999");
    assertFails("built-in dataset: --distractors '0:99999999999' is out of range: counts must "
        + "be in [0, 32]", "--distractors", "0:99999999999");
    assertFails("built-in dataset: --distractors '1:2:3' must be N or MIN:MAX",
        "--distractors", "1:2:3");
    assertFails("--blend 'hard,fancy' must be hard, gaussian[:SIGMA], poisson or "
        + "motion[:LENGTH], or several of them comma-separated", "--bg", bg, "--fg", fg,
        "--blend", "hard,fancy");
    assertFails("--blend 'poisson:3' must be", "--bg", bg, "--fg", fg, "--blend", "poisson:3");
    assertFails("--blend 'hard,hard': blend = [HARD, HARD] must not name a mode twice",
        "--blend", "hard,hard");
    assertFails("built-in dataset: --blend 'gaussian:0': feather_sigma = 0.0 must be in (0, 32]",
        "--blend", "gaussian:0");
    assertFails("--max-occlusion '2.0': max_occlusion = 2.0 must be in [0, 1]",
        "--bg", bg, "--fg", fg,
        "--max-occlusion", "2");
    assertFails("--camera-fov '5.0': camera_fov = 5.0 must be in [10, 170]", "--bg", bg, "--fg", fg,
        "--camera-fov", "5");
    assertFails("dataset 'folder': --max-occlusion would be ignored (only other objects hide a "
        + "labelled one: give --objects MIN:MAX with MAX above 1, or --distractors, or leave it "
        + "out)", "--bg", bg, "--fg", fg, "--max-occlusion", "0.5");
    assertFails("built-in dataset: --camera-fov would be ignored (only --position depth reads "
        + "it: give --position depth, or leave it out)", "--camera-fov", "70");
    assertFails("dataset 'folder': --object-height would be ignored (only --position depth "
        + "reads it", "--bg", bg, "--fg", fg, "--position", "ground", "--object-height", "2");
    assertFails("dataset 'folder': --position depth needs the backgrounds' depth: give a "
        + "--depth-model (teacher or layered mode)", "--bg", bg, "--fg", fg, "--position",
        "depth");
  }

  @Test
  void aRealServerDescribesTheSceneAndServesItsInstances() throws Exception {
    Fixtures.goodFolders(root);
    List<Dataset> ds = build("--builtin-size", "32", "--builtin-counts", "4:10",
        "--builtin-placements", "2", "--objects", "2:3", "--distractors", "1",
        "--blend", "hard,motion");
    try (TestServer s = TestServer.netty(new DatasetRegistry(ds), 2)) {
      FgbgGrpc.FgbgBlockingStub stub = FgbgGrpc.newBlockingStub(s.channel());
      DatasetInfo info = stub.describe(DescribeRequest.newBuilder().setDataset("builtin").build());
      SceneOptions scene = info.getSpec().getScene();
      assertEquals(2, scene.getObjectsMin());
      assertEquals(3, scene.getObjectsMax());
      assertEquals(1, scene.getDistractorsMax());
      assertEquals(List.of(Blend.BLEND_HARD, Blend.BLEND_MOTION), scene.getBlendList());
      assertEquals(4L * 10 * 2 * 2, info.getSize(), "the index space is the classic one");
      SampleBatch b = stub.getSamples(GetSamplesRequest.newBuilder().setDataset("builtin")
          .addAllIndices(List.of(0L, 5L, 77L, 159L)).addOutputs(Output.OUTPUT_META)
          .addOutputs(Output.OUTPUT_MASK).build());
      for (int k = 0; k < b.getMetaCount(); k++) {
        SampleMeta m = b.getMeta(k);
        assertEquals(SampleProtos.meta(ds.get(0).place(0, m.getIndex())), m);
        assertTrue(m.getScene().getInstancesCount() >= 1 && m.getScene().getInstancesCount() <= 3);
        assertEquals(1, m.getScene().getDistractors());
        InstanceMeta own = m.getScene().getInstances(0);
        assertEquals(m.getFg(), own.getFg());
        assertEquals(m.getBbox(), own.getBbox());
        assertTrue(own.getVisibleFraction() > 0 && own.getVisibleFraction() <= 1);
      }
    }
  }

  @Test
  void aMinimumTheCapsCutIsWarnedOfOnceAtStartUpAndTheSamplesStayAsTheyWere() throws Exception {
    String[] crowded = {"--port", "0", "--builtin-size", "32", "--objects", "10:32",
        "--max-occlusion", "0.2"};
    try (LogLines log = LogLines.capture("dev.fgbg");
        FgbgApplication app = FgbgApplication.create(Main.options(crowded)).start()) {
      List<String> said = log.containing("labelled objects, fewer than the 10 of objects 10:32");
      assertEquals(1, said.size(), log.lines().toString());
      Dataset d = app.datasets().get(0);
      int first = (int) LongStream.range(0, 8).filter(i -> d.place(0, i).instances().size() < 10)
          .findFirst().orElseThrow();
      assertEquals("WARNING dataset 'builtin': sample " + first + " (seed 0) has "
          + d.place(0, first).instances().size() + " labelled objects, fewer than the 10 of "
          + "objects 10:32: an object that would be hidden more than max_occlusion 0.2 or cut "
          + "more than max_truncation 0.0 is re-drawn a few times, then left out, so MIN is a "
          + "target the caps can cut; loosen them (--max-occlusion, --max-truncation), lower "
          + "MIN or use a larger --size for the full count", said.get(0));
    }
    try (LogLines log = LogLines.capture("dev.fgbg");
        FgbgApplication app = FgbgApplication.create(Main.options("--port", "0",
            "--builtin-size", "32", "--objects", "2:3")).start()) {
      assertEquals(List.of(), log.containing("labelled objects, fewer than"),
          "every probed sample has its minimum: no warning");
    }
  }

  private void assertFails(String fragment, String... args) {
    FgbgException e = assertThrows(FgbgException.class, () -> build(args));
    assertEquals(FgbgException.Reason.INVALID_CONFIG, e.reason());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
