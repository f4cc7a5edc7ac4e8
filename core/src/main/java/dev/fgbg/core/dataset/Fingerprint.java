package dev.fgbg.core.dataset;

import dev.fgbg.common.Sha256;
import dev.fgbg.core.assets.AssetSet;
import dev.fgbg.core.assets.Background;
import dev.fgbg.core.assets.Foreground;
import dev.fgbg.core.spec.SceneSpec;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.PoissonBlend;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * SHA-256 over the generator version, the spec, the depth source and every preprocessed asset
 * byte. Any change to any of them gives a new fingerprint, so no cache can serve stale data.
 * The names of bad files a forgiving load skipped are not in it: they change nothing served, so
 * removing one (as its warning asks) keeps the dataset's caches and exports. The asset bytes are
 * the loader's output (cut-outs trimmed to their visible pixels, images turned upright), not the
 * files': a loader change that alters what a dataset renders from the same files alters its
 * fingerprint too.
 */
final class Fingerprint {
  private Fingerprint() {}

  static String of(String generatorVersion, Spec spec, String depthSource, AssetSet assets) {
    MessageDigest sha = Sha256.newDigest();
    text(sha, generatorVersion);
    text(sha, spec.canonical());
    if (spec.scene().blends().contains(SceneSpec.Blend.POISSON)) {
      // Poisson's bytes changed (PoissonBlend.VERSION): no cache or export may serve the old ones.
      // Every other dataset keeps its fingerprint.
      text(sha, "poisson=" + PoissonBlend.VERSION);
    }
    text(sha, "depth=" + depthSource);
    text(sha, "bg_labels=" + assets.backgroundLabels());
    text(sha, "fg_labels=" + assets.foregroundLabels());
    for (Background b : assets.backgrounds()) {
      text(sha, "bg " + b.name() + " label=" + b.label() + " " + b.width() + "x" + b.height()
          + " foot=" + b.footRowMin());
      sha.update(b.rgb());
      floats(sha, b.depth());
      floats(sha, b.floorDepth());
    }
    // Real heights only matter to depth placement; other fingerprints stay as they were.
    boolean heights = spec.position() == Spec.Position.DEPTH;
    for (Foreground f : assets.foregrounds()) {
      text(sha, "fg " + f.name() + " label=" + f.label() + " " + f.width() + "x" + f.height()
          + (heights ? " real_height=" + f.realHeight() : ""));
      sha.update(f.rgba());
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static void text(MessageDigest sha, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    sha.update(ByteBuffer.allocate(4).putInt(b.length).array());
    sha.update(b);
  }

  private static void floats(MessageDigest sha, float[] values) {
    if (values == null) {
      text(sha, "none");
      return;
    }
    ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    sha.update(buf.array());
  }
}
