package dev.fgbg.core.depth;

/** Finds (or loads once) the depth model a dataset asks for. */
public interface DepthModels {
  /**
   * The runtime of model folder (or config.json) {@code model} with weights {@code weights}
   * ("" for the model folder's own).
   */
  DepthRuntime get(String model, String weights);
}
