package dev.fgbg.core.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.spec.SceneSpec;
import dev.fgbg.core.spec.Spec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden bytes and fingerprints of blended scenes of the built-in world. Poisson's changed on
 * purpose twice (the cut-out keeps its colour beyond an edge band; then that band no longer
 * floored at 3 px, which took small objects over), and so did the fingerprint of a dataset that
 * draws it, so that no cache or export serves the old bytes; a dataset without Poisson kept its
 * fingerprint.
 */
class BlendGoldenTest {
  private static Dataset scene(String name, SceneSpec.Blend... blends) {
    SceneSpec s = SceneSpec.builder().objects(1, 3).blends(List.of(blends)).build();
    return new Dataset(name, BuiltinWorld.create(64, 64, 4, 10),
        Spec.builder().size(64, 64).placements(2).scene(s).build());
  }

  private static final Dataset POISSON = scene("poisson", SceneSpec.Blend.POISSON);

  /**
   * SHA-256 of image ‖ mask ‖ float16 depth. In comments, Poisson's before the edge band, then
   * with the band's 3 px floor (edge-band/1): these objects are small, and the floor bound.
   */
  @ParameterizedTest
  @CsvSource({
      // was 01f5b59d9b17c0daab8c994e1d7f99bdc77392334a16a0b72d2eeeb904d1a080
      // then e6fd96683cf57087a18d7d2394326af5a52c5ead72c491def0068a647469e7d5
      "0, 0, 94bdf61d9462807107b1c25ff5780e364b0838fabeeffa8778bc6017865ed396",
      // was 833c206b8dce8ddc9b0b5d2913936501508be16eb7bdeda404bc168e1352f8db
      // then 5b9fc6562c347cc0d991d39157fa066893d78f63cf71e7ad5f5bcc9dbf3cdfcb
      "3, 17, 7d0d3129a00f3c4148ad42b868b30588b322a844105e2ef026a38b2f18b7e007",
      // was 5002343f17e1c639c1d25ecb7a61c5418c1c366c133d4cdccb453d87f84e3c6e
      // then 388a46daac9cb3fa720607491d3cc7fc85a6fae306a75baa5aa7aeeef32f8758
      "9, 55, 163e8eda99244eb7fbf3d21d06da94fe8aef66746140dbb61e3401a374387214"})
  void poissonSamples(long seed, long index, String sha) {
    assertEquals(sha, TestDatasets.sampleSha(POISSON, seed, index));
  }

  @Test
  void onlyADatasetThatDrawsPoissonHasANewFingerprint() {
    // was f906c11c5bc35f1ab62650a98c7e1d3476a18b7a153af7464b9744aa4f074917,
    // then 84ca20429e26e3a3ed1e73d87faf47e634deacec12749bc535748c6bcb819ce4 (edge-band/1)
    assertEquals("a6d32d44e5922444569076a8ebd695466f05460e2693d3cef02f5fab0d293be1",
        POISSON.fingerprint());
    assertEquals("7fa6f07c26daaf7e0e84e5f12e09cc707a48057a180b6b8f4a069ff5b430d3ac",
        scene("other", SceneSpec.Blend.GAUSSIAN, SceneSpec.Blend.MOTION, SceneSpec.Blend.HARD)
            .fingerprint(), "as before");
  }
}
