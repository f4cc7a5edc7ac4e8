package dev.fgbg.core.dataset;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import dev.fgbg.core.assets.AssetSet;
import dev.fgbg.core.assets.Background;
import dev.fgbg.core.spec.SceneSpec;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.Compositor;
import dev.fgbg.core.synth.DepthEncoding;
import dev.fgbg.core.synth.IndexCodec;
import dev.fgbg.core.synth.PlacementRng;
import dev.fgbg.core.synth.Resampler;
import dev.fgbg.core.synth.ScaledForeground;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A named, immutable dataset: sample {@code i} under {@code seed} is a pure function of the
 * assets, the spec, the seed and i. Thread-safe; rendering writes only into the caller's arrays.
 *
 * <p>Placement draws are keyed by (seed, index) ({@link Draws}). A classic spec (one cut-out,
 * hard alpha, inside the image) takes a one-object fast path; a scene is planned by
 * {@link ScenePlanner} and painted by {@link SceneRenderer}. Foregrounds resampled to a height
 * are kept in a byte-bounded cache because a handful of heights serve every sample.
 */
public final class Dataset {
  /** Bump when synthesis changes the bytes it produces; it is part of every fingerprint. */
  public static final String GENERATOR_VERSION = "fgbg-synth/1";
  public static final long DEFAULT_SCALED_CACHE_BYTES = 512L << 20;

  private final String name;
  private final AssetSet assets;
  private final Spec spec;
  private final IndexCodec codec;
  private final String fingerprint;
  private final byte[][] depth16;
  private final byte[][] depth32;
  private final Cache<Long, ScaledForeground> scaled;
  private final TeacherDepth teacher;
  private final ScaleFit fit;
  private final ObjectPlacer placer;
  private final ScenePlanner planner;
  private final boolean scenePath;

  public Dataset(String name, AssetSet assets, Spec spec) {
    this(name, assets, spec, DEFAULT_SCALED_CACHE_BYTES, null, null);
  }

  public Dataset(String name, AssetSet assets, Spec spec, long scaledCacheBytes) {
    this(name, assets, spec, scaledCacheBytes, null, null);
  }

  /** A dataset whose depth comes from {@code teacher} run on each composite. */
  public Dataset(String name, AssetSet assets, Spec spec, TeacherDepth teacher) {
    this(name, assets, spec, DEFAULT_SCALED_CACHE_BYTES, teacher, null);
  }

  /**
   * A teacher dataset that places objects by depth: {@code placementDepth} is each background's
   * depth (the teacher's model run on the backgrounds), read by placement only.
   */
  public Dataset(String name, AssetSet assets, Spec spec, TeacherDepth teacher,
      List<float[]> placementDepth) {
    this(name, assets, spec, DEFAULT_SCALED_CACHE_BYTES, teacher, placementDepth);
  }

  public Dataset(String name, AssetSet assets, Spec spec, long scaledCacheBytes,
      TeacherDepth teacher) {
    this(name, assets, spec, scaledCacheBytes, teacher, null);
  }

  private Dataset(String name, AssetSet assets, Spec spec, long scaledCacheBytes,
      TeacherDepth teacher, List<float[]> placementDepth) {
    if (assets.width() != spec.width() || assets.height() != spec.height()) {
      throw new IllegalArgumentException("assets are " + assets.height() + "x" + assets.width()
          + " but the spec asks for " + spec.height() + "x" + spec.width());
    }
    this.name = name;
    this.assets = assets;
    this.spec = spec;
    this.scenePath = spec.isScene();
    this.teacher = teacher;
    this.codec = new IndexCodec(assets.backgrounds().size(), assets.foregrounds().size(),
        spec.flips(), spec.placements());
    this.fit = new ScaleFit(spec, assets.foregrounds());
    fit.log(name);
    List<Background> bgs = assets.backgrounds();
    this.depth16 = new byte[bgs.size()][];
    this.depth32 = new byte[bgs.size()][];
    if (assets.hasDepth()) {
      for (int b = 0; b < bgs.size(); b++) {
        depth16[b] = DepthEncoding.FLOAT16.encode(bgs.get(b).depth());
        depth32[b] = DepthEncoding.FLOAT32.encode(bgs.get(b).depth());
      }
    }
    List<float[]> maps = assets.hasDepth() ? bgs.stream().map(Background::depth).toList()
        : placementDepth;
    this.placer = ObjectPlacer.of(name, spec, assets, fit, maps);
    SmallestSize.warn(name, spec, assets.foregrounds(), fit, placer);
    this.fingerprint = Fingerprint.of(GENERATOR_VERSION, spec, depthSource(), assets);
    this.scaled = Caffeine.newBuilder()
        .maximumWeight(scaledCacheBytes)
        .weigher((Long k, ScaledForeground v) -> (int) Math.min(Integer.MAX_VALUE, v.bytes()))
        .build();
    this.planner = new ScenePlanner(spec, assets, codec, placer, this::scaled);
  }

  /** The scale range foreground {@code fg} is drawn in: the spec's, shrunk when it must be. */
  public double[] scaleRange(int fg) {
    return fit.range(fg);
  }

  public String name() {
    return name;
  }

  public Spec spec() {
    return spec;
  }

  public AssetSet assets() {
    return assets;
  }

  public IndexCodec codec() {
    return codec;
  }

  public long size() {
    return codec.size();
  }

  public String fingerprint() {
    return fingerprint;
  }

