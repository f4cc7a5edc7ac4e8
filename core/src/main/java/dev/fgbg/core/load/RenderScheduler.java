package dev.fgbg.core.load;

import com.github.benmanes.caffeine.cache.Ticker;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.Executor;

/**
 * Shares the render workers between requests. Each request (a stream, a GetSamples call, the
 * Stats requests as one class, the exports as another) submits its work through its own
 * {@link Lane}; when workers are scarce, the lane that has used the least worker time runs next,
 * so N equal streams get equal shares and a heavy request gets one share, not the whole pool.
 */
public interface RenderScheduler {

  /**
   * Fair queueing over {@code workers}: every task submitted puts one dispatch on
   * {@code workers}, which runs whichever queued task is fairest at that moment. Task run times
   * are measured with {@code ticker}. Starts no thread.
   */
  static RenderScheduler fair(Executor workers, Ticker ticker) {
    return new FairScheduler(workers, ticker);
  }

  /**
   * The CPU time of the calling thread, in nanoseconds, where the JVM measures it (else the
   * system ticker): what a task really cost, not counting the time the OS or a lock kept it
   * waiting. Both reads of one task are made on the thread that ran it.
   */
  static Ticker threadCpuTime() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    if (!threads.isCurrentThreadCpuTimeSupported()) {
      return Ticker.systemTicker();
    }
    return threads::getCurrentThreadCpuTime;
  }

  /** A new lane; it takes part in the scheduling while it has queued tasks. */
  Lane lane(String name);

  /** Tasks queued and not yet started, over all lanes. */
  int queued();

  /** One party's queue of work. Tasks of one lane start in the order they were submitted. */
  interface Lane extends Executor {
    String name();

    /** Worker time this lane's tasks have taken so far, in ticker nanoseconds. */
    long busyNanos();

    /** Tasks of this lane that have finished. */
    long completed();
  }
}
