package dev.fgbg.core.depth;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A model's sessions running batches: each run takes an idle session and a free output slot, so
 * that as many batches run at once as there are sessions, while one more output is read.
 */
final class OnnxRuns implements AutoCloseable {
  private static final int MESSAGE_CHARS = 300;
  private final String model;
  private final OrtEnvironment env;
  private final List<OrtSession> sessions;
  /** Sessions not running a batch now. */
  private final BlockingQueue<OrtSession> idle;
  private final String inputName;
  private final String outputName;
  private final int maxRows;
  /** Whether the output is float32, which the runtime then writes into a slot in place. */
  private final boolean pinOutputs;
  private final List<TensorSlot> made = new ArrayList<>();
  private volatile BlockingQueue<TensorSlot> outputs;

  OnnxRuns(String model, OrtEnvironment env, List<OrtSession> sessions, String inputName,
      String outputName, TensorInfo output, int maxRows) {
    this.model = model;
    this.env = env;
    this.sessions = List.copyOf(sessions);
    this.idle = new ArrayBlockingQueue<>(sessions.size(), false, sessions);
    this.inputName = inputName;
    this.outputName = outputName;
    this.maxRows = maxRows;
    this.pinOutputs = output.type == OnnxJavaType.FLOAT
        && output.onnxType == TensorInfo.OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT;
    long[] shape = output.getShape();
    if (Arrays.stream(shape).skip(1).allMatch(d -> d > 0)) {
      outputs = outputPool(shape);
    }
  }

  /** Sessions: how many batches run at once. */
  int count() {
    return sessions.size();
  }

  /**
   * Slots an input pool needs: one per session running and two for the former (the prepared
   * batch waiting for a runner and the next one it fills), so that a runner preparing late
   * requests itself always finds one.
   */
  int inputSlots() {
    return sessions.size() + 2;
  }

  /** Slots the output pool needs: one per session running, one read meanwhile. */
  private int outputSlots() {
    return sessions.size() + 1;
  }

  /**
   * Runs {@code rows} rows of {@code in} on an idle session (waiting for one) into a free output
   * slot, and gives {@code in} back. When the output's size is not fixed by the model, the first
   * run learns it (and copies its output once); every later run writes into the slot in place,
   * unless the output is not float32 (float16, say): then each run's output is converted into the
   * slot.
   */
  TensorSlot run(TensorSlot in, int rows) {
    OrtSession session = null;
    try {
      session = take(idle);
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
        TensorSlot out = take(pool != null ? pool : learnedOutputs(t.getInfo().getShape()));
        try {
          out.buffer().put(0, t.getFloatBuffer(), 0, rows * out.rowFloats());
        } catch (RuntimeException e) {
          out.release();
          throw e;
        }
        return out;
      }
    } catch (OrtException e) {
      // Expected of a model that cannot take some inputs: a status naming the model, no trace.
      throw FgbgException.failedPrecondition("depth model " + Quoted.of(model) + " failed on a "
          + "batch of " + rows + " rows: " + oneLine(e.getMessage()) + "; nothing of the batch is"
          + " served or cached: check the model's weights and config");
    } finally {
      try {
        if (session != null) {
          idle.add(session); // first: a failure below must not lose a session
        }
      } finally {
        in.release();
      }
    }
  }

  /**
   * ONNX Runtime's message on one line, without its error-code prefix and cut to 300 characters
   * (its messages run over several lines, some of them long).
   */
  static String oneLine(String message) {
    String m = message == null ? "" : message.strip().replaceAll("\\s+", " ");
    m = m.replaceFirst("^Error code - ORT_[A-Z_]+ - message: ", "");
    return m.length() <= MESSAGE_CHARS ? m : m.substring(0, MESSAGE_CHARS - 3) + "...";
  }

  /** The output pool once a run has told the output's size (two runs may race to it). */
  private synchronized BlockingQueue<TensorSlot> learnedOutputs(long[] shape) {
    if (outputs == null) {
      outputs = outputPool(shape);
    }
    return outputs;
  }

  private BlockingQueue<TensorSlot> outputPool(long[] shape) {
    BlockingQueue<TensorSlot> pool = TensorSlot.pool(outputSlots(), env, maxRows,
        Arrays.copyOfRange(shape, 1, shape.length));
    synchronized (made) {
      made.addAll(pool);
    }
    return pool;
  }

  /** The next of {@code pool}, waiting for one; an interrupted wait means the model is closing. */
  static <T> T take(BlockingQueue<T> pool) {
    try {
      return pool.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw FgbgException.failedPrecondition("the depth model is shut down");
    }
  }

  /** Closes the sessions and the output slots (no run is in progress: the batcher has ended). */
  @Override
  public void close() {
    OnnxSessions.closeAll(sessions);
    synchronized (made) {
      made.forEach(TensorSlot::close);
    }
  }
}