  public boolean hasDepth() {
    return assets.hasDepth() || teacher != null;
  }

  public String depthSource() {
    return teacher != null ? teacher.id() + ":teacher" : assets.depthSource();
  }

  /** What depth values mean ("metres", or a model's relative units); "" without depth. */
  public String depthUnits() {
    return teacher != null ? teacher.units() : assets.depthUnits();
  }

  /** The per-composite depth model, or null (exact or layered depth lives in the assets). */
  public TeacherDepth teacher() {
    return teacher;
  }

  public int imageBytes() {
    return spec.height() * spec.width() * 3;
  }

  public int maskBytes() {
    return spec.height() * spec.width();
  }

  public int depthBytes(DepthEncoding enc) {
    return hasDepth() ? spec.height() * spec.width() * enc.bytesPerValue() : 0;
  }

  /** Background {@code bg}'s pixels at the output size, H×W×3 (not to be modified). */
  public byte[] backgroundRgb(int bg) {
    return assets.backgrounds().get(bg).rgb();
  }

  /**
   * The depth of background {@code bg} alone in {@code enc}: the assets' (exact, or layered
   * mode's model depth), or the teacher's run on the background's pixels.
   */
  public CompletableFuture<byte[]> backgroundDepth(int bg, DepthEncoding enc) {
    return teacher != null ? teacher.backgroundDepth(this, bg).thenApply(m -> m.encoded(enc))
        : CompletableFuture.completedFuture(encodedDepth(bg, enc));
  }

  /** Rejects an index outside [0, N) with a message naming it. */
  public void checkIndex(long index) {
    if (!codec.contains(index)) {
      throw FgbgException.invalidArgument("index " + index + " is out of range for dataset "
          + Quoted.of(name) + " of " + size() + " samples (valid: 0.." + (size() - 1) + ")");
    }
  }

  /** Where sample {@code index} puts its objects (no pixels touched). */
  public SampleInfo place(long seed, long index) {
    checkIndex(index);
    if (scenePath) {
      return planner.plan(seed, index).info();
    }
    int bgId = codec.bg(index);
    int fgId = codec.fg(index);
    boolean flip = codec.flip(index) == 1;
    ObjectPlacer.Spot p = placer.place(bgId, fgId, new PlacementRng(seed, index), 0, 0);
    ScaledForeground sf = scaled(fgId, p.height());
    int bx0 = 0;
    int by0 = 0;
    int bx1 = 0;
    int by1 = 0;
    if (sf.x1() > sf.x0()) {
      bx0 = p.x() + (flip ? p.width() - sf.x1() : sf.x0());
      bx1 = p.x() + (flip ? p.width() - sf.x0() : sf.x1());
      by0 = p.y() + sf.y0();
      by1 = p.y() + sf.y1();
    }
    return new SampleInfo(index, bgId, fgId, flip, codec.k(index), p.x(), p.y(), p.width(),
        p.height(), (double) p.height() / spec.height(), bx0, by0, bx1, by1,
        assets.backgrounds().get(bgId).label(), assets.foregrounds().get(fgId).label(),
        p.depth());
  }

  /**
   * Renders sample {@code index} into the target arrays (null arrays are skipped) and returns its
   * meta. Teacher depth is not synthesis: the renderer adds it. A classic spec takes the one-
   * object fast path unless the target asks for instance ids; both give the same bytes.
   */
  public SampleInfo render(long seed, long index, DepthEncoding enc, Compositor.Target target) {
    if (scenePath || target.instances() != null) {
      checkIndex(index);
      Scene scene = planner.plan(seed, index);
      SceneRenderer.render(scene, spec, assets.backgrounds().get(scene.bg()).rgb(),
          encodedDepth(scene.bg(), enc), enc, target);
      return scene.info();
    }
    SampleInfo info = place(seed, index);
    Compositor.compose(assets.backgrounds().get(info.bg()).rgb(), encodedDepth(info.bg(), enc),
        spec.width(), spec.height(), scaled(info.fg(), info.fgHeight()), info.flip(), info.x(),
        info.y(), spec.maskThreshold(), spec.softMask(), enc, info.fgDepth(), target);
    return info;
  }

  /** Sample {@code index} planned as a scene (what {@link #render} paints), for tests. */
  Scene scene(long seed, long index) {
    checkIndex(index);
    return planner.plan(seed, index);
  }

  /** Background {@code bg}'s served depth in {@code enc}, or null without it. */
  private byte[] encodedDepth(int bg, DepthEncoding enc) {
    return assets.hasDepth() ? (enc == DepthEncoding.FLOAT16 ? depth16 : depth32)[bg] : null;
  }

  private ScaledForeground scaled(int fgId, int height) {
    long key = ((long) fgId << 20) | height;
    return scaled.get(key, k -> {
      var f = assets.foregrounds().get(fgId);
      int w = placer.width(fgId, height);
      byte[] rgba = (w == f.width() && height == f.height()) ? f.rgba()
          : Resampler.resizeRgba(f.rgba(), f.width(), f.height(), w, height);
      ScaledForeground sf = ScaledForeground.of(rgba, w, height, spec.maskThreshold());
      // Feathering depends on the cut-out alone: made once per height, not per sample.
      return spec.isScene() && spec.scene().blends().contains(SceneSpec.Blend.GAUSSIAN)
          ? sf.feather(spec.scene().featherSigma()) : sf;
    });
  }
}
