package dev.fgbg.core.depth;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A direct, native-order float buffer of up to {@code maxRows} rows (images) that ONNX Runtime
 * reads or writes in place, with the tensor over its first {@code n} rows made once per
 * {@code n}: no buffer is allocated, zeroed or copied per run. Slots live in a small pool, so that
 * one batch is filled (or read) while another runs.
 */
final class TensorSlot implements AutoCloseable {
  private final OrtEnvironment env;
  private final FloatBuffer buffer;
  private final long[] rowShape;
  private final int rowFloats;
  private final OnnxTensor[] tensors;
  private final BlockingQueue<TensorSlot> pool;

  private TensorSlot(OrtEnvironment env, int maxRows, long[] rowShape,
      BlockingQueue<TensorSlot> pool) {
    this.env = env;
    this.pool = pool;
    this.rowShape = rowShape.clone();
    long floats = 1;
    for (long d : rowShape) {
      floats *= d;
    }
    this.rowFloats = Math.toIntExact(floats);
    this.buffer = ByteBuffer.allocateDirect(Math.multiplyExact(maxRows, rowFloats) * Float.BYTES)
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
    this.tensors = new OnnxTensor[maxRows + 1];
  }

  /** A pool of {@code count} slots; a slot taken from it goes back by {@link #release}. */
  static BlockingQueue<TensorSlot> pool(int count, OrtEnvironment env, int maxRows,
      long[] rowShape) {
    BlockingQueue<TensorSlot> pool = new ArrayBlockingQueue<>(count);
    for (int i = 0; i < count; i++) {
      pool.add(new TensorSlot(env, maxRows, rowShape, pool));
    }
    return pool;
  }

  FloatBuffer buffer() {
    return buffer;
  }

  int rowFloats() {
    return rowFloats;
  }

  /** One row's shape (the tensor's without the batch dimension). */
  long[] rowShape() {
    return rowShape.clone();
  }

  /** Gives the slot back to its pool. */
  void release() {
    pool.add(this);
  }

  /** The tensor [rows, rowShape…] over the first {@code rows} rows of the buffer. */
  OnnxTensor tensor(int rows) throws OrtException {
    if (tensors[rows] == null) {
      FloatBuffer view = buffer.duplicate().position(0).limit(rows * rowFloats);
      tensors[rows] = OnnxTensor.createTensor(env, view, shape(rows, rowShape));
    }
    return tensors[rows];
  }

  /** [rows, rowShape…]. */
  static long[] shape(int rows, long[] rowShape) {
    long[] shape = new long[rowShape.length + 1];
    shape[0] = rows;
    System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
    return shape;
  }

  @Override
  public void close() {
    for (int i = 0; i < tensors.length; i++) {
      if (tensors[i] != null) {
        tensors[i].close();
        tensors[i] = null;
      }
    }
  }
}
