package dev.fgbg.server.ui;

import com.sun.net.httpserver.Headers;
import java.net.InetSocketAddress;

/**
 * One GET or HEAD request as routes see it.
 *
 * @param path the raw path
 * @param query its parameters
 * @param headers the request's headers
 * @param peer the address it comes from
 * @param client who it comes from, for per-client shares ({@link Access#client})
 */
record Request(String path, Query query, Headers headers, InetSocketAddress peer,
    String client) {}
