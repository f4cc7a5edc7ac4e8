package dev.fgbg.server.ui;

import com.sun.net.httpserver.Headers;

/**
 * One GET or HEAD request as routes see it.
 *
 * @param path the raw path
 * @param query its parameters
 * @param headers the request's headers
 */
record Request(String path, Query query, Headers headers) {}
