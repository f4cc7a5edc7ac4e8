package dev.fgbg.core.depth;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.common.DiskFull;
import dev.fgbg.common.InWords;
import dev.fgbg.common.RegularFiles;
import dev.fgbg.common.observe.MinuteLines;
import dev.fgbg.core.dataset.DepthMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Depth maps on disk under {@code dir/<fingerprint>/<seed>/<index / 1000>/<index>.depth}, so a
 * restart does not recompute. Each file is one {@link DepthRecord} (checksummed, float16 as
 * served): a corrupt or truncated record, or a FIFO, socket or device in its place (never opened),
 * reads as absent (and is deleted), and so, quietly, does a record of the earlier float32 format.
 * Records are written to a new temporary name and renamed: servers sharing the folder never see
 * half a record. The total size, with the other tier's of the same {@code --cache-dir}, is
 * bounded by one {@link DiskBudget} and its one eviction rule, applied after each write, at
 * start-up (a limit lowered since the records were written), and when the disk is full (records
 * evicted to make room, the write retried a bounded number of times). A failed write removes
 * its temporary file, and start-up removes those older than {@link DiskScan#STALE} (left by a
 * killed server). Failures are logged at most once a minute per kind ({@link MinuteLines}).
 * The same machinery keeps other {@link DiskKind}s of record, each in a folder of its own, by a
 * key of its own ({@link #read(String)}, {@link #write(String, byte[])}), as the photo loader's
 * prepared photos.
 */
public final class DiskTier {
  private static final Logger LOG = Logger.getLogger(DiskTier.class.getName());
  /** Writes of one record, the first included, when each finds the disk full. */
  static final int TRIES_WHEN_FULL = 3;

  private final Path dir;
  private final DiskKind kind;
  private final DiskBudget budget;
  private final DepthStats stats;
  private final MinuteLines writeFailures;
  private final MinuteLines corruptRecords;

  /**
   * The tier over {@code dir}, or null (the tier off) when the folder cannot be written: that is
   * reported once here, at start-up, rather than once per sample. Bounded alone, by a budget of
   * its own.
   */
  public static DiskTier open(Path dir, long maxBytes, DepthStats stats) throws IOException {
    return open(dir, maxBytes, stats, DiskKind.DEPTH);
  }

  /** As above, a tier of {@code kind}. */
  public static DiskTier open(Path dir, long maxBytes, DepthStats stats, DiskKind kind)
      throws IOException {
    return open(DiskBudget.alone(dir, maxBytes, kind), stats, kind);
  }

  /** As above, the tier of {@code kind} of {@code budget}'s folder, bounded with the others. */
  public static DiskTier open(DiskBudget budget, DepthStats stats, DiskKind kind)
      throws IOException {
    Path dir = budget.folder(kind);
    try {
      Files.createDirectories(dir);
      Files.delete(Files.createTempFile(dir, ".probe", ".tmp"));
    } catch (IOException e) {
      String why = Files.exists(dir) && !Files.isDirectory(dir) ? "it is a file, not a folder"
          : InWords.of(e);
      LOG.warning(kind.label() + " " + dir + " is not writable (" + why + "); the "
          + "disk tier is off (records already there are not read either: give a writable "
          + "folder, or a writable copy) and " + kind.without());
      return null;
    }
    return new DiskTier(budget, stats, Ticker.systemTicker(), kind);
  }

  public DiskTier(Path dir, long maxBytes, DepthStats stats) throws IOException {
    this(dir, maxBytes, stats, Ticker.systemTicker());
  }

  /** As the other constructor, with warnings timed by {@code ticker}. */
  DiskTier(Path dir, long maxBytes, DepthStats stats, Ticker ticker) throws IOException {
    this(DiskBudget.alone(dir, maxBytes, DiskKind.DEPTH), stats, ticker, DiskKind.DEPTH);
  }

  private DiskTier(DiskBudget budget, DepthStats stats, Ticker ticker, DiskKind kind)
      throws IOException {
    this.dir = budget.folder(kind);
    this.kind = kind;
    this.budget = budget;
    this.stats = stats;
    this.writeFailures = warnings(ticker, kind, "writes failed");
    this.corruptRecords = warnings(ticker, kind, "corrupt or truncated records were recomputed");
    Files.createDirectories(dir);
    budget.open();
  }

  private Path path(DepthKey k) {
    return dir.resolve(k.fingerprint()).resolve(Long.toUnsignedString(k.seed()))
        .resolve(Long.toString(k.index() / 1000)).resolve(k.index() + ".depth");
  }

  /** The stored map, or null when absent, truncated or corrupt. */
  public DepthMap read(DepthKey k) {
    Path p = path(k);
    byte[] b = bytes(p);
    if (b == null) {
      return null;
    }
    DepthMap m = DepthRecord.decode(k, b, 0, b.length);
    if (m == null && DepthRecord.isFloat32Record(b, 0, b.length)) {
      return outdated(p);
    }
    return m != null ? m : corrupt(p, "is corrupt or truncated");
  }

  /**
   * The bytes of the record at {@code relative} (a kind's own key, under the folder), or null
   * when absent; a FIFO, socket or device there is removed as a corrupt record.
   */
  public byte[] read(String relative) {
    return bytes(dir.resolve(relative));
  }

  private byte[] bytes(Path p) {
    try {
      if (RegularFiles.isOther(p)) { // opened, a FIFO would block this worker for ever
        corrupt(p, RegularFiles.NOT_REGULAR);
        return null;
      }
      return Files.readAllBytes(p);
    } catch (IOException e) {
      return null;
    }
  }

  /** The record at {@code relative} failed its kind's checks ({@code why}): removed, said. */
  public void discard(String relative, String why) {
    corrupt(dir.resolve(relative), why);
  }

  /** A record of the earlier float32 format: replaced quietly by a recomputed one. */
  private DepthMap outdated(Path p) {
    LOG.fine(() -> "depth disk cache: " + p + " holds float32 depth; recomputing it as float16");
    RecordFiles.removeQuietly(p); // rewritten after the recomputation
    return null;
  }

  /** A record that cannot be used ({@code why}): deleted (a FIFO, too), then recomputed. */
  private DepthMap corrupt(Path p, String why) {
    stats.recordDiskCorrupt();
    corruptRecords.log(kind.label() + ": " + p + " " + why + "; recomputing it ("
        + MinuteLines.COUNTED + ")", p.toString());
    RecordFiles.removeQuietly(p); // rewritten after the recomputation
    return null;
  }

  /** WARNING lines at most once a minute; {@code many}: the events summed up. */
  private static MinuteLines warnings(Ticker ticker, DiskKind kind, String many) {
    return new MinuteLines(LOG, Level.WARNING, ticker::read, (n, s, latest) -> String.format(
        Locale.ROOT, "%s: %d more %s in the last %d s (last: %s)", kind.label(), n, many, s,
        latest));
  }

  /**
   * Stores a map; failures are logged, never fatal (the memory tier still has it). On a full
   * disk the oldest records are evicted to make room and the write is tried again, at most
   * {@link #TRIES_WHEN_FULL} times in all.
   */
  public void write(DepthKey k, DepthMap m) {
    write(path(k), DepthRecord.encode(k, m));
  }

  /** As above, {@code record} stored at {@code relative} (a kind's own key). */
  public void write(String relative, byte[] record) {
    write(dir.resolve(relative), record);
  }

  private void write(Path p, byte[] record) {
    for (int tries = 1; ; tries++) {
      IOException e = RecordFiles.write(p, record);
      if (e == null) {
        budget.account(kind, p, record.length);
        return;
      }
      boolean full = DiskFull.in(e);
      if (tries < TRIES_WHEN_FULL && full && budget.makeRoom(p, record.length)) {
        continue;
      }
      if (full) {
        stats.recordDiskFull();
      }
      String why = p + ": " + (Files.isDirectory(p) ? "a folder is in its place" : InWords.of(e));
      writeFailures.log(kind.label() + ": cannot write " + why + " (" + MinuteLines.COUNTED
          + ")", why);
      return;
    }
  }

  /**
   * How many records the tier holds for {@code fingerprint} (every seed): from what it counts
   * already, no walk of the folder.
   */
  public long records(String fingerprint) {
    return budget.records(kind, dir.resolve(fingerprint));
  }

  /** The bytes this tier's records hold (the other tier's not counted). */
  public long bytes() {
    return budget.bytes(kind);
  }

  /**
   * The limit it keeps to, with the other tier of its folder: the one given, or the default's as
   * start-up bounded it.
   */
  public long limit() {
    return budget.limit();
  }
}
