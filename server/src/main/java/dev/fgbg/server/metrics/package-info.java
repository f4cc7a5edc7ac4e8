/**
 * Prometheus metrics of a running server (the Prometheus Java client: its registry, metric types
 * and HTTP exporter): what is sent per RPC, open streams, render and depth latency, depth cache
 * results, batcher queues, the memory budget, refused requests and export progress. Free of
 * io.grpc: the observe package's interceptor feeds it.
 */
package dev.fgbg.server.metrics;
