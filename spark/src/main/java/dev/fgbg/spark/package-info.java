/**
 * fgbg on Apache Spark: the export job (the server's shards, rendered and encoded by fgbg-core on
 * the executors, written through the Hadoop FileSystem API) and the depth job (teacher depth
 * for a range, one ONNX Runtime session per executor, written as a depth store the server reads
 * with {@code --depth-store}). Depends on fgbg-core only; no transport.
 */
package dev.fgbg.spark;
