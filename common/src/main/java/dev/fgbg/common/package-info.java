/**
 * What the server, its exports and every client must compute identically: the order-independent
 * sample digest, IEEE half floats, the depth colour ramp and SHA-256. Free of gRPC.
 */
package dev.fgbg.common;
