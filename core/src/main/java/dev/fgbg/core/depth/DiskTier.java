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
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Depth maps on disk under {@code dir/<fingerprint>/<seed>/<index / 1000>/<index>.depth}, so a
 * restart does not recompute. Each file is one {@link DepthRecord} (checksummed, float16 as
 * served): a corrupt or truncated record, or a FIFO, socket or device in its place (never opened),
 * reads as absent (and is deleted), and so, quietly, does a record of the earlier float32 format.
 * Records are written to a new temporary name and renamed: servers sharing the folder never see
 * half a record. The total size is bounded by one eviction rule ({@link #evict}: the oldest
 * records go first), applied after each write, at start-up (a limit lowered since the records
 * were written), and when the disk is full (records evicted to make room, the write retried a
 * bounded number of times). A failed write removes its temporary file, and start-up removes
 * those older than {@link DiskScan#STALE} (left by a killed server). Failures are logged at
 * most once a minute per kind ({@link MinuteLines}). The same machinery keeps other
 * {@link DiskKind}s of record, each in a folder of its own, by a key of its own
 * ({@link #read(String)}, {@link #write(String, byte[])}), as the photo loader's prepared photos.
 */
public final class DiskTier {
  private static final Logger LOG = Logger.getLogger(DiskTier.class.getName());
  /** Writes of one record, the first included, when each finds the disk full. */
  static final int TRIES_WHEN_FULL = 3;

  private final Path dir;
  private final DiskKind kind;
  private final long maxBytes;
  private final DepthStats stats;
  private final LinkedHashMap<Path, Long> sizes = new LinkedHashMap<>();
  private long total;
  private final MinuteLines writeFailures;
  private final MinuteLines corruptRecords;

  /**
   * The tier over {@code dir}, or null (the tier off) when the folder cannot be written: that is
   * reported once here, at start-up, rather than once per sample.
   */
  public static DiskTier open(Path dir, long maxBytes, DepthStats stats) throws IOException {
    return open(dir, maxBytes, stats, DiskKind.DEPTH);
  }

  /** As above, a tier of {@code kind}. */
  public static DiskTier open(Path dir, long maxBytes, DepthStats stats, DiskKind kind)
      throws IOException {
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
    return new DiskTier(dir, maxBytes, stats, Ticker.systemTicker(), kind);
  }

  public DiskTier(Path dir, long maxBytes, DepthStats stats) throws IOException {
    this(dir, maxBytes, stats, Ticker.systemTicker());
  }

  /** As the other constructor, with warnings timed by {@code ticker}. */
  DiskTier(Path dir, long maxBytes, DepthStats stats, Ticker ticker) throws IOException {
    this(dir, maxBytes, stats, ticker, DiskKind.DEPTH);
  }

  private DiskTier(Path dir, long maxBytes, DepthStats stats, Ticker ticker, DiskKind kind)
      throws IOException {
    this.dir = dir;
    this.kind = kind;
    this.stats = stats;
    this.writeFailures = warnings(ticker, kind, "writes failed");
    this.corruptRecords = warnings(ticker, kind, "corrupt or truncated records were recomputed");
    Files.createDirectories(dir);
    DiskScan scan = DiskScan.walk(dir, Instant.now(), kind, p -> { });
    for (DiskScan.Found f : scan.records()) {
      sizes.put(f.path(), f.size());
      total += f.size();
    }
    if (scan.removed() > 0) {
      LOG.info(kind.label() + " " + dir + ": removed " + scan.removed() + " temporary files "
          + "left by writes that never finished");
    }
    this.maxBytes = DiskLimit.of(dir, maxBytes, total);
    LOG.info(String.format(Locale.ROOT, "%s %s: %d records, %.1f MB (%s)", kind.label(), dir,
        sizes.size(), total / 1e6, DiskLimit.describe(maxBytes, this.maxBytes)));
    trimToLimit();
    // The default is bounded by the free space already: only a limit the user gave is warned of.
    String tight = maxBytes == DiskLimit.DEFAULT ? null
        : DiskLimit.overFreeSpace(kind.label(), dir, maxBytes, total);
    if (tight != null) {
      LOG.warning(tight);
    }
  }

  /**
   * A limit lowered since the records were written holds from start-up on, not from the first
   * write (a server that only reads, its cache warm, would never free the space).
   */
  private synchronized void trimToLimit() {
    int before = sizes.size();
    long freed = evict(total - maxBytes, null, false);
    if (freed > 0) {
      LOG.info(String.format(Locale.ROOT, "%s %s: removed the %d oldest records, %.1f MB, to "
          + "keep to its limit of %.1f MB (--disk-cache-gb); %d records, %.1f MB remain",
          kind.label(), dir, before - sizes.size(), freed / 1e6, maxBytes / 1e6, sizes.size(),
          total / 1e6));
    }
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
        account(p, record.length);
        return;
      }
      boolean full = DiskFull.in(e);
      if (tries < TRIES_WHEN_FULL && full && makeRoom(p, record.length)) {
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
   * Evicts the oldest records, as many bytes as {@code size} (the freed blocks then hold the
   * record), unless even all the others and the free space together could not: a record the
   * disk can never hold empties no cache. True when something was evicted.
   */
  private synchronized boolean makeRoom(Path keep, long size) {
    long free;
    try {
      free = Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      return false;
    }
    long others = total - sizes.getOrDefault(keep, 0L);
    return others + free >= size && evict(size, keep, true) > 0;
  }

  private synchronized void account(Path p, long size) {
    Long old = sizes.remove(p);
    total += size - (old == null ? 0 : old);
    sizes.put(p, size);
    evict(total - maxBytes, p, false);
  }

  /**
   * The one eviction rule: deletes the oldest records (by write, or at start-up by modification
   * time) but {@code keep} until at least {@code bytes} are freed or none is left; the bytes
   * freed. Another server (or a user clearing the folder) may already have removed a file: it
   * is forgotten all the same, and counts as freed {@code onDisk} only if this delete removed
   * it, so that a full disk goes on evicting until it truly has room. The caller holds the lock.
   */
  private long evict(long bytes, Path keep, boolean onDisk) {
    long freed = 0;
    var it = sizes.entrySet().iterator();
    while (freed < bytes && it.hasNext()) {
      Map.Entry<Path, Long> e = it.next();
      if (e.getKey().equals(keep)) {
        continue;
      }
      boolean deleted;
      try {
        deleted = Files.deleteIfExists(e.getKey());
      } catch (IOException gone) {
        deleted = false; // another server may have removed it, or its folder
      }
      freed += deleted || !onDisk ? e.getValue() : 0;
      total -= e.getValue();
      it.remove();
    }
    return freed;
  }

  /**
   * How many records the tier holds for {@code fingerprint} (every seed): from what it counts
   * already, no walk of the folder.
   */
  public synchronized long records(String fingerprint) {
    Path under = dir.resolve(fingerprint);
    return sizes.keySet().stream().filter(p -> p.startsWith(under)).count();
  }

  public synchronized long bytes() {
    return total;
  }

  /** The limit it keeps to: the one given, or the default's as start-up bounded it. */
  public long limit() {
    return maxBytes;
  }
}
