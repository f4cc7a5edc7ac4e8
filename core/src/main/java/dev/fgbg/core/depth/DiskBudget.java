package dev.fgbg.core.depth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The one {@code --disk-cache-gb} of a {@code --cache-dir}: the bytes both its tiers hold (depth
 * maps in the folder, prepared photos in its {@code photos/}), counted by one start-up walk of
 * the folder, and the one eviction rule that keeps them under the limit together. Eviction takes
 * the depth tier's oldest records first and the photo tier's, oldest first, only when no depth
 * record is left but the one being written: the photos are the few records every start reads
 * before the server listens (each lost one is decoded again there, at every start that finds it
 * gone), while depth maps are the many that fill the folder, read by samples during serving
 * (each lost one is one model run, when its sample is asked for again). The tiers share it,
 * opened (walked) by whichever opens first; its records found at start-up, oldest first by
 * modification time, then in the order they are written.
 */
public final class DiskBudget {
  /** DiskTier's: every line of a disk tier under the one logger name. */
  private static final Logger LOG = Logger.getLogger(DiskTier.class.getName());

  private final Path root;
  private final long given;
  /** Each kind's folder, in eviction order: the depth tier's records go first. */
  private final Map<DiskKind, Path> folders;
  /** Each kind's records by path, oldest first. */
  private final Map<DiskKind, LinkedHashMap<Path, Long>> held = new LinkedHashMap<>();
  /** Each kind's bytes (one slot each), so a metrics scrape sums nothing. */
  private final Map<DiskKind, long[]> sums = new LinkedHashMap<>();
  private long total;
  private long maxBytes;
  private boolean opened;

  private DiskBudget(Path root, long given, Map<DiskKind, Path> folders) {
    this.root = root;
    this.given = given;
    this.folders = folders;
    folders.keySet().forEach(k -> {
      held.put(k, new LinkedHashMap<>());
      sums.put(k, new long[1]);
    });
  }

  /**
   * The budget of both tiers of {@code cacheDir} (null for none), {@code given} bytes or
   * {@link DiskLimit#DEFAULT}; nothing is read before a tier opens.
   */
  public static DiskBudget of(Path cacheDir, long given) {
    if (cacheDir == null) {
      return null;
    }
    Map<DiskKind, Path> folders = new LinkedHashMap<>();
    folders.put(DiskKind.DEPTH, cacheDir);
    folders.put(DiskKind.PHOTOS, cacheDir.resolve(PhotoTier.FOLDER));
    return new DiskBudget(cacheDir, given, folders);
  }

  /** A budget of one tier alone, of {@code kind} in {@code dir} (tests' tiers). */
  static DiskBudget alone(Path dir, long given, DiskKind kind) {
    return new DiskBudget(dir, given, Map.of(kind, dir));
  }

  /** The folder of {@code kind}'s records. */
  Path folder(DiskKind kind) {
    return folders.get(kind);
  }

  Path root() {
    return root;
  }

  /**
   * The first call walks every tier's folder once (the depth walk leaves {@code photos/} to the
   * photo walk), sets the limit from what they hold together and evicts down to it.
   */
  synchronized void open() throws IOException {
    if (opened) {
      return;
    }
    Instant now = Instant.now();
    List<String> found = new ArrayList<>();
    for (Map.Entry<DiskKind, Path> f : folders.entrySet()) {
      DiskKind kind = f.getKey();
      Path dir = f.getValue();
      long before = total;
      if (Files.isDirectory(dir)) {
        DiskScan scan = DiskScan.walk(dir, now, kind, p -> { });
        for (DiskScan.Found r : scan.records()) {
          held.get(kind).put(r.path(), r.size());
          total += r.size();
          sums.get(kind)[0] += r.size();
        }
        if (scan.removed() > 0) {
          LOG.info(kind.label() + " " + dir + ": removed " + scan.removed() + " temporary "
              + "files left by writes that never finished");
        }
      }
      found.add(String.format(Locale.ROOT, "%s %s: %d records, %.1f MB", kind.label(), dir,
          held.get(kind).size(), (total - before) / 1e6));
    }
    opened = true;
    maxBytes = DiskLimit.of(root, given, total);
    LOG.info(String.join(", ", found) + " ("
        + DiskLimit.describe(given, maxBytes, folders.size() > 1) + ")");
    trimToLimit();
    // The default is bounded by the free space already: only a limit the user gave is warned of.
    String tight = given == DiskLimit.DEFAULT ? null
        : DiskLimit.overFreeSpace(label(), root, given, total);
    if (tight != null) {
      LOG.warning(tight);
    }
  }

