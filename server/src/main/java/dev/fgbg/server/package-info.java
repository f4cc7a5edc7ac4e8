/**
 * The fgbg server: the entry point ({@link dev.fgbg.server.Main}) and the transport-free
 * {@link dev.fgbg.server.FgbgException}. Sub-packages hold one concern each; only
 * {@code grpc} imports io.grpc.
 */
package dev.fgbg.server;
