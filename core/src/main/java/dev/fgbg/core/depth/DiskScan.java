package dev.fgbg.core.depth;

import dev.fgbg.common.InWords;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The start-up walk of a disk tier's folder: its records, oldest first, and the removal of
 * temporary files that a writer killed mid-write left. Servers sharing the folder evict records
 * and write their own temporary files meanwhile, so an entry that vanishes during the walk is
 * skipped, and only temporary files older than {@link #STALE} are removed.
 */
final class DiskScan extends SimpleFileVisitor<Path> {
  /** Far longer than any one write takes, even to a slow disk. */
  static final Duration STALE = Duration.ofMinutes(10);

  /** A record found: its size and last-modified time, as the walk read them. */
  record Found(Path path, long size, FileTime modified) {}

  private final List<Found> records = new ArrayList<>();
  private final Instant staleBefore;
  private final Consumer<Path> visiting;
  private final String extension;
  private final Path others;
  private int removed;

  private DiskScan(Instant now, Path dir, DiskKind kind, Consumer<Path> visiting) {
    this.staleBefore = now.minus(STALE);
    this.extension = kind.extension();
    this.others = kind.othersFolder() == null ? null : dir.resolve(kind.othersFolder());
    this.visiting = visiting;
  }

  /**
   * The records of {@code kind} under {@code dir} (files named {@code *extension}), oldest
   * first; stale temporary files are removed on the way; another tier's folder is not entered.
   * {@code visiting} is told of each file before it is looked at (tests remove files there).
   */
  static DiskScan walk(Path dir, Instant now, DiskKind kind, Consumer<Path> visiting)
      throws IOException {
    DiskScan scan = new DiskScan(now, dir, kind, visiting);
    Files.walkFileTree(dir, scan);
    scan.records.sort(Comparator.comparing(Found::modified));
    return scan;
  }

  List<Found> records() {
    return records;
  }

  /** How many stale temporary files were removed. */
  int removed() {
    return removed;
  }

  /** The temporary names {@link DiskTier} writes: records being written and write probes. */
  static boolean temporary(String name, String extension) {
    return name.endsWith(".tmp") && (name.contains(extension + ".") || name.startsWith(".probe"));
  }

  @Override
  public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
    return d.equals(others) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
  }

  @Override
  public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
    visiting.accept(file);
    String name = file.getFileName().toString();
    if (name.endsWith(extension) && !a.isDirectory()) {
      records.add(new Found(file, a.size(), a.lastModifiedTime()));
    } else if (temporary(name, extension)
        && a.lastModifiedTime().toInstant().isBefore(staleBefore)) {
      try {
        if (Files.deleteIfExists(file)) {
          removed++;
        }
      } catch (IOException ignored) {
        // not ours to remove after all (permissions); it stays, as before
      }
    }
    return FileVisitResult.CONTINUE;
  }

  @Override
  public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
    return skipVanished(file, e);
  }

  @Override
  public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
    return e == null ? FileVisitResult.CONTINUE : skipVanished(d, e);
  }

  /** Another server evicted the entry after its folder was listed: nothing to count. */
  private static FileVisitResult skipVanished(Path p, IOException e) throws IOException {
    if (e instanceof NoSuchFileException) {
      return FileVisitResult.CONTINUE;
    }
    throw new IOException("cannot read the disk cache at " + p + " (" + InWords.of(e)
        + ")", e);
  }
}
