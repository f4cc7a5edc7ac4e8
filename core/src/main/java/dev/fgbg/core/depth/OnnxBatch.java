package dev.fgbg.core.depth;

import dev.fgbg.core.dataset.DepthMap;
import java.util.List;

/**
 * One batch of an {@link OnnxDepthModel}: its filled input slot until it has run, then its output
 * slot until it is closed. Maps are read from the output slot itself: a float map is one bulk copy
 * of its row; a rounded map goes through one reused array to float16.
 */
final class OnnxBatch implements DepthModel.Batch {
  private final OnnxDepthModel model;
  private final List<DepthModel.Job> jobs;
  private final int rows;
  private TensorSlot input;
  private TensorSlot output;
  private float[] scratch;
  private int oh;
  private int ow;

  OnnxBatch(OnnxDepthModel model, List<DepthModel.Job> jobs, int rows, TensorSlot input) {
    this.model = model;
    this.jobs = jobs;
    this.rows = rows;
    this.input = input;
  }

  @Override
  public void run() {
    if (input == null) {
      throw new IllegalStateException("a batch runs once");
    }
    TensorSlot in = input;
    input = null; // the model gives it back, whatever happens
    output = model.run(in, rows);
    long[] shape = output.rowShape();
    oh = (int) shape[shape.length - 2];
    ow = (int) shape[shape.length - 1];
  }

  /** Safe to call for several jobs at once (an array of its own; absolute reads). */
  @Override
  public float[] map(int i) {
    return read(i, new float[oh * ow]);
  }

  @Override
  public DepthMap rounded(int i) {
    if (scratch == null) {
      scratch = new float[oh * ow];
    }
    return DepthMap.rounded(read(i, scratch));
  }

  private float[] read(int i, float[] m) {
    if (output == null) {
      throw new IllegalStateException("the batch has not run");
    }
    output.buffer().get(i * m.length, m);
    DepthModel.Job j = jobs.get(i);
    return model.post().apply(m, oh, ow, j.outH(), j.outW());
  }

  @Override
  public void close() {
    if (input != null) {
      input.release();
      input = null;
    }
    if (output != null) {
      output.release();
      output = null;
    }
  }
}
