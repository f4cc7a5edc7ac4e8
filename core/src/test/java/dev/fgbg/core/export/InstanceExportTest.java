package dev.fgbg.core.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.common.SampleDigest;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.render.Renderer;
import dev.fgbg.core.spec.SceneSpec;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.Compositor;
import dev.fgbg.core.synth.DepthEncoding;
import dev.fgbg.v1.ExportManifest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Instance ids asked for by name: rendered ids are the core's (the scene path's), and every
 * export format carries them exactly, the manifest digest covering them after depth.
 */
class InstanceExportTest {
  private static final Dataset SCENE = new Dataset("scene", BuiltinWorld.create(32, 32, 3, 8),
      Spec.builder().size(32, 32).placements(2).scene(SceneSpec.builder().objects(2, 4)
          .distractors(0, 1).maxOcclusion(0.9).build()).build());
  private static final long SEED = 11;
  private static final int N = 48;
  @RegisterExtension
  static final WorkerPool POOL = new WorkerPool();

  @TempDir
  Path tmp;

  /** Sample {@code i}'s ids as the core renders them for one sample alone. */
  private static byte[] coreIds(Dataset d, long i) {
    byte[] ids = new byte[d.maskBytes()];
    d.render(SEED, i, DepthEncoding.FLOAT16,
        new Compositor.Target(null, 0, null, 0, null, 0).withInstances(ids, 0));
    return ids;
  }

  private static long[] range(int n) {
    long[] idx = new long[n];
    Arrays.setAll(idx, s -> s);
    return idx;
  }

  @Test
  void renderedIdsAreTheCoresAndOnlyWhenAskedFor() {
    RenderedBatch plain = Renderer.renderNow(SCENE, SEED, range(N), Outputs.all(SCENE),
        DepthEncoding.FLOAT16);
    assertEquals(null, plain.instances(), "not asked for: none");
    RenderedBatch r = Renderer.renderNow(SCENE, SEED, range(N),
        Outputs.all(SCENE).withInstances(), DepthEncoding.FLOAT16);
    int mb = SCENE.maskBytes();
    int several = 0;
    for (int s = 0; s < N; s++) {
      byte[] ids = Arrays.copyOfRange(r.instances(), s * mb, (s + 1) * mb);
      assertArrayEquals(coreIds(SCENE, s), ids, "sample " + s);
      // The other arrays are those of a request without ids.
      assertArrayEquals(Arrays.copyOfRange(plain.masks(), s * mb, (s + 1) * mb),
          Arrays.copyOfRange(r.masks(), s * mb, (s + 1) * mb));
      var instances = r.infos()[s].instances();
      several += instances.size() > 1 ? 1 : 0;
      for (int k = 0; k < instances.size(); k++) {
        int shown = 0;
        for (byte b : ids) {
          shown += b == k + 1 ? 1 : 0;
        }
        assertEquals(instances.get(k).visibleFraction() > 0, shown > 0,
            "instance " + (k + 1) + " of sample " + s + " shows as its meta says");
      }
    }
    assertArrayEquals(plain.images(), r.images());
    assertArrayEquals(plain.depth(), r.depth());
    assertTrue(several > N / 2, several + " samples of several objects");
  }

  @Test
  void aClassicDatasetsIdsAreItsMaskAsOneInstance() {
    Dataset d = TestDatasets.tiny();
    RenderedBatch r = Renderer.renderNow(d, SEED, range(40), Outputs.all(d).withInstances(),
        DepthEncoding.FLOAT16);
    RenderedBatch plain = Renderer.renderNow(d, SEED, range(40), Outputs.all(d),
        DepthEncoding.FLOAT16);
    assertArrayEquals(plain.images(), r.images(), "the classic bytes");
    assertArrayEquals(plain.masks(), r.masks());
    for (int p = 0; p < r.masks().length; p++) {
      assertEquals(r.masks()[p] != 0 ? 1 : 0, r.instances()[p]);
    }
    assertTrue(r.infos()[0].instances().isEmpty(), "the classic meta");
  }

  private ExportManifest export(ExportFormat f, String dest) {
    Exporter e = new Exporter(new ExportRoot(tmp.resolve("root")), POOL.get(), 4,
        Ticker.systemTicker());
    return e.run(new ExportJob(SCENE, SEED, 0, N, Outputs.all(SCENE).withInstances(), f, dest,
        false, 16, 95, false), p -> { }, () -> false);
  }

  private static String digest() {
    RenderedBatch r = Renderer.renderNow(SCENE, SEED, range(N),
        Outputs.all(SCENE).withInstances(), DepthEncoding.FLOAT16);
    SampleDigest d = new SampleDigest();
    int ib = SCENE.imageBytes();
    int mb = SCENE.maskBytes();
    int db = SCENE.depthBytes(DepthEncoding.FLOAT16);
    for (int s = 0; s < N; s++) {
      d.add(s, r.images(), s * ib, ib, r.masks(), s * mb, mb, r.depth(), s * db, db,
          r.instances(), s * mb, mb);
    }
    return d.hex();
  }

  private static byte[] grey(byte[] png) throws IOException {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
    byte[] out = new byte[img.getWidth() * img.getHeight()];
    img.getRaster().getDataElements(0, 0, img.getWidth(), img.getHeight(), out);
    return out;
  }

  @Test
  void npyCarriesInstancesNpyAndTheDigestCoversIt() throws Exception {
    ExportManifest m = export(ExportFormat.NPY, "n");
    assertTrue(m.getOutputsList().contains("instances"));
    assertEquals(digest(), m.getDigest());
    byte[] npy = Files.readAllBytes(tmp.resolve("root/n/instances.npy"));
    int header = npy.length - N * SCENE.maskBytes();
    assertTrue(new String(npy, 0, header, "ISO-8859-1").contains("'descr': '|u1'"));
    for (int s = 0; s < N; s++) {
      assertArrayEquals(coreIds(SCENE, s), Arrays.copyOfRange(npy, header + s
          * SCENE.maskBytes(), header + (s + 1) * SCENE.maskBytes()), "row " + s);
    }
  }

  @Test
  void webdatasetCarriesAnInstancesPngPerSample() throws Exception {
    ExportManifest m = export(ExportFormat.WEBDATASET, "w");
    assertEquals(digest(), m.getDigest());
    Map<String, byte[]> members = new HashMap<>();
    for (var shard : m.getShardsList()) {
      try (InputStream in = Files.newInputStream(tmp.resolve("root/w/" + shard.getName()
          + ".tar")); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
        for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
          members.put(e.getName(), tar.readAllBytes());
        }
      }
    }
    for (int s = 0; s < N; s++) {
      String key = SampleNames.name(SCENE.codec(), s);
      assertArrayEquals(coreIds(SCENE, s), grey(members.get(key + ".instances.png")), key);
    }
  }

  @Test
  void foldersAndCocoCarryInstanceMasks() throws Exception {
    for (ExportFormat f : new ExportFormat[] {ExportFormat.FOLDERS, ExportFormat.COCO}) {
      ExportManifest m = export(f, f.id());
      assertEquals(digest(), m.getDigest());
      for (int s = 0; s < N; s++) {
        Path png = tmp.resolve("root/" + f.id() + "/instance_masks/" + SampleNames.bgFolder(
            SCENE.codec().bg(s)) + "/" + SampleNames.name(SCENE.codec(), s) + ".png");
        assertArrayEquals(coreIds(SCENE, s), grey(Files.readAllBytes(png)), png.toString());
      }
    }
  }
}
