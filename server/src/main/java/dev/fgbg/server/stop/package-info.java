/**
 * How calls end when the server stops: the running calls it tracks, each call's one end, the
 * health watches ended first, and a client's deadline told from its own cancel. The statuses
 * they end with are the status package's.
 */
package dev.fgbg.server.stop;
