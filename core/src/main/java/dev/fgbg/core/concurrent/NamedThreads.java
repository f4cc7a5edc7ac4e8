package dev.fgbg.core.concurrent;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

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
}
