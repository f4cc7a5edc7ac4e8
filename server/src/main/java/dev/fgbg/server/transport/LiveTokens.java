package dev.fgbg.server.transport;

import dev.fgbg.common.InWords;
import dev.fgbg.core.Quoted;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The bearer tokens in force: those of {@code --token-file} as read at start-up, replaced while
 * the server runs when the file changes, so that credentials rotate without a restart.
 *
 * <p>{@link #watch} reads the file every {@link #interval()} ({@link FileWatch}: its bytes are
 * compared, so a Kubernetes {@code ..data} symlink swap counts). Changed bytes are parsed by the
 * start-up rules; a valid set replaces the old at once, atomically (the next call and the
 * next UI request are checked against the new set, and the {@link #onReload} listeners end the
 * running calls of tokens it no longer holds), with one INFO line; an invalid or unreadable
 * file leaves the old set in force, with one WARNING. A file that becomes readable by every
 * user is warned about as at start-up, once per change of mode.
 */
public final class LiveTokens {
  private static final Logger LOG = Logger.getLogger(LiveTokens.class.getName());
  /** No tokens: nothing is asked of callers. */
  public static final LiveTokens NONE = fixed(AccessTokens.NONE);

  private final Path file;
  private final Duration interval;
  private final AtomicReference<AccessTokens> current;
  private final FileWatch changes;
  /** Told each set put in force by a reload, after it is in force. */
  private final List<Consumer<AccessTokens>> reloaded = new CopyOnWriteArrayList<>();
  /** The pace of token checks per client address, on the gRPC port and the web UI alike. */
  private final TokenGuesses guesses = new TokenGuesses();
  /** Whether the file could be read by every user at the last read; the watching thread's. */
  private boolean worldReadable;
  /** The names of weak tokens warned about: once each, not at every reload. */
  private final Set<String> warnedWeak = ConcurrentHashMap.newKeySet();

  private LiveTokens(Path file, Duration interval, AccessTokens tokens, byte[] bytes) {
    this.file = file;
    this.interval = interval;
    this.current = new AtomicReference<>(tokens);
    this.worldReadable = file != null && AccessTokens.worldReadable(file);
    this.changes = file == null ? null : new FileWatch(List.of(file), this::read,
        List.of(bytes), contents -> replace(contents.get(0)),
        () -> "the " + InWords.count(size(), "token") + " read before "
            + (size() == 1 ? "stays" : "stay") + " in force", LOG);
    if (file != null) {
      warnIfWeak(tokens);
    }
  }

  /**
   * One WARNING per token name, the first time a read finds its token weak ({@link
   * AccessTokens#GOOD_BITS}): named, never shown. It is accepted still.
   */
  private void warnIfWeak(AccessTokens tokens) {
    for (String name : tokens.weak()) {
      if (warnedWeak.add(name)) {
        LOG.warning("--token-file " + file + ": the token of " + Quoted.of(name) + " looks"
            + " chosen by a person (under " + AccessTokens.GOOD_BITS + " bits by length and"
            + " kinds of characters); it is accepted, but a guesser may find it: replace it"
            + " with a random one, e.g. openssl rand -hex 32");
      }
    }
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
    // One read for the tokens and the bytes compared, so that a change between two is not lost.
    byte[] bytes = AccessTokens.read(file);
    AccessTokens tokens = AccessTokens.parse(bytes, file);
    AccessTokens.warnIfWorldReadable(file);
    return new LiveTokens(file, interval, tokens, bytes);
  }

  /** Tells {@code listener} each set a reload puts in force (on the reload thread). */
  public void onReload(Consumer<AccessTokens> listener) {
    reloaded.add(listener);
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

  /** How fast each client address may have tokens checked. */
  public TokenGuesses guesses() {
    return guesses;
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
    return changes == null ? null : changes.watch(timer, interval);
  }

  /** One tick, as the timer runs it. */
  void check() {
    changes.check();
  }

  /** How many checks have been done. */
  long ticks() {
    return changes.ticks();
  }

  /**
   * Reads the file for a tick, warning as at start-up when it has become readable by every user
   * (a chmod, or a file moved over it): once per change of mode, not at every tick.
   */
  private byte[] read(Path f) {
    byte[] bytes = AccessTokens.read(f);
    boolean now = AccessTokens.worldReadable(f);
    if (now && !worldReadable) {
      AccessTokens.warnIfWorldReadable(f);
    }
    worldReadable = now;
    return bytes;
  }

  /** Parses {@code bytes} and puts them in force; an IllegalArgumentException if invalid. */
  private void replace(byte[] bytes) {
    AccessTokens next = AccessTokens.parse(bytes, file);
    AccessTokens was = current.getAndSet(next);
    // Said first: the lines of calls its listeners end (a revoked token's) follow it.
    LOG.info("--token-file " + file + " reloaded: " + InWords.count(next.size(), "token")
        + " (was " + was.size() + ")");
    warnIfWeak(next);
    reloaded.forEach(l -> l.accept(next));
  }
}
