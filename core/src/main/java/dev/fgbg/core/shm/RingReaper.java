package dev.fgbg.core.shm;

import dev.fgbg.common.RingFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * Removes rings that no live client holds: {@code fgbg-ring-*} files of the server's user in the
 * ring directory whose header names a process that is gone, or whose header was never written
 * (a client killed while creating it) and which are older than a minute. Rings of live clients,
 * possibly of another server on the same host, are left alone.
 */
public final class RingReaper {
  private static final Duration UNWRITTEN_GRACE = Duration.ofMinutes(1);

  private RingReaper() {}

  /** Sweeps {@code directory}; returns the files removed. Never throws for a file it skips. */
  public static List<Path> reap(Path directory, LongPredicate alive, Instant now) {
    List<Path> removed = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return removed;
    }
    String me = System.getProperty("user.name");
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory,
        p -> RingFormat.isRingName(p.getFileName().toString()))) {
      for (Path p : files) {
        try {
          PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class,
              LinkOption.NOFOLLOW_LINKS);
          if (!a.isRegularFile() || !a.owner().getName().equals(me)) {
            continue;
          }
          long pid = ownerPid(p, a.size());
          boolean stale = pid > 0 ? !alive.test(pid)
              : a.lastModifiedTime().toInstant().plus(UNWRITTEN_GRACE).isBefore(now);
          if (stale && Files.deleteIfExists(p)) {
            removed.add(p);
          }
        } catch (IOException e) {
          // Gone meanwhile, or unreadable: not ours to judge.
        }
      }
    } catch (IOException e) {
      return removed;
    }
    return removed;
  }

  /** Whether a process of this id runs on this host (in this PID namespace). */
  public static boolean processAlive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** The client's pid from the header, or 0 when the header is missing or not a ring's. */
  private static long ownerPid(Path p, long size) throws IOException {
    if (size < RingFormat.HEADER_BYTES) {
      return 0;
    }
    ByteBuffer head = ByteBuffer.allocate(RingFormat.STATES_OFFSET).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      while (head.hasRemaining() && ch.read(head) >= 0) {
        // read the header
      }
    }
    byte[] magic = new byte[RingFormat.MAGIC.length];
    head.get(0, magic);
    if (!Arrays.equals(magic, RingFormat.MAGIC)) {
      return 0;
    }
    return Integer.toUnsignedLong(head.getInt(RingFormat.PID_OFFSET));
  }
}
