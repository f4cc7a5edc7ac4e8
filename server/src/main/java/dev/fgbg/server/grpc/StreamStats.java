package dev.fgbg.server.grpc;

import java.util.concurrent.atomic.AtomicLong;

/** Counters over all streams, for logs, tests and benchmarks. */
public final class StreamStats {
  final AtomicLong streamsStarted = new AtomicLong();
  final AtomicLong streamsCancelled = new AtomicLong();
  final AtomicLong chunksProduced = new AtomicLong();
  final AtomicLong chunksSent = new AtomicLong();
  final AtomicLong samplesSent = new AtomicLong();

  public long streamsStarted() {
    return streamsStarted.get();
  }

  public long streamsCancelled() {
    return streamsCancelled.get();
  }

  /** Chunks rendered (sent or waiting to be sent). */
  public long chunksProduced() {
    return chunksProduced.get();
  }

  public long chunksSent() {
    return chunksSent.get();
  }

  public long samplesSent() {
    return samplesSent.get();
  }
}
