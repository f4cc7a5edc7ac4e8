package dev.fgbg.server.http;

import dev.fgbg.core.concurrent.NamedThreads;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The JDK HTTP server as the web UI and the metrics port run it. The JDK server reads a
 * request's line and headers on its executor, so a client that dribbles them holds a thread
 * until {@link #REQUEST_SECONDS}: a pool larger than honest clients need keeps a crowd of such
 * clients from shutting everyone out, and the limit frees their threads.
 */
public final class JdkHttp {
  /**
   * Seconds a client may take to send a request's line and headers; then it is closed. Short,
   * so that a crowd of dribblers holds the threads briefly; the JDK server times the request's
   * head only, not the reply, so a long Stats stream goes on. Not shorter: the clock starts at
   * accept, so it also covers a TLS handshake (a browser's certificate picker), a request's
   * wait for a free thread (thumbnails behind grid pages) and a lost packet's resend (2 s cut
   * those off).
   */
  public static final int REQUEST_SECONDS = 5;
  /** The JDK server's limit on reading a request (seconds; unset: none at all). */
  public static final String MAX_REQ_TIME = "sun.net.httpserver.maxReqTime";
  /** The JDK server's limit on writing a reply (seconds; unset: none at all). */
  static final String MAX_RSP_TIME = "sun.net.httpserver.maxRspTime";
  private static final String NODELAY = "sun.net.httpserver.nodelay";
  /** Idle threads go after this long: a flood's threads, and a scrape's, do not stay. */
  static final long IDLE_SECONDS = 10;

  private JdkHttp() {}

  /**
   * A pool of up to {@code threads} daemon threads named {@code prefix-N}: a request goes to an
   * idle thread if one waits, else to a new thread while there are fewer than {@code threads},
   * else waits its turn; threads idle for {@link #IDLE_SECONDS} go. (A pool whose core was its
   * maximum made a new thread for every request until it had them all, each living on idle: a
   * scrape every 3 s kept dozens.) Sets the JDK server's JVM-wide limits first ({@link
   * #limits}): they are read once, by the first HTTP server of the JVM, so this is called before
   * making one (whatever the Prometheus exporter set when it loaded).
   */
  public static ExecutorService pool(String prefix, int threads) {
    return pool(prefix, threads, UnaryOperator.identity());
  }

  /**
   * As above, each thread running its work inside {@code around} (what the pool's owner tells
   * the code its threads run, such as a log filter, by a thread-local).
   */
  public static ExecutorService pool(String prefix, int threads,
      UnaryOperator<Runnable> around) {
    limits();
    NamedThreads named = new NamedThreads(prefix);
    HandOff queue = new HandOff();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, threads, IDLE_SECONDS, TimeUnit.SECONDS,
        queue, r -> named.newThread(around.apply(r)), (task, p) -> {
          if (p.isShutdown()) {
            throw new RejectedExecutionException("the HTTP server is stopping");
          }
          queue.enqueue(task); // every thread busy (one may have been made meanwhile): wait
        });
    queue.pool = pool;
    return pool;
  }

  /**
   * The pool's queue: it takes a request only when an idle thread takes it at once, or when
   * the pool has all its threads; otherwise it refuses, and the pool makes a thread for it.
   */
  private static final class HandOff extends LinkedTransferQueue<Runnable> {
    private volatile ThreadPoolExecutor pool;

    @Override
    public boolean offer(Runnable task) {
      return tryTransfer(task)
          || pool.getPoolSize() >= pool.getMaximumPoolSize() && super.offer(task);
    }

    void enqueue(Runnable task) {
      super.offer(task);
    }
  }

  /**
   * Puts fgbg's limits in force unless the JVM's command line gives them ({@code -D}, as
   * {@code FGBG_JAVA_OPTS} does): the Prometheus exporter's {@code HTTPServer} sets maxReqTime
   * to 60 s and maxRspTime to 600 s when it loads, if unset, so a value merely present may be a
   * library's, not the user's. (That 60 s let dribbling clients hold the metrics port's threads
   * 60 s; 600 s would cut the UI's Stats stream.) The one place that sets them.
   */
  static synchronized void limits() {
    // Without TCP_NODELAY the JDK server's header and body writes meet the client's delayed
    // ACK: every small reply would wait ~40 ms. Without maxReqTime a client that sends a header
    // line now and then holds a thread for as long as it likes (the JDK's timer closes the
    // connection that has not sent its whole request this long after it was accepted).
    List<String> given = ManagementFactory.getRuntimeMXBean().getInputArguments();
    if (!given(given, NODELAY)) {
      System.setProperty(NODELAY, "true");
    }
    if (!given(given, MAX_REQ_TIME)) {
      System.setProperty(MAX_REQ_TIME, Integer.toString(REQUEST_SECONDS));
    }
    if (!given(given, MAX_RSP_TIME)) {
      System.clearProperty(MAX_RSP_TIME);
    }
  }

  private static boolean given(List<String> jvmArgs, String property) {
    return jvmArgs.stream().anyMatch(a -> a.startsWith("-D" + property + "="));
  }
}
