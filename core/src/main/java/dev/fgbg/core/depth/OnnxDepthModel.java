package dev.fgbg.core.depth;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.fgbg.common.Sha256;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.InWords;
import dev.fgbg.core.concurrent.NamedThreads;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import java.util.stream.IntStream;

/**
 * A depth model run by ONNX Runtime (session options: {@link OnnxSessions}). Inputs and outputs
 * live in reused direct buffers that the runtime reads and writes in place ({@link TensorSlot}):
 * two input slots, so that one batch is filled while the other runs, and two output slots, so
 * that one is read while the next run writes the other. With {@code cuda} the CUDA execution
 * provider is required; with {@code auto} it is tried and a failure falls back to CPU with one log
 * line.
 */
public final class OnnxDepthModel implements DepthModel {
  private static final Logger LOG = Logger.getLogger(OnnxDepthModel.class.getName());
  private static final long LOAD_STACK_BYTES = 64L << 20;
  private static final int SLOTS = 2;

  /** Where inference runs. */
  public enum Device { AUTO, CPU, CUDA }

  private final ModelConfig config;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final String inputName;
  private final String outputName;
  private final String id;
  private final String device;
  private final PixelInput pixels;
  private final DepthPost post;
  private final BlockingQueue<TensorSlot> inputs;
  private final List<TensorSlot> slots = new ArrayList<>();
  private final boolean pinOutputs;
  private volatile BlockingQueue<TensorSlot> outputs;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OnnxDepthModel(ModelConfig config, OrtEnvironment env, OnnxSessions.Opened opened,
      String inputName, String outputName, String id, TensorInfo output) {
    this.config = config;
    this.env = env;
    this.session = opened.session();
    this.device = opened.device();
    this.inputName = inputName;
    this.outputName = outputName;
    this.id = id;
    this.pixels = new PixelInput(config);
    this.post = new DepthPost(config);
    this.inputs = TensorSlot.pool(SLOTS, env, config.maxBatch(), pixels.rowShape());
    synchronized (slots) {
      slots.addAll(inputs);
    }
    this.pinOutputs = output.type == OnnxJavaType.FLOAT
        && output.onnxType == TensorInfo.OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT;
    long[] outputShape = output.getShape();
    if (Arrays.stream(outputShape).skip(1).allMatch(d -> d > 0)) {
      outputs = outputPool(outputShape);
    }
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
    OnnxSessions.Opened opened = OnnxSessions.open(env, config, device, threads, how);
    OrtSession session = opened.session();
    try {
      String in = ModelSignature.pick(session.getInputInfo(), config.proto().getInputName(), "input", w);
      String out = ModelSignature.pick(session.getOutputInfo(), config.proto().getOutputName(), "output", w);
      TensorInfo inInfo = (TensorInfo) session.getInputInfo().get(in).getInfo();
      TensorInfo outInfo = (TensorInfo) session.getOutputInfo().get(out).getInfo();
      ModelSignature.checkInput(config, inInfo, in, w);
      ModelSignature.checkOutput(outInfo, out, w);
      String id = "onnx:" + config.name() + ":sha256=" + sha.substring(0, 16) + ":"
          + config.proto().toString().hashCode();
      LOG.info(String.format("depth model %s loaded from %s on %s (input %s %s, output %s)",
          config.name(), w, opened.device(), in, Arrays.toString(inInfo.getShape()), out));
      return new OnnxDepthModel(config, env, opened, in, out, id, outInfo);
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
    float[][] maps = new float[images.size()][];
    for (int start = 0; start < images.size(); start += config.maxBatch()) {
      List<Job> jobs = new ArrayList<>();
      for (Image img : images.subList(start, Math.min(images.size(), start + config.maxBatch()))) {
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
    if (jobs.isEmpty() || jobs.size() > config.maxBatch()) {
      throw new IllegalArgumentException("a batch holds 1 to " + config.maxBatch()
          + " images, not " + jobs.size());
    }
    int rows = config.proto().getPadBatches() ? config.maxBatch() : jobs.size();
    TensorSlot in = take(inputs);
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

  /**
   * Runs {@code rows} rows of {@code in} into a free output slot, and gives {@code in} back.
   * When the output's size is not fixed by the model, the first run learns it (and copies its
   * output once); every later run writes into the slot in place, unless the output is not
   * float32 (float16, say): then each run's output is converted into the slot.
   */
  synchronized TensorSlot run(TensorSlot in, int rows) {
    try {
      BlockingQueue<TensorSlot> pool = outputs;
      if (pool != null && pinOutputs) {
        TensorSlot out = take(pool);
        try (OrtSession.Result r = session.run(Map.of(inputName, in.tensor(rows)),
            Map.of(outputName, out.tensor(rows)))) {
          return out;
        } catch (OrtException | RuntimeException e) {
          out.release();
          throw e;
        }
      }
      try (OrtSession.Result r = session.run(Map.of(inputName, in.tensor(rows)))) {
        OnnxTensor t = (OnnxTensor) r.get(outputName).orElseThrow();
        if (pool == null) {
          pool = outputPool(t.getInfo().getShape());
          outputs = pool;
        }
        TensorSlot out = take(pool);
        out.buffer().put(0, t.getFloatBuffer(), 0, rows * out.rowFloats());
        return out;
      }
    } catch (OrtException e) {
      throw new IllegalStateException("depth model " + config.name() + " failed: "
          + e.getMessage(), e);
    } finally {
      in.release();
    }
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

  private BlockingQueue<TensorSlot> outputPool(long[] shape) {
    BlockingQueue<TensorSlot> pool = TensorSlot.pool(SLOTS, env, config.maxBatch(),
        Arrays.copyOfRange(shape, 1, shape.length));
    synchronized (slots) {
      slots.addAll(pool);
    }
    return pool;
  }

  private static TensorSlot take(BlockingQueue<TensorSlot> pool) {
    try {
      return pool.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw FgbgException.failedPrecondition("the depth model is shut down");
    }
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
      synchronized (slots) {
        slots.forEach(TensorSlot::close);
      }
    }
  }

  private static void closeQuietly(OrtSession s) {
    try {
      s.close();
    } catch (OrtException ignored) { // closing at shutdown
    }
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
