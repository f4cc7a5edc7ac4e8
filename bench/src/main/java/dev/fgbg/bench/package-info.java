/**
 * Benchmarks: JMH micro-benchmarks of synthesis and the {@code ./fgbg bench} verbs that print
 * {@code samples/s: X} for in-process synthesis and loopback streaming. Never deployed.
 */
package dev.fgbg.bench;
