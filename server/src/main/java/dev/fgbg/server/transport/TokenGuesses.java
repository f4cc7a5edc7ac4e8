package dev.fgbg.server.transport;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Paces the bearer tokens each client address may have checked, on the gRPC port and the web UI
 * alike (one instance per {@link LiveTokens}), so that tokens cannot be guessed at full speed.
 *
 * <p>Each address ({@link ClientIdentity#address}: every process on one host is one client) has
 * a bucket of {@link #BURST} checks that refills one every {@link #PACE}. Every presented token
 * takes one before it is compared; a token that matches gives it back, so a client showing a
 * valid token never uses the bucket up. Once wrong tokens have emptied it, a token from that
 * address is refused without being compared ({@link Refusal}: "too many wrong tokens from ...;
 * try again in N s") until a check is back: guessing goes at {@link #BURST} then two a second
 * per address, however many calls are in flight. The token a gRPC connection already passed
 * with ({@link ConnectionCalls.Call#connectionShowed}), or a web UI session, is no guess and
 * takes nothing: a client connected before the guessing began (a trainer beside a stale job
 * retrying a revoked token on its host) is never refused. A new connection with a valid token
 * on that address is refused while wrong tokens keep the bucket empty, and gets in within a
 * {@link #PACE} once they stop: no one is locked out for longer than the guessing lasts.
 * Checking its token first would not slow guessing: a right guess would still be told at once.
 *
 * <p>At most {@code maxTracked} addresses are kept (the least recently seen goes first, which
 * gives it a full bucket again); an address whose bucket has refilled is dropped. No token is
 * kept here.
 */
public final class TokenGuesses {
  /** Wrong tokens an address may try at full speed. */
  public static final int BURST = 10;
  /** One more check per address each this long, once the {@link #BURST} is spent. */
  public static final Duration PACE = Duration.ofMillis(500);
  /** Addresses tracked at most, by default. */
  public static final int MAX_TRACKED = 10_000;

  /** Why a token was not compared, and in how many seconds a check is back (at least 1). */
  public record Refusal(String words, long seconds) {}

  private final LongSupplier nanos;
  private final int maxTracked;
  private final long pace = PACE.toNanos();
  /**
   * Each address's theoretical time its bucket is full again (GCRA), least recently used first;
   * guarded by itself.
   */
  private final LinkedHashMap<String, Long> full;

  public TokenGuesses() {
    this(System::nanoTime, MAX_TRACKED);
  }

  /** {@code nanos}: the clock (a test's own); {@code maxTracked}: addresses kept at most. */
  TokenGuesses(LongSupplier nanos, int maxTracked) {
    this.nanos = nanos;
    this.maxTracked = maxTracked;
    this.full = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
        return size() > TokenGuesses.this.maxTracked;
      }
    };
  }

  /**
   * Takes one check for a token from {@code address}: null when taken (compare the token, and
   * {@link #matched} if it matches), else the refusal to answer without comparing it.
   */
  public Refusal take(String address) {
    long now = nanos.getAsLong();
    synchronized (full) {
      Long at = full.get(address);
      long next = Math.max(at == null ? now : at, now) + pace;
      long over = next - now - BURST * pace;
      if (over > 0) {
        long seconds = Math.max(1, (over + 999_999_999L) / 1_000_000_000L);
        return new Refusal("too many wrong tokens from " + address + "; try again in "
            + seconds + " s (a token is checked " + BURST + " times at once, then twice a "
            + "second, per client address)", seconds);
      }
      full.put(address, next);
      return null;
    }
  }

  /** Gives back the check a matching token took: valid tokens do not use the bucket up. */
  public void matched(String address) {
    long now = nanos.getAsLong();
    synchronized (full) {
      Long at = full.get(address);
      if (at != null) {
        if (at - pace <= now) {
          full.remove(address); // full again: nothing to track
        } else {
          full.put(address, at - pace);
        }
      }
    }
  }

  /** How many addresses are tracked now. */
  int tracked() {
    synchronized (full) {
      full.values().removeIf(at -> at <= nanos.getAsLong()); // refilled: nothing to track
      return full.size();
    }
  }
}
