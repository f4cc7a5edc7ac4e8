/**
 * The gRPC adapter: the fgbg.v1 service, flow-controlled epoch streaming, the one place where
 * exceptions become statuses, proto mapping, and the server that owns start and stop. The only
 * package that imports io.grpc.
 */
package dev.fgbg.server.grpc;
