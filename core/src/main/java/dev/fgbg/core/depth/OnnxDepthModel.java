package dev.fgbg.core.depth;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.fgbg.common.Sha256;
import dev.fgbg.core.FgbgException;
import dev.fgbg.common.InWords;
import dev.fgbg.core.concurrent.NamedThreads;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import java.util.stream.IntStream;

/**
 * A depth model run by ONNX Runtime (session options: {@link OnnxSessions}), in one or more
 * sessions of the same model that run batches at once, the threads shared among them: on CPU
 * two sessions of half the threads each keep the cores busier than one session of all of them
 * (a session's threads wait for each other at the end of every operator). Inputs and outputs live
 * in reused direct buffers that the runtime reads and writes in place ({@link TensorSlot}): an
 * input slot per session and two more, so that batches are filled while the others run, and an
 * output slot per session and one more, so that one is read while the runs write the others.
 * With {@code cuda} the CUDA execution provider is required; with {@code auto} it is tried and a
 * failure falls back to CPU with one log line.
 */
public final class OnnxDepthModel implements DepthModel {
  private static final Logger LOG = Logger.getLogger(OnnxDepthModel.class.getName());
  private static final long LOAD_STACK_BYTES = 64L << 20;

  /** Where inference runs. */
  public enum Device { AUTO, CPU, CUDA }

  /** Sessions: two on CPU with two threads or more, one on CUDA or with one thread. */
  public static final int AUTO_SESSIONS = 0;

  private final ModelConfig config;
  private final GraphBatch batch;
  private final OnnxRuns runs;
  private final String inputName;
  private final String id;
  private final String device;
  private final PixelInput pixels;
  private final DepthPost post;
  private final BlockingQueue<TensorSlot> inputs;
  private final List<TensorSlot> inputSlots;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OnnxDepthModel(ModelConfig config, OrtEnvironment env, List<OrtSession> sessions,
      String device, String inputName, String outputName, String id, TensorInfo output,
      GraphBatch batch) {
    this.config = config;
    this.batch = batch;
    this.runs = new OnnxRuns(config.name(), env, sessions, inputName, outputName, output,
        batch.maxRows());
    this.device = device;
    this.inputName = inputName;
    this.id = id;
    this.pixels = new PixelInput(config);
    this.post = new DepthPost(config);
    this.inputs = TensorSlot.pool(runs.inputSlots(), env, batch.maxRows(), pixels.rowShape());
    this.inputSlots = List.copyOf(inputs);
  }

  /** As {@link #load(ModelConfig, Device, int, int)} with {@link #AUTO_SESSIONS}. */
  public static OnnxDepthModel load(ModelConfig config, Device device, int threads) {
    return load(config, device, threads, AUTO_SESSIONS);
  }

  /**
   * Loads and checks the model in {@code sessions} sessions ({@link #AUTO_SESSIONS}: two on CPU
   * with two threads or more, else one) sharing {@code threads} intra-op threads; every problem
   * names the file and how to fix it. On a large stack: loading ONNX Runtime's native library
   * overflowed a 1 MB thread stack (SIGSEGV).
   */
  public static OnnxDepthModel load(ModelConfig config, Device device, int threads,
      int sessions) {
    if (sessions < 0 || threads < 1) {
      throw new IllegalArgumentException("sessions must be 0 (auto) or more and threads 1 or "
          + "more, got sessions " + sessions + ", threads " + threads);
    }
    return NamedThreads.onLargeStack("fgbg-onnx-load", LOAD_STACK_BYTES,
        () -> loadHere(config, device, threads, sessions));
  }

  /**
   * The most sessions {@link #load(ModelConfig, Device, int, int)} opens with these arguments
   * (each holds its own native working memory; sizing the process counts them).
   */
  public static int sessionCount(Device device, int threads, int sessions) {
    return OnnxSessions.count(device, threads, sessions);
  }

