package dev.fgbg.core.load;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Start-time fair queueing by measured run time (the thread's CPU time in the server). Each lane
 * has a virtual time, the worker time it has been charged; the lane with the least runs next. A
 * task is charged its lane's recent mean run time when it starts (so that two workers do not both
 * pick the same lane for free) and corrected by what it really took when it ends. A lane that was
 * idle rejoins at the current virtual time: idleness earns no credit.
 */
final class FairScheduler implements RenderScheduler {
  /** Weight of the newest run time in a lane's running mean. */
  private static final double SMOOTHING = 0.25;

  private final Executor workers;
  private final Ticker ticker;
  private final List<FairLane> active = new ArrayList<>();
  private long clock;
  private long meanNanos = 1_000_000;
  private int queued;

  FairScheduler(Executor workers, Ticker ticker) {
    this.workers = workers;
    this.ticker = ticker;
  }

  @Override
  public Lane lane(String name) {
    return new FairLane(name);
  }

  @Override
  public synchronized int queued() {
    return queued;
  }

  private void submit(FairLane lane, Runnable task) {
    synchronized (this) {
      if (!lane.active) {
        lane.vtime = Math.max(lane.vtime, clock);
        lane.active = true;
        active.add(lane);
      }
      lane.tasks.add(task);
      queued++;
    }
    try {
      workers.execute(this::runNext);
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        if (lane.tasks.removeLastOccurrence(task)) {
          queued--;
          if (lane.tasks.isEmpty()) {
            deactivate(lane);
          }
        }
      }
      throw e;
    }
  }

  /** One dispatch: runs the queued task of the lane with the least virtual time. */
  private void runNext() {
    FairLane lane;
    Runnable task;
    long charged;
    synchronized (this) {
      lane = fairest();
      if (lane == null) {
        return; // its task was withdrawn after a rejected dispatch
      }
      task = lane.tasks.poll();
      queued--;
      if (lane.tasks.isEmpty()) {
        deactivate(lane);
      }
      clock = Math.max(clock, lane.vtime);
      charged = lane.meanNanos > 0 ? lane.meanNanos : meanNanos;
      lane.vtime += charged;
    }
    long start = ticker.read();
    try {
      task.run();
    } finally {
      long took = Math.max(0, ticker.read() - start);
      synchronized (this) {
        lane.vtime += took - charged;
        lane.meanNanos = lane.meanNanos > 0 ? smooth(lane.meanNanos, took) : Math.max(1, took);
        meanNanos = smooth(meanNanos, took);
        lane.busyNanos += took;
        lane.completed++;
      }
    }
  }

  private FairLane fairest() {
    FairLane best = null;
    for (FairLane l : active) {
      if (best == null || l.vtime < best.vtime) {
        best = l;
      }
    }
    return best;
  }

  private void deactivate(FairLane lane) {
    lane.active = false;
    active.remove(lane);
  }

  private static long smooth(long mean, long sample) {
    return Math.max(1, Math.round(mean + SMOOTHING * (sample - mean)));
  }

  /** State guarded by the scheduler's monitor. */
  private final class FairLane implements Lane {
    private final String name;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean active;
    private long vtime;
    private long meanNanos;
    private long busyNanos;
    private long completed;

    FairLane(String name) {
      this.name = name;
    }

    @Override
    public void execute(Runnable task) {
      submit(this, task);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public long busyNanos() {
      synchronized (FairScheduler.this) {
        return busyNanos;
      }
    }

    @Override
    public long completed() {
      synchronized (FairScheduler.this) {
        return completed;
      }
    }

    @Override
    public String toString() {
      return "lane " + name;
    }
  }
}
