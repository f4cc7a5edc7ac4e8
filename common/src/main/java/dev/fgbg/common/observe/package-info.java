/**
 * What an operator reads in the log, kept readable under load: {@link
 * dev.fgbg.common.observe.MinuteLines} logs one kind of event (a failing disk, refused calls,
 * dropped connections) at most once a minute with a count, so neither a failing disk nor a hostile
 * client fills the log. Free of gRPC.
 */
package dev.fgbg.common.observe;
