package dev.fgbg.server.admission;

import dev.fgbg.common.Durations;
import dev.fgbg.core.load.NamedLimit;
import dev.fgbg.core.load.Share;
import dev.fgbg.server.options.OptionValueException;
import java.time.Duration;
import java.util.Objects;

/**
 * How much load the server takes on: the memory budget for rendered bytes, the stream caps, and
 * the admission limits of Stats, Export and Gallery (each with a per-client share of half its
 * places). Immutable; the builder rejects a bad value naming the
 * field. Refusals name the limits by their {@code fgbg serve} flags.
 *
 * @param memoryBudgetBytes bytes rendered ahead (or held for a reply) across all calls
 * @param maxStreams StreamEpoch calls open at once, over all clients
 * @param maxStreamsPerClient StreamEpoch calls one client may have open at once
 * @param maxStats Stats requests computed at once; {@code statsQueue} more may wait
 * @param maxExports exports running at once; {@code exportQueue} more may wait
 * @param maxGalleries galleries drawn at once; {@code galleryQueue} more may wait
 * @param unreadReply how long a connection's GetSamples replies may go unread while
 *     others wait for the budget before its calls are ended ({@link UnreadReplies})
 * @param unreadStream how long a stream must have gone unread to be ended when its
 *     client's new stream needs its slot ({@link UnreadStreams})
 */
