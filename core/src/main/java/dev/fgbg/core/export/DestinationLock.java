package dev.fgbg.core.export;

import dev.fgbg.common.Sha256;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on one export destination, held for the whole export, so that two exports
 * (in this process or another server sharing the root) never write one folder, nor one inside
 * the other's, at once. Each destination's lock file lives under {@code root/.fgbg-locks/},
 * named by the hash of the destination and holding its name; an export takes its own while it
 * holds the root's guard file, after checking that no export running anywhere (the lock files
 * held) is at, above or below its destination; once it holds its lock (so that no export can
 * start above it) it checks, outside the guard, that no folder above it is an export. A
 * lock file is never opened twice in one process: closing a second channel on a file would drop
 * the process's lock on it, so this process's own locks are checked from memory. A lock file is
 * deleted when its lock is let go, and an unheld one (its process died) when a taker meets it,
 * both under the guard: takers open lock files only while they hold the guard, so no process
 * can be holding a channel on a file that is gone, ready to lock it beside a newer one.
 */
public final class DestinationLock implements AutoCloseable {
  public static final String LOCKS = ".fgbg-locks";
  /**
   * Why a held destination is refused, after its name. The other export is often the user's
   * own, cancelled a moment ago (Ctrl-C) and still finishing the batch it was writing: it lets
   * go within seconds.
   */
  public static final String BUSY = " is being written by another export right now: wait for it"
      + " to finish or cancel it, or export elsewhere (one just cancelled lets go within seconds,"
      + " once the batch it was writing is done: then retry in a few seconds)";
  /** Why a destination at or above a running export's is refused, after that export's name. */
  static final String WRITING = ", which another export is writing right now";
  /** Held only while an export checks its neighbours and takes its lock (not a ".lock"). */
  static final String GUARD = "guard";
  private static final String SUFFIX = ".lock";
  /** This process's locks: root → destination → lock; its monitor is held for the map only. */
  private static final Map<Path, Map<String, DestinationLock>> HELD = new HashMap<>();
  /**
   * Orders this process's takers of guard files (a second lock on one file in one process
   * throws instead of waiting). Held while {@code .fgbg-locks} is read and written, never while
   * a destination's folders are: those are the user's, and a FIFO swapped in there between the
   * check and the open could block its reader for ever (see {@link HandleWalk}).
   */
  private static final ReentrantLock GUARD_TAKERS = new ReentrantLock();

  private final Path root;
  private final String dest;
  private final FileChannel channel;
  private final FileLock lock;
  /** The root's handle, which the lock closes when it opened it ({@link #take}). */
  private ConfinedFolder top;
  private boolean ownsTop;

  private DestinationLock(Path root, String dest, FileChannel channel, FileLock lock) {
    this.root = root;
    this.dest = dest;
    this.channel = channel;
    this.lock = lock;
  }

  /** Why a destination inside a finished or stopped export is refused, after its name. */
  static final String IN_EXPORT = ", an fgbg export (it has a ";

  /**
   * Whether {@code e} refused the client's destination before the export wrote in it: an export
   * running at, above or below it, an export above it, or a file where its folder would be. A
   * precondition of the client's request (one a retry may meet), not the server's failure.
   */
  public static boolean refused(Throwable e) {
    return e instanceof FgbgException f && f.reason() == FgbgException.Reason.FAILED_PRECONDITION
        && f.getMessage() != null && (f.getMessage().contains(BUSY)
        || f.getMessage().contains(WRITING) || f.getMessage().contains(IN_EXPORT)
        || f.getMessage().contains(Exporter.IS_FILE));
  }

  /**
   * The lock of {@code destination} (inside {@code root}) for a writer that is no
   * {@link Exporter} (the Spark driver); refused as {@link #acquire} refuses, naming
   * {@code asked}. The root stays open until the lock is closed.
   */
  public static DestinationLock take(ExportRoot root, String destination, String asked)
      throws IOException {
    Path dest = root.resolve(destination);
    root.ready();
    ConfinedFolder top = ConfinedFolder.open(root.path());
    try {
      DestinationLock l = acquire(top, root, dest, asked);
      l.ownsTop = true;
      return l;
    } catch (IOException | RuntimeException e) {
      top.close();
      throw e;
    }
  }

  /**
   * Takes the lock or fails at once with FAILED_PRECONDITION naming the other export's folder;
   * lock files are reached through {@code top} (the export root's handle), never through a link.
   */
  static DestinationLock acquire(ConfinedFolder top, ExportRoot root, Path dest, String asked)
      throws IOException {
    String rel = root.relative(dest);
    DestinationLock l = locked(top, root.path(), rel, asked);
    try {
      // With the lock held no export can start at or above rel: what this finds stays true.
      refuseIfInsideAnExport(top, rel, asked);
      return l;
    } catch (IOException | RuntimeException e) {
      l.close();
      throw e;
    }
  }

