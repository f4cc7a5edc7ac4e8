package dev.fgbg.server.grpc;

import dev.fgbg.common.Durations;
import dev.fgbg.common.Sha256;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The bearer tokens in force: those of {@code --token-file} as read at start-up, replaced while
 * the server runs when the file changes, so that credentials rotate without a restart.
 *
 * <p>{@link #watch} reads the file every {@link #interval()} and compares its bytes' digest with
 * the last read. Polling the bytes, rather than inotify or size and mtime, catches every way a
 * file is replaced: an edit in place, a {@code mv} over it, and Kubernetes' update of a mounted
 * Secret, which swaps the {@code ..data} symlink the file's own symlink goes through (the path
 * and often the mtime seen through it stay the same). Changed bytes are parsed by the start-up
 * rules; a valid set replaces the old at once (calls already admitted go on, the next call
 * and the next UI request are checked against the new set), an invalid or unreadable file
 * leaves the old set in force. A problem is logged once, and only when two reads in a row see
 * it, so that a file caught half-written by an editor does not raise a warning.
 */
public final class LiveTokens {
  private static final Logger LOG = Logger.getLogger(LiveTokens.class.getName());
  /** How often {@code --token-file} is read for changes. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  /** No tokens: nothing is asked of callers. */
  public static final LiveTokens NONE = fixed(AccessTokens.NONE);

  private final Path file;
  private final Duration interval;
  private final AtomicReference<AccessTokens> current;
  // Touched only by the watching thread (one tick at a time).
  private byte[] seen;
  private String seenProblem;
  private String lastTickProblem;
  private String warned;
  /** Checks done, so that tests can wait for ticks rather than for time. */
  private final AtomicLong ticks = new AtomicLong();

  private LiveTokens(Path file, Duration interval, AccessTokens tokens, byte[] seen) {
    this.file = file;
    this.interval = interval;
    this.current = new AtomicReference<>(tokens);
    this.seen = seen;
  }

  /** These tokens, for good (no file to watch). */
  public static LiveTokens fixed(AccessTokens tokens) {
    return new LiveTokens(null, null, Objects.requireNonNull(tokens, "tokens"), null);
  }

  /**
   * Reads {@code file} now, as {@link AccessTokens#load} does, to be read again every
   * {@code interval} once {@link #watch watched}.
   *
   * @throws IllegalArgumentException naming the file, and the line, of what is wrong
   */
  public static LiveTokens of(Path file, Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("the --token-file check interval "
          + Durations.words(interval) + " must be positive");
    }
    // One read for the tokens and the digest, so that a change between two reads is not missed.
    byte[] bytes = AccessTokens.read(file);
    AccessTokens tokens = AccessTokens.parse(bytes, file);
    AccessTokens.warnIfWorldReadable(file);
    return new LiveTokens(file, interval, tokens, digest(bytes));
  }

  /** The tokens in force now. */
  public AccessTokens current() {
    return current.get();
  }

  /**
   * Whether callers must present a token. A token file always holds one (an empty one is
   * refused, at start-up and at a reload), so this does not change while the server runs.
   */
  public boolean required() {
    return current().required();
  }

  /** How many tokens are in force now. */
  public int size() {
    return current().size();
  }

  /** The holder of {@code token} among the tokens in force now. */
  public Optional<AccessTokens.Holder> match(String token) {
    return current().match(token);
  }

  /** The file watched, or null for a fixed set. */
  public Path file() {
    return file;
  }

  /** How often the file is read, or null for a fixed set. */
  public Duration interval() {
    return interval;
  }

  /**
   * Reads the file every {@link #interval()} on {@code timer} until the returned future is
   * cancelled; null for a fixed set. One timer thread, so ticks never overlap.
   */
  public ScheduledFuture<?> watch(ScheduledExecutorService timer) {
    if (file == null) {
      return null;
    }
    long nanos = interval.toNanos();
    return timer.scheduleWithFixedDelay(() -> {
      try {
        check();
      } catch (RuntimeException e) { // a bug: keep watching (an escaped one would end it)
        LOG.log(Level.WARNING, "--token-file " + file + ": the check failed", e);
      }
    }, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /** One tick: reads the file, and replaces the tokens or notes a problem. */
  void check() {
    String problem;
    try {
      byte[] bytes = AccessTokens.read(file);
      byte[] digest = digest(bytes);
      if (!Arrays.equals(digest, seen)) {
        seen = digest;
        seenProblem = replace(bytes);
      }
      problem = seenProblem;
    } catch (IllegalArgumentException e) {
      problem = e.getMessage(); // cannot read it: the bytes seen last stay the ones compared
    }
    if (problem != null && problem.equals(lastTickProblem) && !problem.equals(warned)) {
      LOG.warning(problem + "; the " + size() + " tokens read before stay in force");
      warned = problem;
    } else if (problem == null) {
      warned = null;
    }
    lastTickProblem = problem;
    ticks.incrementAndGet();
  }

  /** How many checks have been done. */
  long ticks() {
    return ticks.get();
  }

  /** Parses {@code bytes} and puts them in force; what is wrong with them, or null. */
  private String replace(byte[] bytes) {
    AccessTokens next;
    try {
      next = AccessTokens.parse(bytes, file);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    AccessTokens was = current.getAndSet(next);
    LOG.info("--token-file " + file + " reloaded: " + next.size() + " tokens (was "
        + was.size() + ")");
    return null;
  }

  /** Of the whole file, so that the tokens themselves are not kept to compare with. */
  private static byte[] digest(byte[] bytes) {
    return Sha256.newDigest().digest(bytes);
  }
}