public record LoadOptions(long memoryBudgetBytes, int maxStreams, int maxStreamsPerClient,
    int maxStats, int statsQueue, int maxExports, int exportQueue, int maxGalleries,
    int galleryQueue, Duration unreadReply, Duration unreadStream) {

  /** The smallest budget accepted (a budget below one message still works: it serialises). */
  public static final long MIN_BUDGET_BYTES = 1L << 20;

  /** The shortest unread time accepted: a reply or stream needs a moment to be read at all. */
  public static final Duration MIN_UNREAD = Duration.ofMillis(100);

  public LoadOptions {
    check(memoryBudgetBytes >= MIN_BUDGET_BYTES, "memoryBudgetBytes", memoryBudgetBytes,
        "must be at least " + MIN_BUDGET_BYTES);
    check(maxStreams >= 1, "maxStreams", maxStreams, "must be at least 1");
    check(maxStreamsPerClient >= 1, "maxStreamsPerClient", maxStreamsPerClient,
        "must be at least 1");
    check(maxStats >= 1, "maxStats", maxStats, "must be at least 1");
    check(statsQueue >= 0, "statsQueue", statsQueue, "must not be negative");
    check(maxExports >= 1, "maxExports", maxExports, "must be at least 1");
    check(exportQueue >= 0, "exportQueue", exportQueue, "must not be negative");
    check(maxGalleries >= 1, "maxGalleries", maxGalleries, "must be at least 1");
    check(galleryQueue >= 0, "galleryQueue", galleryQueue, "must not be negative");
    checkUnread(unreadReply, "unreadReply");
    checkUnread(unreadStream, "unreadStream");
  }

  private static void check(boolean ok, String field, Object value, String rule) {
    OptionValueException.check(ok, field, value, rule);
  }

  private static void checkUnread(Duration d, String field) {
    Objects.requireNonNull(d, field);
    check(d.compareTo(MIN_UNREAD) >= 0, field, d,
        "must be at least " + Durations.words(MIN_UNREAD));
  }

  /** How long replies may go unread while others wait, by default. */
  public static final Duration DEFAULT_UNREAD_REPLY = Duration.ofSeconds(10);

  /** How long a stream must go unread to be ended for its client's newcomer, by default. */
  public static final Duration DEFAULT_UNREAD_STREAM = Duration.ofSeconds(60);

  /** The default budget where the heap allows: {@code ./fgbg serve} sizes the heap to it. */
  public static final long DEFAULT_BUDGET_BYTES = 512L << 20;

  /**
   * The default budget in a JVM of {@code maxHeapBytes}: {@link #DEFAULT_BUDGET_BYTES}, or half
   * the heap when that is less (room for caches, assets and the transport beside it).
   */
  public static long defaultBudgetBytes(long maxHeapBytes) {
    return Math.max(MIN_BUDGET_BYTES, Math.min(DEFAULT_BUDGET_BYTES, maxHeapBytes / 2));
  }

  NamedLimit streamsLimit() {
    return new NamedLimit("--max-streams", maxStreams);
  }

  NamedLimit perClientLimit() {
    return new NamedLimit("--max-streams-per-client", maxStreamsPerClient);
  }

  NamedLimit statsLimit() {
    return new NamedLimit("--max-stats", maxStats);
  }

  NamedLimit statsQueueLimit() {
    return new NamedLimit("--stats-queue", statsQueue);
  }

  /**
   * What one client may hold of Stats: {@link Share#half}, the rule of every heavy request's
   * places (Stats, Export, Gallery), so that a client sending a burst leaves the other half to
   * everyone else.
   */
  Share statsShare() {
    return Share.half(statsLimit(), statsQueueLimit());
  }

  NamedLimit exportsLimit() {
    return new NamedLimit("--max-exports", maxExports);
  }

  NamedLimit exportQueueLimit() {
    return new NamedLimit("--export-queue", exportQueue);
  }

  /** As Stats': one client's exports leave room for another's (a big batch fills no slot). */
  Share exportShare() {
    return Share.half(exportsLimit(), exportQueueLimit());
  }

  NamedLimit galleriesLimit() {
    return new NamedLimit("--max-galleries", maxGalleries);
  }

  NamedLimit galleryQueueLimit() {
    return new NamedLimit("--gallery-queue", galleryQueue);
  }

  /** As Stats': one client's burst of galleries leaves room for the others'. */
  Share galleryShare() {
    return Share.half(galleriesLimit(), galleryQueueLimit());
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds {@link LoadOptions}. Defaults: a budget of 512 MiB (half the max heap if that is
   * less), 256 streams of which 64 per client, 2 Stats computed and 16 queued, 4 exports running
   * and 8 queued, 2 galleries drawn and 16 queued, replies unread for 10 s ended while others
   * wait, a stream unread for 60 s ended for its client's newcomer.
   */
  public static final class Builder {
    private long memoryBudgetBytes = defaultBudgetBytes(Runtime.getRuntime().maxMemory());
    private int maxStreams = 256;
    private int maxStreamsPerClient = 64;
    private int maxStats = 2;
    private int statsQueue = 16;
    private int maxExports = 4;
    private int exportQueue = 8;
    private int maxGalleries = 2;
    private int galleryQueue = 16;
    private Duration unreadReply = DEFAULT_UNREAD_REPLY;
    private Duration unreadStream = DEFAULT_UNREAD_STREAM;

    private Builder() {}

    public Builder memoryBudgetBytes(long bytes) {
      this.memoryBudgetBytes = bytes;
      return this;
    }

    public Builder maxStreams(int n) {
      this.maxStreams = n;
      return this;
    }

    public Builder maxStreamsPerClient(int n) {
      this.maxStreamsPerClient = n;
      return this;
    }

    public Builder maxStats(int n) {
      this.maxStats = n;
      return this;
    }

    public Builder statsQueue(int n) {
      this.statsQueue = n;
      return this;
    }

    public Builder maxExports(int n) {
      this.maxExports = n;
      return this;
    }

    public Builder exportQueue(int n) {
      this.exportQueue = n;
      return this;
    }

    public Builder maxGalleries(int n) {
      this.maxGalleries = n;
      return this;
    }

    public Builder galleryQueue(int n) {
      this.galleryQueue = n;
      return this;
    }

    public Builder unreadReply(Duration d) {
      this.unreadReply = Objects.requireNonNull(d, "unreadReply");
      return this;
    }

    public Builder unreadStream(Duration d) {
      this.unreadStream = Objects.requireNonNull(d, "unreadStream");
      return this;
    }

    public LoadOptions build() {
      return new LoadOptions(memoryBudgetBytes, maxStreams, maxStreamsPerClient, maxStats,
          statsQueue, maxExports, exportQueue, maxGalleries, galleryQueue, unreadReply,
          unreadStream);
    }
  }
}