  /** Takes {@code rel}'s lock under the guard, refused when a running export is near it. */
  private static DestinationLock locked(ConfinedFolder top, Path root, String rel, String asked)
      throws IOException {
    GUARD_TAKERS.lock();
    try {
      top.mkdirs(LOCKS);
      try (FileChannel guard = top.channel(LOCKS + "/" + GUARD, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE); FileLock held = guard.lock()) {
        Set<String> mine;
        synchronized (HELD) {
          mine = new HashSet<>(HELD.getOrDefault(root, Map.of()).keySet());
        }
        for (String other : mine) {
          refuseIfNear(other, rel, asked);
        }
        for (String other : runningElsewhere(top, mine)) {
          refuseIfNear(other, rel, asked);
        }
        DestinationLock l = lockFile(top, root, rel, asked);
        l.top = top;
        synchronized (HELD) {
          HELD.computeIfAbsent(root, r -> new HashMap<>()).put(rel, l);
        }
        return l;
      }
    } finally {
      GUARD_TAKERS.unlock();
    }
  }

  private static String file(String rel) {
    return LOCKS + "/" + Sha256.hex(rel.getBytes(StandardCharsets.UTF_8)) + SUFFIX;
  }

  private static DestinationLock lockFile(ConfinedFolder top, Path root, String rel,
      String asked) throws IOException {
    FileChannel ch = top.channel(file(rel), StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    try {
      FileLock lock = ch.tryLock();
      if (lock == null) { // a server that names no destination in its lock files
        throw FgbgException.failedPrecondition("export destination " + Quoted.of(asked)
            + BUSY);
      }
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(rel.getBytes(StandardCharsets.UTF_8)), 0);
      return new DestinationLock(root, rel, ch, lock);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** The destinations whose lock files another process holds (those naming one). */
  private static List<String> runningElsewhere(ConfinedFolder top, Set<String> mine)
      throws IOException {
    Set<String> ours = new HashSet<>();
    for (String d : mine) {
      ours.add(file(d));
    }
    List<String> out = new ArrayList<>();
    for (String name : top.list(LOCKS)) {
      String f = LOCKS + "/" + name;
      if (!name.endsWith(SUFFIX) || ours.contains(f)) {
        continue;
      }
      String held = heldBy(top, f);
      if (held != null && !held.isEmpty()) {
        out.add(held);
      }
    }
    return out;
  }

  /**
   * The destination lock file {@code f} names while another process holds it, else null. An
   * entry that is no regular file (a FIFO, link or folder under a lock's name) is no lock any
   * export holds: it is left alone and never opened, and refuses only the export it would be
   * the lock of, when that one takes it.
   */
  private static String heldBy(ConfinedFolder top, String f) throws IOException {
    try (FileChannel ch = top.channel(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock probe = ch.tryLock();
      if (probe != null) { // no export holds it: its process died before deleting it
        top.deleteTree(f);
        probe.release();
        return null;
      }
      // The holder wrote the name before it let go of the guard: it is whole.
      ByteBuffer b = ByteBuffer.allocate((int) Math.min(ch.size(), 1 << 16));
      while (b.hasRemaining()) {
        if (ch.read(b, b.position()) <= 0) {
          break;
        }
      }
      return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    } catch (NoSuchFileException | NotRegularFileException | LinkRefusedException
        | MisplacedException e) {
      return null;
    }
  }

  private static void refuseIfNear(String other, String rel, String asked) {
    if (other.equals(rel)) {
      throw FgbgException.failedPrecondition("export destination " + Quoted.of(asked)
          + BUSY);
    }
    if (rel.startsWith(other + "/")) {
      throw FgbgException.failedPrecondition("export destination " + Quoted.of(asked)
          + " is inside " + Quoted.of(other) + WRITING + "; choose a folder outside it");
    }
    if (other.startsWith(rel + "/")) {
      throw FgbgException.failedPrecondition("export destination " + Quoted.of(asked)
          + " holds " + Quoted.of(other) + WRITING + " (an export never replaces a running"
          + " one); wait for it or choose another folder");
    }
  }

  /** An export's folder holds its files only: a later run would overwrite or refuse them. */
  private static void refuseIfInsideAnExport(ConfinedFolder top, String rel, String asked)
      throws IOException {
    for (int at = rel.indexOf('/'); at > 0; at = rel.indexOf('/', at + 1)) {
      String above = rel.substring(0, at);
      if (top.exists(above + "/" + ManifestStore.MANIFEST)) {
        try (ExportStore store = new LocalStore(top, above, false)) {
          if (ManifestStore.read(store) != null) {
            throw FgbgException.failedPrecondition("export destination " + Quoted.of(asked)
                + " is inside " + Quoted.of(above) + IN_EXPORT + ManifestStore.MANIFEST
                + "), which would replace or refuse it when run again; choose a folder outside"
                + " it");
          }
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    GUARD_TAKERS.lock();
    try {
      synchronized (HELD) {
        Map<String, DestinationLock> mine = HELD.get(root);
        if (mine != null && mine.get(dest) == this) {
          mine.remove(dest);
        }
      }
      try {
        channel.truncate(0); // an unheld lock file names nothing, should it outlive us
        deleteFile();
        lock.release();
      } finally {
        try {
          channel.close();
        } finally {
          if (ownsTop) {
            top.close();
          }
        }
      }
    } finally {
      GUARD_TAKERS.unlock();
    }
  }

  /** Deletes the lock file, still locked, under the guard (see the class comment). */
  private void deleteFile() throws IOException {
    try (FileChannel guard = top.channel(LOCKS + "/" + GUARD, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock held = guard.lock()) {
      top.deleteTree(file(dest));
    }
  }
}
