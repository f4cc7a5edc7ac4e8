package dev.fgbg.server.http;

import dev.fgbg.core.concurrent.NamedThreads;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The JDK HTTP server as the web UI and the metrics port run it. The JDK server reads a
 * request's line and headers on its executor, so a client that dribbles them holds a thread
 * until {@link #REQUEST_SECONDS}: a pool larger than honest clients need keeps a crowd of such
 * clients from shutting everyone out, and the limit frees their threads.
 */
public final class JdkHttp {
  /** Seconds a client may take to send a request's line and headers; then it is closed. */
  public static final int REQUEST_SECONDS = 10;
  /** The JDK server's limit on reading a request (seconds; unset: none at all). */
  public static final String MAX_REQ_TIME = "sun.net.httpserver.maxReqTime";
  private static final String NODELAY = "sun.net.httpserver.nodelay";
  /** Idle threads beyond need go after this long: a flood's threads do not stay. */
  private static final long IDLE_SECONDS = 60;

  private JdkHttp() {}

  /**
   * A pool of up to {@code threads} daemon threads named {@code prefix-N}, made as requests
   * come and retired when idle; requests beyond them wait their turn. Sets the JDK server's
   * JVM-wide limits first (a value the user gave wins): they are read once, by the first HTTP
   * server of the JVM, so this is called before making one.
   */
  public static ExecutorService pool(String prefix, int threads) {
    // Without TCP_NODELAY the JDK server's header and body writes meet the client's delayed
    // ACK: every small reply would wait ~40 ms. Without maxReqTime a client that sends a header
    // line now and then holds a thread for as long as it likes (the JDK's timer closes the
    // connection that has not sent its whole request this long after it was accepted).
    setIfAbsent(NODELAY, "true");
    setIfAbsent(MAX_REQ_TIME, Integer.toString(REQUEST_SECONDS));
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, IDLE_SECONDS,
        TimeUnit.SECONDS, new LinkedBlockingQueue<>(), new NamedThreads(prefix));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private static void setIfAbsent(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }
}
