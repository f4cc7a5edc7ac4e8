package dev.fgbg.server.rpc;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/** An executor that only queues; the test runs the tasks, one at a time or until idle. */
final class ManualExecutor implements Executor {
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  int ran;

  @Override
  public synchronized void execute(Runnable task) {
    tasks.add(task);
  }

  int queued() {
    synchronized (this) {
      return tasks.size();
    }
  }

  /** Runs queued tasks (and those they queue) until none is left. */
  void runAll() {
    while (true) {
      Runnable next;
      synchronized (this) {
        next = tasks.poll();
      }
      if (next == null) {
        return;
      }
      next.run();
      ran++;
    }
  }
}