  private String label() {
    return folders.size() > 1 ? "disk cache" : folders.keySet().iterator().next().label();
  }

  /**
   * A limit lowered since the records were written holds from start-up on, not from the first
   * write (a server that only reads, its cache warm, would never free the space).
   */
  private void trimToLimit() {
    int before = records();
    long freed = evict(total - maxBytes, null, false);
    if (freed > 0) {
      LOG.info(String.format(Locale.ROOT, "%s %s: removed the %d oldest records, %.1f MB, to "
          + "keep to its limit of %.1f MB (--disk-cache-gb); %d records, %.1f MB remain",
          label(), root, before - records(), freed / 1e6, maxBytes / 1e6, records(),
          total / 1e6));
    }
  }

  private int records() {
    return held.values().stream().mapToInt(Map::size).sum();
  }

  /** A record of {@code kind} written at {@code p}: counted, and the budget kept to. */
  synchronized void account(DiskKind kind, Path p, long size) {
    Long old = held.get(kind).remove(p);
    total += size - (old == null ? 0 : old);
    sums.get(kind)[0] += size - (old == null ? 0 : old);
    held.get(kind).put(p, size);
    evict(total - maxBytes, p, false);
  }

  /**
   * Evicts records, as many bytes as {@code size} (the freed blocks then hold the record),
   * unless even all the others and the free space together could not: a record the disk can
   * never hold empties no cache. True when something was evicted.
   */
  synchronized boolean makeRoom(Path keep, long size) {
    long free;
    try {
      free = Files.getFileStore(root).getUsableSpace();
    } catch (IOException e) {
      return false;
    }
    long mine = held.values().stream().mapToLong(m -> m.getOrDefault(keep, 0L)).sum();
    return total - mine + free >= size && evict(size, keep, true) > 0;
  }

  /**
   * The one eviction rule: deletes records, the depth tier's oldest first, then the photo
   * tier's, but {@code keep}, until at least {@code bytes} are freed or none is left; the bytes
   * freed. Another server (or a user clearing the folder) may already have removed a file: it
   * is forgotten all the same, and counts as freed {@code onDisk} only if this delete removed
   * it, so that a full disk goes on evicting until it truly has room. The caller holds the lock.
   */
  private long evict(long bytes, Path keep, boolean onDisk) {
    long freed = 0;
    for (Map.Entry<DiskKind, LinkedHashMap<Path, Long>> kind : held.entrySet()) {
      var it = kind.getValue().entrySet().iterator();
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
        sums.get(kind.getKey())[0] -= e.getValue();
        it.remove();
      }
    }
    return freed;
  }

  /** How many records of {@code kind} lie under {@code under}: what it counts, no walk. */
  synchronized long records(DiskKind kind, Path under) {
    return held.get(kind).keySet().stream().filter(p -> p.startsWith(under)).count();
  }

  /** The bytes {@code kind}'s records hold. */
  synchronized long bytes(DiskKind kind) {
    return sums.get(kind)[0];
  }

  /** The bytes both tiers hold together. */
  public synchronized long bytes() {
    return total;
  }

  /** The limit of both together: the one given, or the default's as start-up bounded it. */
  public synchronized long limit() {
    return maxBytes;
  }
}
