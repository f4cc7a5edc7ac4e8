package dev.fgbg.core;

import dev.fgbg.common.Sha256;
import dev.fgbg.core.assets.AssetSet;
import dev.fgbg.core.assets.Background;
import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.Compositor;
import dev.fgbg.core.synth.DepthEncoding;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/** Datasets shared by tests: the full built-in world (made once) and a tiny one for epochs. */
public final class TestDatasets {
  private static Dataset builtin;
  private static Dataset tiny;
  private static Dataset noDepth;

  private TestDatasets() {}

  /** The real 400,000-sample built-in dataset. */
  public static synchronized Dataset builtin() {
    if (builtin == null) {
      builtin = new Dataset("builtin", BuiltinWorld.create(224, 224), Spec.builder().build());
    }
    return builtin;
  }

  /** 4 bg × 5 fg × 2 flips × 3 placements = 120 samples of 32×32, with exact depth. */
  public static synchronized Dataset tiny() {
    if (tiny == null) {
      AssetSet a = BuiltinWorld.create(32, 32, 4, 5);
      tiny = new Dataset("tiny", a, Spec.builder().size(32, 32).placements(3).build());
    }
    return tiny;
  }

  /** The tiny dataset's images without depth, as a folder dataset without a model would be. */
  public static synchronized Dataset noDepth() {
    if (noDepth != null) {
      return noDepth;
    }
    AssetSet a = tiny().assets();
    List<Background> bgs = a.backgrounds().stream().map(b -> new Background(b.name(), b.label(),
        b.width(), b.height(), b.rgb(), null, null, 0)).toList();
    noDepth = new Dataset("nodepth", new AssetSet(a.width(), a.height(), bgs, a.foregrounds(),
        a.backgroundLabels(), a.foregroundLabels(), "none"), tiny().spec());
    return noDepth;
  }

  public static DatasetRegistry registry() {
    return new DatasetRegistry(List.of(builtin(), tiny(), noDepth()));
  }

  /** SHA-256 hex of image ‖ mask ‖ float16 depth of one sample, rendered directly. */
  public static String sampleSha(Dataset d, long seed, long index) {
    byte[] img = new byte[d.imageBytes()];
    byte[] mask = new byte[d.maskBytes()];
    byte[] depth = new byte[d.depthBytes(DepthEncoding.FLOAT16)];
    d.render(seed, index, DepthEncoding.FLOAT16, new Compositor.Target(img, 0, mask, 0,
        d.hasDepth() ? depth : null, 0));
    MessageDigest sha = Sha256.newDigest();
    sha.update(img);
    sha.update(mask);
    sha.update(depth);
    return HexFormat.of().formatHex(sha.digest());
  }
}
