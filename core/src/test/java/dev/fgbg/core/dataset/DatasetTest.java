package dev.fgbg.core.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.assets.AssetSet;
import dev.fgbg.core.assets.Background;
import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.assets.Foreground;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.Compositor;
import dev.fgbg.core.synth.DepthEncoding;
import dev.fgbg.core.synth.Resampler;
import java.util.Arrays;
import java.util.List;
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

  /** Two foregrounds: a small disc that fits at every scale and a chair-like 150x67 strip. */
  private static AssetSet wideAndNarrow(int size) {
    Background bg = TestDatasets.tiny().assets().backgrounds().get(0);
    byte[] rgb = Resampler.cropResizeRgb(bg.rgb(), bg.width(), bg.height(), size, size);
    List<Background> bgs = List.of(new Background("bg", 0, size, size, rgb, null, null, 0));
    Foreground narrow = TestDatasets.tiny().assets().foregrounds().get(0);
    byte[] wide = new byte[150 * 67 * 4];
    Arrays.fill(wide, (byte) 200);
    return new AssetSet(size, size, bgs, List.of(narrow, new Foreground("chair.png", 0, 150, 67,
        wide)), List.of("none"), List.of("none"), "none");
  }

  @Test
  void aWideForegroundIsDrawnSmallerWithTheSameSpreadNeverRefused() {
    Spec spec = Spec.builder().size(160, 160).placements(50).build();
    Dataset d = new Dataset("office", wideAndNarrow(160), spec);
    assertArrayEquals(new double[] {0.3, 0.6}, d.scaleRange(0), "a fitting one keeps the range");
    double[] r = d.scaleRange(1);
    assertTrue(r[1] < 0.6 && r[1] * 160 <= 160.0 * 67 / 150 + 0.5, Arrays.toString(r));
    assertEquals(0.5, r[0] / r[1], 1e-12, "the same spread of sizes");
    int lo = Integer.MAX_VALUE;
    int hi = 0;
    for (long seed = 0; seed < 3; seed++) {
      for (long i = 0; i < d.size(); i++) {
        SampleInfo p = d.place(seed, i);
        assertTrue(p.x() >= 0 && p.x() + p.fgWidth() <= 160, "inside, x of " + i);
        assertTrue(p.y() >= 0 && p.y() + p.fgHeight() <= 160, "inside, y of " + i);
        if (p.fg() == 1) {
          lo = Math.min(lo, p.fgHeight());
          hi = Math.max(hi, p.fgHeight());
          assertEquals(Math.round(p.fgHeight() * 150.0 / 67), p.fgWidth(), "aspect kept");
        }
      }
    }
    assertEquals(Math.round(160 * r[1]), hi, 1, "the tallest draws reach the shrunk maximum");
    assertTrue(lo <= Math.round(160 * r[0]) + 2, "the smallest reach the shrunk minimum: " + lo);
  }

  @Test
  void aForegroundThatFitsKeepsItsBytesBesideOneThatDoesNot() {
    Spec spec = Spec.builder().size(160, 160).placements(4).build();
    AssetSet both = wideAndNarrow(160);
    Dataset alone = new Dataset("a", new AssetSet(160, 160, both.backgrounds(),
        both.foregrounds().subList(0, 1), List.of("none"), List.of("none"), "none"), spec);
    Dataset beside = new Dataset("b", both, spec);
    // With one background, the indices of foreground 0 do not depend on how many there are.
    for (long i = 0; i < alone.size(); i++) {
      assertEquals(TestDatasets.sampleSha(alone, 9, i), TestDatasets.sampleSha(beside, 9, i));
    }
  }

  @Test
  void groundPutsEveryFootInTheBandAndRandomIsUnchanged() {
    Dataset d = TestDatasets.noDepth();
    Spec ground = d.spec().toBuilder().position(Spec.Position.GROUND).ground(0.75, 0.9).build();
    Dataset g = new Dataset("g", d.assets(), ground);
    assertNotEquals(d.fingerprint(), g.fingerprint());
    assertNotEquals(g.fingerprint(), new Dataset("g2", d.assets(),
        ground.toBuilder().ground(0.7, 0.9).build()).fingerprint(), "the band is fingerprinted");
    int top = (int) Math.round(0.75 * 31);
    int bottom = (int) Math.round(0.9 * 31);
    boolean sawTop = false;
    boolean sawBottom = false;
    for (long i = 0; i < g.size(); i++) {
      SampleInfo p = g.place(4, i);
      int foot = p.y() + p.fgHeight() - 1;
      assertTrue(foot >= Math.min(top, 31) && foot <= Math.max(bottom, p.fgHeight() - 1),
          "foot row " + foot + " of " + i);
      assertTrue(p.y() >= 0, "top inside for " + i);
      sawTop |= foot == Math.max(top, p.fgHeight() - 1);
      sawBottom |= foot == bottom;
      assertEquals(d.place(4, i).fgHeight(), p.fgHeight(), "sizes and x are the random ones");
      assertEquals(d.place(4, i).x(), p.x());
    }
    assertTrue(sawTop && sawBottom, "the band is used from top to bottom");
  }
}
