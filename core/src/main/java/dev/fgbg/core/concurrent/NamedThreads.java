package dev.fgbg.core.concurrent;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Daemon threads named {@code prefix-N}, so that thread dumps say which pool is which and no
 * pool keeps the JVM alive after its owner is gone.
 */
public final class NamedThreads implements ThreadFactory {
  private final String prefix;
  private final AtomicInteger count = new AtomicInteger();

  public NamedThreads(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public Thread newThread(Runnable r) {
    Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
    t.setDaemon(true);
    return t;
  }

  /** A fixed pool of {@code threads} such threads. */
  public static ExecutorService fixedPool(String prefix, int threads) {
    return Executors.newFixedThreadPool(threads, new NamedThreads(prefix));
  }

  /**
   * Waits until {@code pool} (shut down) has no thread left running a task, or until
   * {@code untilNanos} on {@link System#nanoTime()}; returns how many still run one (0: done).
   */
  public static int awaitIdle(ExecutorService pool, long untilNanos)
      throws InterruptedException {
    if (pool.awaitTermination(Math.max(0, untilNanos - System.nanoTime()),
        TimeUnit.NANOSECONDS)) {
      return 0;
    }
    return pool instanceof ThreadPoolExecutor p ? Math.max(1, p.getActiveCount()) : 1;
  }

  /**
   * Runs {@code work} on a thread {@code name} with a stack of {@code stackBytes} and waits for
   * it: for native code that needs more stack than a default Java thread has. Its exception or
   * error is rethrown here (an Error left on that thread printed its trace and returned null).
   */
  public static <T> T onLargeStack(String name, long stackBytes, Supplier<T> work) {
    AtomicReference<T> made = new AtomicReference<>();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread t = new Thread(null, () -> {
      try {
        made.set(work.get());
      } catch (RuntimeException | Error e) {
        failed.set(e);
      }
    }, name, stackBytes);
    t.setDaemon(true);
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + name, e);
    }
    Throwable e = failed.get();
    if (e instanceof RuntimeException re) {
      throw re;
    }
    if (e instanceof Error err) {
      throw err;
    }
    return made.get();
  }
}
