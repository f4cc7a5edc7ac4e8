/**
 * The fgbg server application: {@link dev.fgbg.server.Main} turns flags into the one options
 * tree, {@link dev.fgbg.server.grpc.ServerOptions}; {@link dev.fgbg.server.FgbgApplication}, the
 * one place a server is wired (for {@code fgbg serve} and for tests), owns every pool, depth
 * runtime and the gRPC server, and stops them. The transport is in {@code grpc}.
 */
package dev.fgbg.server;
