/**
 * What an operator reads in the log, kept readable under load: {@link
 * dev.fgbg.common.observe.MinuteLines} logs one kind of event (a failing disk, refused calls,
 * dropped connections) at most once a minute with a count, so neither a failing disk nor a hostile
 * client fills the log; {@link dev.fgbg.common.observe.LogFilters} puts a filter in front of a
 * library's logger that would log an expected event with a trace. Free of gRPC.
 */
package dev.fgbg.common.observe;
