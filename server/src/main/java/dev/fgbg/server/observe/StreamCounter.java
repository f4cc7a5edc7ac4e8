package dev.fgbg.server.observe;

/**
 * What the server counts of its streams and admitted calls, as Caffeine's {@code StatsCounter}:
 * recorded by the calls and by the admission queue, read as one immutable {@link StreamCounts}
 * by logs, ServerStats, tests and benchmarks.
 */
public interface StreamCounter {
  /** A stream started. */
  void started();

  /** A stream was cancelled by its client. */
  void cancelled();

  /** A chunk was rendered (sent or waiting to be sent). */
  void produced();

  /** A chunk of {@code samples} samples was sent. */
  void sent(int samples);

  /** A stream had a chunk ready but the transport was not ready for it. */
  void waitedForReady();

  /** A stream with nothing rendered queued for memory budget. */
  void waitedForBudget();

  /** A stream with chunks in hand did not render further ahead: the budget was taken. */
  void budgetHeldBack();

  /** A queued request left the queue unrun (cancelled, or its deadline passed). */
  void droppedFromQueue();

  /** An admitted Stats or Export request started running. */
  void admittedStarted();

  /** A shared-memory stream found the next slot still held by its client. */
  void waitedForSlot();

  /** A request's shared-memory ring was accepted, or refused (the call used the network). */
  void ring(boolean accepted);

  /** The counters now, read once each: what a report or a check reads. */
  StreamCounts snapshot();
}
