package dev.fgbg.core.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.assets.Background;
import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.Compositor;
import dev.fgbg.core.synth.DepthEncoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatasetTest {
  /**
   * Golden SHA-256 of image ‖ mask ‖ float16 depth for built-in samples. If one of these
   * changes, synthesis changed: bump {@link Dataset#GENERATOR_VERSION} and update them.
   */
  @ParameterizedTest
  @CsvSource({
      "0, 0, ac04e4401e43fee813b6b731de99806edb1b4b6c6e1b78b30f3a7912a1800cbc",
      "0, 7, ff077e829a9100751ccbc2ca9deff84ef9b93e227b29924e6e4875ff56ebabfd",
      "0, 20103, 5a090ebb27e062072e5cfab5e1210c021735210ae37be03760c7d15766473da5",
      "0, 123457, 58c299e9e943e89c6c28510f3db0c9eff5f583ae97fe7895b7ca7d44d877b3d9",
      "0, 399999, dd3f133716b2ca5d52ddd2570115231462d9241c3995d20aebded9a76798649a",
      "42, 0, ac7f589f5ef27bd168a9f9fde2fbba91b9ad3033500cb28bf63a996d84d5dd0d",
      "42, 7, 5d9c83cf688426c81bc42001cbd7a1741a98aacdd4d8b2f113c69149ee937d7c",
      "42, 20103, ce64281edb06d90af3950205ed65e05ccfb8f0cba30affd4e2e3b8e158a64333",
      "42, 123457, 47d9901f105bc6edbbe98d5835c602a849baac1c994d625c1a19155421415f39",
      "42, 399999, e9e3207e4c9a651ec90dff5355095bcec258ff15fdd406f0b621afca69553088"})
  void goldenDigests(long seed, long index, String sha) {
    assertEquals(sha, TestDatasets.sampleSha(TestDatasets.builtin(), seed, index));
  }

  @Test
  void goldenFingerprint() {
    assertEquals("bcf01c23fbff332e4c701776aba2db4779ddb782fae00570884cba4d5e86dac0",
        TestDatasets.builtin().fingerprint());
  }

  @Test
  void pureAcrossInstancesAndCacheStates() {
    Dataset warm = TestDatasets.tiny();
    for (long i = 0; i < warm.size(); i++) {
      TestDatasets.sampleSha(warm, 5, i);
    }
    // A fresh instance with a scaled-foreground cache too small to hold anything.
    Dataset cold = new Dataset("tiny", BuiltinWorld.create(32, 32, 4, 5),
        Spec.builder().size(32, 32).placements(3).build(), 1);
    assertEquals(warm.fingerprint(), cold.fingerprint());
    for (long i = warm.size() - 1; i >= 0; i--) {
      assertEquals(TestDatasets.sampleSha(warm, 5, i), TestDatasets.sampleSha(cold, 5, i));
    }
  }

  @Test
  void seedChangesPlacementButNotFactors() {
    Dataset d = TestDatasets.builtin();
    SampleInfo a = d.place(1, 1234);
    SampleInfo b = d.place(2, 1234);
    assertEquals(a.bg(), b.bg());
    assertEquals(a.fg(), b.fg());
    assertEquals(a.k(), b.k());
    assertTrue(a.x() != b.x() || a.y() != b.y() || a.fgHeight() != b.fgHeight());
  }

  @Test
  void placementsStayInsideStandOnTheFloorAndRespectTheScale() {
    Dataset d = TestDatasets.builtin();
    Spec s = d.spec();
    for (long i = 0; i < d.size(); i += 97) {
      SampleInfo p = d.place(0, i);
      assertTrue(p.x() >= 0 && p.x() + p.fgWidth() <= s.width(), "x of " + i);
      assertTrue(p.y() >= 0 && p.y() + p.fgHeight() <= s.height(), "y of " + i);
      assertTrue(p.fgHeight() >= Math.round(s.height() * s.fgScaleMin())
          && p.fgHeight() <= Math.round(s.height() * s.fgScaleMax()), "height of " + i);
      Background bg = d.assets().backgrounds().get(p.bg());
      int foot = p.y() + p.fgHeight() - 1;
      assertTrue(foot >= bg.footRowMin(), "foot on the floor for " + i);
      assertEquals(bg.floorDepth()[foot], p.fgDepth(), "depth at the foot row for " + i);
      assertTrue(p.bboxX0() >= p.x() && p.bboxX1() <= p.x() + p.fgWidth());
      assertTrue(p.bboxX1() > p.bboxX0() && p.bboxY1() > p.bboxY0());
    }
  }

  @Test
  void compositeDepthIsForegroundWhereMaskedAndBackgroundElsewhere() {
    Dataset d = TestDatasets.builtin();
    int n = d.spec().width() * d.spec().height();
    for (long i : new long[] {0, 4321, 277_777}) {
      byte[] mask = new byte[n];
      byte[] depth = new byte[n * 4];
      SampleInfo p = d.render(3, i, DepthEncoding.FLOAT32,
          new Compositor.Target(null, 0, mask, 0, depth, 0));
      float[] bgDepth = d.assets().backgrounds().get(p.bg()).depth();
      int masked = 0;
      int minX = Integer.MAX_VALUE;
      int maxX = -1;
      for (int px = 0; px < n; px++) {
        float v = DepthEncoding.FLOAT32.get(depth, px * 4);
        if (mask[px] != 0) {
          assertEquals(p.fgDepth(), v);
          masked++;
          minX = Math.min(minX, px % d.spec().width());
          maxX = Math.max(maxX, px % d.spec().width());
        } else {
          assertEquals(bgDepth[px], v);
        }
      }
      assertTrue(masked > 100);
      assertEquals(p.bboxX0(), minX, "bbox is the mask's box");
      assertEquals(p.bboxX1(), maxX + 1);
    }
  }

  @Test
  void flipMirrorsTheForeground() {
    Dataset d = TestDatasets.builtin();
    Spec fixed = d.spec().toBuilder().position(Spec.Position.FIXED).fgScale(0.5, 0.5).build();
    Dataset f = new Dataset("fixed", d.assets(), fixed);
    long plain = f.codec().encode(3, 0, 0, 0);
    long flipped = f.codec().encode(3, 0, 1, 0);
    int w = fixed.width();
    byte[] a = new byte[w * fixed.height()];
    byte[] b = new byte[w * fixed.height()];
    SampleInfo pa = f.render(0, plain, DepthEncoding.FLOAT16, new Compositor.Target(null, 0, a, 0, null, 0));
    SampleInfo pb = f.render(0, flipped, DepthEncoding.FLOAT16, new Compositor.Target(null, 0, b, 0, null, 0));
    assertEquals(pa.x(), pb.x());
    assertEquals(w - pa.fgWidth(), pa.x(), "fixed = bottom-right");
    for (int y = 0; y < fixed.height(); y++) {
      for (int x = 0; x < pa.fgWidth(); x++) {
        assertEquals(a[y * w + pa.x() + x], b[y * w + pa.x() + pa.fgWidth() - 1 - x]);
      }
    }
  }

  @Test
  void fingerprintChangesWithSpecAndAssets() {
    Dataset d = TestDatasets.tiny();
    Dataset otherSpec = new Dataset("tiny", d.assets(), d.spec().toBuilder().placements(4).build());
    Dataset otherAssets = new Dataset("tiny", BuiltinWorld.create(32, 32, 4, 6),
        d.spec());
    assertNotEquals(d.fingerprint(), otherSpec.fingerprint());
    assertNotEquals(d.fingerprint(), otherAssets.fingerprint());
  }

  @Test
  void outOfRangeIndexIsNamed() {
    Dataset d = TestDatasets.tiny();
    FgbgException e = assertThrows(FgbgException.class, () -> d.place(0, 120));
    assertTrue(e.getMessage().contains("index 120 is out of range"), e.getMessage());
    assertThrows(FgbgException.class, () -> d.place(0, -1));
  }
}
