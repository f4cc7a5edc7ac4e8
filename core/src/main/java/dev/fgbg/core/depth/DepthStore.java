package dev.fgbg.core.depth;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.dataset.DepthMap;
import dev.fgbg.common.RegularFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Teacher depth computed ahead of time (by the Spark depth job), read-only: under
 * {@code root/<fingerprint>/<seed>/}, shard files {@code <start>-<end>.depthshard}, each the
 * {@link DepthRecord}s of indices [start, end) back to back, so sample i is one positional read.
 * A folder is listed on first use and again, at most every {@link #RELIST}, when a sample is
 * not found (shards written while the server runs are picked up). A record that fails its
 * checks reads as absent, so the model computes it.
 */
public final class DepthStore {
  public static final String SUFFIX = ".depthshard";
  static final Duration RELIST = Duration.ofSeconds(30);
  private static final Logger LOG = Logger.getLogger(DepthStore.class.getName());
  private static final Pattern NAME = Pattern.compile("(\\d+)-(\\d+)" + Pattern.quote(SUFFIX));

  private record Shard(long start, long end, Path file) {}

  private record Listing(TreeMap<Long, Shard> shards, long listedNanos) {}

  private final Path root;
  private final DepthStats stats;
  private final Ticker ticker;
  private final Map<String, Listing> listings = new ConcurrentHashMap<>();

  /** Fails with INVALID_CONFIG naming {@code root} when it is not a readable folder. */
  public DepthStore(Path root, DepthStats stats, Ticker ticker) {
    if (!Files.isDirectory(root) || !Files.isReadable(root)) {
      throw FgbgException.invalidConfig("--depth-store " + root + " is not a readable folder "
          + "(give the folder the Spark depth job wrote)");
    }
    this.root = root;
    this.stats = stats;
    this.ticker = ticker;
  }

  /** The folder of one dataset and seed, relative to the store's root. */
  public static String folder(String fingerprint, long seed) {
    return fingerprint + "/" + Long.toUnsignedString(seed);
  }

  /** The file name of the shard holding indices [start, end). */
  public static String shardFile(long start, long end) {
    return String.format(Locale.ROOT, "%012d-%012d%s", start, end, SUFFIX);
  }

  public Path root() {
    return root;
  }

  /**
   * How many maps the store holds for {@code fingerprint}, every seed, by its shards' names (for
   * the dataset's start-up line; 0 says the store was built for other assets or options).
   */
  public long maps(String fingerprint) {
    Path dir = root.resolve(fingerprint);
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    long n = 0;
    try (Stream<Path> seeds = Files.list(dir)) {
      for (Path seed : seeds.toList()) {
        String folder = fingerprint + "/" + seed.getFileName();
        n += listing(folder, true).shards().values().stream()
            .mapToLong(s -> Math.max(0, s.end() - s.start())).sum();
      }
    } catch (IOException e) {
      LOG.warning("depth store: cannot list " + dir + ": " + e.getMessage());
    }
    return n;
  }

  /** The stored map of {@code k}, or null when the store lacks it (or it is damaged). */
  public DepthMap read(DepthKey k) {
    String folder = folder(k.fingerprint(), k.seed());
    Shard s = find(listing(folder, false), k.index());
    if (s == null) {
      Listing l = listings.get(folder);
      if (ticker.read() - l.listedNanos() < RELIST.toNanos()) {
        return null;
      }
      s = find(listing(folder, true), k.index());
      if (s == null) {
        return null;
      }
    }
    return read(s, k);
  }

  private static Shard find(Listing l, long index) {
    Map.Entry<Long, Shard> e = l.shards().floorEntry(index);
    return e != null && index < e.getValue().end() ? e.getValue() : null;
  }

  private Listing listing(String folder, boolean again) {
    if (!again) {
      Listing l = listings.get(folder);
      if (l != null) {
        return l;
      }
    }
    TreeMap<Long, Shard> shards = new TreeMap<>();
    Path dir = root.resolve(folder);
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        s.forEach(p -> {
          Matcher m = NAME.matcher(p.getFileName().toString());
          if (m.matches()) {
            long start = Long.parseLong(m.group(1));
            shards.put(start, new Shard(start, Long.parseLong(m.group(2)), p));
          }
        });
      } catch (IOException e) {
        LOG.warning("depth store: cannot list " + dir + ": " + e.getMessage());
      }
    }
    Listing l = new Listing(shards, ticker.read());
    listings.put(folder, l);
    return l;
  }

  private DepthMap read(Shard s, DepthKey k) {
    try {
      if (RegularFiles.isOther(s.file())) { // opened, a FIFO would block for ever
        return damaged(s, k, "it " + RegularFiles.NOT_REGULAR);
      }
    } catch (IOException e) {
      return damaged(s, k, e.getMessage());
    }
    try (FileChannel ch = FileChannel.open(s.file(), StandardOpenOption.READ)) {
      long count = s.end() - s.start();
      long size = ch.size();
      if (count <= 0 || size % count != 0) {
        return damaged(s, k, "its size " + size + " is not a whole number of records");
      }
      int len = (int) (size / count);
      ByteBuffer b = ByteBuffer.allocate(len);
      long pos = (k.index() - s.start()) * len;
      while (b.hasRemaining()) {
        if (ch.read(b, pos + b.position()) < 0) {
          return damaged(s, k, "it ended early");
        }
      }
      DepthMap m = DepthRecord.decode(k, b.array(), 0, len);
      return m != null ? m : damaged(s, k, "the record fails its checks");
    } catch (IOException e) {
      return damaged(s, k, e.getMessage());
    }
  }

  private DepthMap damaged(Shard s, DepthKey k, String why) {
    stats.recordStoreDamaged();
    LOG.warning("depth store: sample " + k.index() + " of " + s.file() + " is unusable (" + why
        + "); the model computes it");
    return null;
  }
}
