/**
 * What the server tells about its calls apart from their replies: the counters of its streams
 * and admitted calls (an interface and its snapshot), the metrics every call feeds,
 * the refusals logged a line a minute, and the library warnings and traces (Netty's, Caffeine's)
 * turned into words or dropped where the server has said it already.
 */
package dev.fgbg.server.observe;
