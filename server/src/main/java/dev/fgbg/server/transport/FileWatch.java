package dev.fgbg.server.transport;

import dev.fgbg.common.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Files read again at each tick, their changed bytes handed on: what {@link LiveTokens} and
 * {@link LiveKeys} share.
 *
 * <p>Each tick reads every file whole and compares the SHA-256 of their bytes with the last
 * read. Comparing bytes, rather than size and mtime or inotify events, catches every way a
 * file is replaced: an edit in place, a {@code mv} over it, and Kubernetes' update of a mounted
 * Secret, which swaps the {@code ..data} symlink the file's own symlink goes through (size and
 * mtime seen through it may well stay the same). Changed bytes go to {@code apply}, which puts
 * them in force or refuses them with an IllegalArgumentException naming the problem. A problem
 * (a refusal, or a file that cannot be read) is logged as one WARNING, once, and only when two
 * ticks in a row see it, so that a file caught half-written by an editor, or a key read before
 * its new certificate was, raises none.
 */
final class FileWatch {
  private final List<Path> files;
  private final Function<Path, byte[]> read;
  private final ApplyBytes apply;
  private final Supplier<String> keeping;
  private final Logger log;
  // Touched only by the watching thread (one tick at a time).
  private byte[] seen;
  private String seenProblem;
  private String lastTickProblem;
  private String warned;
  /** Ticks done, so that tests can wait for ticks rather than for time. */
  private final AtomicLong ticks = new AtomicLong();

  /** Puts the bytes of the files (in their order) in force, or throws naming the problem. */
  interface ApplyBytes {
    void apply(List<byte[]> contents);
  }

  /**
   * @param read reads one file; an IllegalArgumentException naming it when it cannot
   * @param initial the bytes in force now, as read at start-up
   * @param keeping what stays in force after a problem, for the warning
   * @param log where the warnings go: the owner's logger
   */
  FileWatch(List<Path> files, Function<Path, byte[]> read, List<byte[]> initial,
      ApplyBytes apply, Supplier<String> keeping, Logger log) {
    this.files = List.copyOf(files);
    this.read = read;
    this.apply = apply;
    this.keeping = keeping;
    this.log = log;
    this.seen = digest(initial);
  }

  /** Checks every {@code interval} on {@code timer} until the returned future is cancelled. */
  ScheduledFuture<?> watch(ScheduledExecutorService timer, Duration interval) {
    long nanos = interval.toNanos();
    return timer.scheduleWithFixedDelay(() -> {
      try {
        check();
      } catch (RuntimeException e) { // a bug: keep watching (an escaped one would end it)
        log.log(Level.WARNING, files + ": the check for changes failed", e);
      }
    }, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /** One tick: reads the files, and hands changed bytes on or notes a problem. */
  void check() {
    String problem;
    try {
      List<byte[]> contents = new ArrayList<>();
      for (Path f : files) {
        contents.add(read.apply(f));
      }
      byte[] digest = digest(contents);
      if (!Arrays.equals(digest, seen)) {
        seen = digest;
        seenProblem = null;
        try {
          apply.apply(contents);
        } catch (IllegalArgumentException e) {
          seenProblem = e.getMessage();
        }
      }
      problem = seenProblem;
    } catch (IllegalArgumentException e) {
      problem = e.getMessage(); // cannot read it: the bytes seen last stay the ones compared
    }
    if (problem != null && problem.equals(lastTickProblem) && !problem.equals(warned)) {
      log.warning(problem + "; " + keeping.get());
      warned = problem;
    } else if (problem == null) {
      warned = null;
    }
    lastTickProblem = problem;
    ticks.incrementAndGet();
  }

  long ticks() {
    return ticks.get();
  }

  /** Of the files' whole bytes, each after its length, so that secrets are not kept. */
  private static byte[] digest(List<byte[]> contents) {
    MessageDigest d = Sha256.newDigest();
    for (byte[] c : contents) {
      d.update(Integer.toString(c.length).getBytes(StandardCharsets.US_ASCII));
      d.update((byte) ':');
      d.update(c);
    }
    return d.digest();
  }
}
