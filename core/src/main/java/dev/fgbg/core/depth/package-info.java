/**
 * Depth from neural models: the ONNX Runtime model (CPU or CUDA), one dynamic batcher per model,
 * the byte-weighed de-duplicating cache with its checksummed disk tier, and the teacher and
 * layered modes. Knows nothing of any transport.
 */
package dev.fgbg.core.depth;
