/**
 * The fgbg server application: {@link dev.fgbg.server.Main} turns flags into the one options
 * tree, {@link dev.fgbg.server.options.ServerOptions}; {@link dev.fgbg.server.FgbgApplication},
 * the one place a server is wired (for {@code fgbg serve} and for tests), owns every pool, depth
 * runtime and the gRPC server, and stops them. The gRPC service is in {@code rpc}, which
 * composes {@code transport}, {@code admission}, {@code stop}, {@code status} and
 * {@code observe}.
 */
package dev.fgbg.server;
