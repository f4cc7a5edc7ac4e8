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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The start-up walk of a disk tier's folder: its records, oldest first. Servers sharing the
 * folder evict records meanwhile, so an entry that vanishes during the walk is skipped.
 */
final class DiskScan extends SimpleFileVisitor<Path> {
  /** A record found: its size and last-modified time, as the walk read them. */
  record Found(Path path, long size, FileTime modified) {}

  private final List<Found> records = new ArrayList<>();
  private final Consumer<Path> visiting;

  private DiskScan(Consumer<Path> visiting) {
    this.visiting = visiting;
  }

  /**
   * The records under {@code dir}, oldest first.
   * {@code visiting} is told of each file before it is looked at (tests remove files there).
   */
  static DiskScan walk(Path dir, Consumer<Path> visiting) throws IOException {
    DiskScan scan = new DiskScan(visiting);
    Files.walkFileTree(dir, scan);
    scan.records.sort(Comparator.comparing(Found::modified));
    return scan;
  }

  List<Found> records() {
    return records;
  }

  @Override
  public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
    visiting.accept(file);
    String name = file.getFileName().toString();
    if (name.endsWith(".depth") && !a.isDirectory()) {
      records.add(new Found(file, a.size(), a.lastModifiedTime()));
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
    throw new IOException("cannot read the depth disk cache at " + p + " (" + InWords.of(e)
        + ")", e);
  }
}
