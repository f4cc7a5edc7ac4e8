/**
 * The gRPC port below the service: the Netty listener and its options, TLS files and tokens
 * reloaded while serving, who a call is from and whether it may call, and the connection-level
 * faults (handshakes, resets, peers that do not speak gRPC) worded instead of traced. Access is
 * here rather than in a package of its own, as the options that build the port hold it.
 */
package dev.fgbg.server.transport;
