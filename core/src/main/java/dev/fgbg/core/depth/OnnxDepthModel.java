package dev.fgbg.core.depth;

import dev.fgbg.core.InWords;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.fgbg.common.Sha256;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.concurrent.NamedThreads;
import dev.fgbg.core.synth.Resampler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * A depth model run by ONNX Runtime. Inputs go through one direct, native-order float buffer
 * (no per-pixel objects); the session is tuned for throughput: all graph optimisations, intra-op
 * threads = cores, sequential execution, memory patterns on. With {@code cuda} the CUDA
 * execution provider is required; with {@code auto} it is tried and a failure falls back to CPU
 * with one log line.
 */
public final class OnnxDepthModel implements DepthModel {
  private static final Logger LOG = Logger.getLogger(OnnxDepthModel.class.getName());
  private static final long LOAD_STACK_BYTES = 64L << 20;

  /** Where inference runs. */
  public enum Device { AUTO, CPU, CUDA }

  private final ModelConfig config;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final String inputName;
  private final String outputName;
  private final String id;
  private final String device;
  private final int inH;
  private final int inW;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OnnxDepthModel(ModelConfig config, OrtEnvironment env, OrtSession session,
      String inputName, String outputName, String id, String device) {
    this.config = config;
    this.env = env;
    this.session = session;
    this.inputName = inputName;
    this.outputName = outputName;
    this.id = id;
    this.device = device;
    this.inH = config.proto().getInputHeight();
    this.inW = config.proto().getInputWidth();
  }

  /**
   * Loads and checks the model; every problem names the file and how to fix it. On a large
   * stack: loading ONNX Runtime's native library overflowed a 1 MB thread stack (SIGSEGV).
   */
  public static OnnxDepthModel load(ModelConfig config, Device device, int threads) {
    return NamedThreads.onLargeStack("fgbg-onnx-load", LOAD_STACK_BYTES,
        () -> loadHere(config, device, threads));
  }

