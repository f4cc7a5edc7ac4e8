/**
 * The fgbg server application: {@link dev.fgbg.server.Main} turns flags into
 * {@link dev.fgbg.server.ServerOptions}; {@link dev.fgbg.server.FgbgApplication} owns every
 * pool, depth runtime and the gRPC server, and stops them. The transport is in {@code grpc}.
 */
package dev.fgbg.server;