  private static OnnxDepthModel loadHere(ModelConfig config, Device device, int threads,
      int sessions) {
    checkWeights(config);
    var w = config.weights();
    String sha = sha256(w);
    if (!config.proto().getSha256().isEmpty()
        && !config.proto().getSha256().equalsIgnoreCase(sha)) {
      throw FgbgException.invalidConfig("depth model weights " + w + " have sha256 " + sha
          + " but " + config.name() + " expects " + config.proto().getSha256()
          + WeightsAdvice.ownWeights(config));
    }
    OrtEnvironment env = OnnxNative.environment();
    OnnxSessions.Opened opened = OnnxSessions.open(env, config, device, threads, sessions,
        WeightsAdvice.how(config, false));
    OrtSession session = opened.sessions().get(0);
    try {
      String in = ModelSignature.pick(session.getInputInfo(), config.proto().getInputName(),
          "input", w);
      String out = ModelSignature.pick(session.getOutputInfo(), config.proto().getOutputName(),
          "output", w);
      TensorInfo inInfo = (TensorInfo) session.getInputInfo().get(in).getInfo();
      TensorInfo outInfo = (TensorInfo) session.getOutputInfo().get(out).getInfo();
      ModelSignature.checkInput(config, inInfo, in, w);
      ModelSignature.checkOutput(outInfo, out, w);
      GraphBatch batch = GraphBatch.of(config, inInfo.getShape());
      String id = "onnx:" + config.name() + ":sha256=" + sha.substring(0, 16) + ":"
          + config.proto().toString().hashCode();
      LOG.info(String.format("depth model %s loaded from %s on %s, %s (input %s %s, output %s)",
          config.name(), w, opened.device(), opened.inWords(), in,
          Arrays.toString(inInfo.getShape()), out));
      return new OnnxDepthModel(config, env, opened.sessions(), opened.device(), in, out, id,
          outInfo, batch);
    } catch (OrtException e) {
      OnnxSessions.closeAll(opened.sessions());
      throw FgbgException.invalidConfig("depth model " + w + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      OnnxSessions.closeAll(opened.sessions());
      throw e;
    }
  }

  @Override
  public float[][] infer(List<Image> images, int outH, int outW) {
    float[][] maps = new float[images.size()][];
    int max = batch.images();
    for (int start = 0; start < images.size(); start += max) {
      List<Job> jobs = new ArrayList<>();
      for (Image img : images.subList(start, Math.min(images.size(), start + max))) {
        jobs.add(new Job(img, outH, outW));
      }
      try (Batch b = prepare(jobs, true)) {
        b.run();
        int at = start;
        IntStream.range(0, jobs.size()).parallel().forEach(i -> maps[at + i] = b.map(i));
      }
    }
    return maps;
  }

  /**
   * Takes a free input slot (waiting for one) and fills it with the jobs' images, on this thread:
   * a batcher prepares while the model runs, on cores the model is using.
   */
  @Override
  public Batch prepare(List<Job> jobs) {
    return prepare(jobs, false);
  }

  /** With {@code parallel}, rows are filled on the common pool too (the caller waits anyway). */
  private Batch prepare(List<Job> jobs, boolean parallel) {
    if (jobs.isEmpty() || jobs.size() > batch.images()) {
      throw new IllegalArgumentException("a batch holds 1 to " + batch.images()
          + " images, not " + jobs.size());
    }
    int rows = batch.rows(jobs.size());
    TensorSlot in = OnnxRuns.take(inputs);
    try {
      IntStream each = IntStream.range(0, jobs.size()); // disjoint rows, absolute puts
      (parallel ? each.parallel() : each).forEach(i -> pixels.fill(jobs.get(i).image(),
          in.buffer(), i));
      pixels.clear(in.buffer(), jobs.size(), rows);
    } catch (RuntimeException e) {
      in.release();
      throw e;
    }
    return new OnnxBatch(this, jobs, rows, in);
  }

  /** Runs {@code rows} rows of {@code in} on an idle session (see {@link OnnxRuns#run}). */
  TensorSlot run(TensorSlot in, int rows) {
    return runs.run(in, rows);
  }

  /** How many batches run at once: one per session. */
  @Override
  public int parallelRuns() {
    return runs.count();
  }

  DepthPost post() {
    return post;
  }

  /** The model's input row for {@code image}, as a batch feeds it (for a benchmark, a check). */
  public float[] input(Image image) {
    float[] row = new float[pixels.rowFloats()];
    pixels.fill(image, FloatBuffer.wrap(row), 0);
    return row;
  }

  /** The input tensor's shape for {@code rows} images. */
  public long[] inputShape(int rows) {
    return TensorSlot.shape(rows, pixels.rowShape());
  }

  public String inputName() {
    return inputName;
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

  /** The config's maxBatch, or the graph's fixed batch when that is smaller. */
  @Override
  public int maxBatch() {
    return batch.images();
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
      runs.close();
      inputSlots.forEach(TensorSlot::close);
    }
  }

  /**
   * Refuses weights that are not there or cannot be read, as loading would, without reading
   * them: checked before a dataset's photos are decoded, so such a mistake costs no decoding.
   */
  public static void checkWeights(ModelConfig config) {
    Path w = config.weights();
    if (!Files.isRegularFile(w)) {
      throw FgbgException.invalidConfig("depth model weights " + w + " not found"
          + WeightsAdvice.tilde(w) + WeightsAdvice.how(config, true));
    }
    try {
      // Opened only: permission to read is what a start-up most often lacks.
      Files.newInputStream(w).close();
    } catch (IOException e) {
      throw unreadable(w, e);
    }
  }

  static String sha256(Path p) {
    try {
      return Sha256.hex(p);
    } catch (IOException e) {
      throw unreadable(p, e);
    }
  }

  private static FgbgException unreadable(Path weights, IOException e) {
    return FgbgException.invalidConfig("cannot read depth model weights " + weights + ": "
        + InWords.of(e), e);
  }
}
