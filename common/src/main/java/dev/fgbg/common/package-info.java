/**
 * What the server, its exports and every client must compute identically: the order-independent
 * sample digest, IEEE half floats, the depth colour ramp and SHA-256; and the shared-memory ring's
 * file layout ({@link dev.fgbg.common.RingFormat}) and unmapping, which the server and the Java
 * client share; the JVM's file-name encoding in words ({@link dev.fgbg.common.FileNameEncoding}),
 * which the server, the CLI and the Spark job say at start when it is not UTF-8; the call metadata
 * a server takes and so the longest bearer token ({@link dev.fgbg.common.MetadataLimit}), and the
 * calls a connection may reset before the server closes it ({@link dev.fgbg.common.ResetLimit});
 * a command line's flag errors as one line ({@link dev.fgbg.common.FlagErrors}), which the
 * server, the CLI and the Spark jobs share. Free of gRPC.
 */
package dev.fgbg.common;