  private static OnnxDepthModel loadHere(ModelConfig config, Device device, int threads) {
    var w = config.weights();
    String how = " (see " + config.folder().resolve("README.md") + " for how to get model.onnx,"
        + " or give --depth-weights PATH)";
    if (!Files.isRegularFile(w)) {
      throw FgbgException.invalidConfig("depth model weights " + w + " not found" + how);
    }
    String sha = sha256(w);
    if (!config.proto().getSha256().isEmpty()
        && !config.proto().getSha256().equalsIgnoreCase(sha)) {
      throw FgbgException.invalidConfig("depth model weights " + w + " have sha256 " + sha
          + " but " + config.name() + " expects " + config.proto().getSha256() + how);
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    String used = "cpu";
    OrtSession session;
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      opts.setIntraOpNumThreads(Math.max(1, threads));
      opts.setInterOpNumThreads(1);
      opts.setMemoryPatternOptimization(true);
      // No spin-waiting: inference shares the cores with synthesis and gRPC.
      opts.addConfigEntry("session.intra_op.allow_spinning", "0");
      if (device != Device.CPU) {
        try {
          opts.addCUDA(0);
          used = "cuda";
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
          if (device == Device.CUDA) {
            throw FgbgException.invalidConfig("--device cuda: the CUDA execution provider is not "
                + "available (" + e.getMessage() + "); build with -Pgpu on a machine with CUDA, "
                + "or use --device cpu");
          }
          LOG.info("depth model " + config.name() + ": CUDA not available ("
              + firstLine(e.getMessage()) + "); --device auto falls back to CPU");
        }
      }
      session = env.createSession(w.toString(), opts);
    } catch (OrtException e) {
      throw FgbgException.invalidConfig("depth model weights " + w + " are not a usable ONNX "
          + "model: " + firstLine(e.getMessage()) + how, e);
    }
    try {
      String in = ModelSignature.pick(session.getInputInfo(), config.proto().getInputName(), "input", w);
      String out = ModelSignature.pick(session.getOutputInfo(), config.proto().getOutputName(), "output", w);
      ModelSignature.checkInput(config, (TensorInfo) session.getInputInfo().get(in).getInfo(), in, w);
      ModelSignature.checkOutput((TensorInfo) session.getOutputInfo().get(out).getInfo(), out, w);
      String id = "onnx:" + config.name() + ":sha256=" + sha.substring(0, 16) + ":"
          + config.proto().toString().hashCode();
      LOG.info(String.format("depth model %s loaded from %s on %s (input %s %s, output %s)",
          config.name(), w, used, in, Arrays.toString(((TensorInfo) session.getInputInfo()
              .get(in).getInfo()).getShape()), out));
      return new OnnxDepthModel(config, env, session, in, out, id, used);
    } catch (OrtException e) {
      closeQuietly(session);
      throw FgbgException.invalidConfig("depth model " + w + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(session);
      throw e;
    }
  }

  @Override
  public float[][] infer(List<Image> images, int outH, int outW) {
    int n = images.size();
    int batch = config.proto().getPadBatches() ? Math.max(n, config.maxBatch()) : n;
    int plane = inH * inW;
    FloatBuffer in = ByteBuffer.allocateDirect(batch * 3 * plane * 4).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
    float[] px = new float[plane * 3];
    for (int i = 0; i < n; i++) {
      Image img = images.get(i);
      float[] rgb = new float[img.width() * img.height() * 3];
      for (int p = 0; p < rgb.length; p++) {
        rgb[p] = img.rgb()[img.offset() + p] & 0xff;
      }
      float[] src = img.width() == inW && img.height() == inH ? rgb
          : Resampler.resize(rgb, img.width(), img.height(), 3, inW, inH);
      for (int p = 0; p < plane; p++) {
        for (int c = 0; c < 3; c++) {
          int from = config.bgr() ? 2 - c : c;
          float v = src[p * 3 + from] * config.inputScale();
          if (config.mean().length == 3) {
            v = (v - config.mean()[c]) / config.std()[c];
          }
          px[config.nhwc() ? p * 3 + c : c * plane + p] = v;
        }
      }
      in.position(i * 3 * plane);
      in.put(px);
    }
    in.rewind();
    long[] shape = config.nhwc() ? new long[] {batch, inH, inW, 3} : new long[] {batch, 3, inH, inW};
    try (OnnxTensor t = OnnxTensor.createTensor(env, in, shape);
        OrtSession.Result r = session.run(Map.of(inputName, t))) {
      OnnxTensor out = (OnnxTensor) r.get(outputName).orElseThrow();
      long[] os = out.getInfo().getShape();
      int oh = (int) os[os.length - 2];
      int ow = (int) os[os.length - 1];
      FloatBuffer fb = out.getFloatBuffer();
      float[][] maps = new float[n][];
      for (int i = 0; i < n; i++) {
        float[] m = new float[oh * ow];
        fb.position(i * oh * ow);
        fb.get(m);
        maps[i] = post(m, oh, ow, outH, outW);
      }
      return maps;
    } catch (OrtException e) {
      throw new IllegalStateException("depth model " + config.name() + " failed: " + e.getMessage(), e);
    }
  }

  private float[] post(float[] m, int oh, int ow, int outH, int outW) {
    var p = config.proto();
    if (config.metric()) {
      for (int i = 0; i < m.length; i++) {
        m[i] = m[i] * config.outputScale() + p.getOutputOffset();
      }
    } else {
      float lo = Float.MAX_VALUE;
      float hi = -Float.MAX_VALUE;
      for (float v : m) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      float span = hi > lo ? hi - lo : 1f;
      for (int i = 0; i < m.length; i++) {
        m[i] = (m[i] - lo) / span;
      }
    }
    if (p.getClipMin() != 0 || p.getClipMax() != 0) {
      for (int i = 0; i < m.length; i++) {
        m[i] = Math.max(p.getClipMin(), Math.min(p.getClipMax(), m[i]));
      }
    }
    return oh == outH && ow == outW ? m : Resampler.resize(m, ow, oh, 1, outW, outH);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String name() {
    return config.name();
  }

  @Override
  public String units() {
    return config.units();
  }

  @Override
  public int maxBatch() {
    return config.maxBatch();
  }

  public ModelConfig config() {
    return config;
  }

  public String device() {
    return device;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closeQuietly(session);
    }
  }

  private static void closeQuietly(OrtSession s) {
    try {
      s.close();
    } catch (OrtException ignored) {
      // closing at shutdown
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  static String sha256(Path p) {
    try {
      return Sha256.hex(p);
    } catch (IOException e) {
      throw FgbgException.invalidConfig("cannot read depth model weights " + p + ": "
          + InWords.of(e), e);
    }
  }
}
