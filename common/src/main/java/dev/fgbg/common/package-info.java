/**
 * What the server, its exports and every client must compute identically: the order-independent
 * sample digest, IEEE half floats, the depth colour ramp and SHA-256; and the shared-memory ring's
 * file layout ({@link dev.fgbg.common.RingFormat}) and unmapping, which the server and the Java
 * client share. Free of gRPC.
 */
package dev.fgbg.common;
