/**
 * What the server's two HTTP ports (the web UI and the Prometheus metrics) share about the JDK's
 * HTTP server: its JVM-wide limits and a request pool sized for clients that dribble headers.
 */
package dev.fgbg.server.http;
