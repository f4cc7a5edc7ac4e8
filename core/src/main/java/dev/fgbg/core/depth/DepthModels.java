package dev.fgbg.core.depth;

/** Finds (or loads once) the depth model a dataset asks for. */
public interface DepthModels {
  /**
   * The runtime of model folder (or config.json) {@code model} with weights {@code weights}
   * ("" for the model folder's own).
   */
  DepthRuntime get(String model, String weights);

  /**
   * What {@link #get} would refuse about the model's files that shows without loading it (a
   * config.json or weights file missing or unreadable), in its words, or null: asked before a
   * dataset's photos are decoded. None by default (models made in memory have no files).
   */
  default String fileProblem(String model, String weights) {
    return null;
  }
}
