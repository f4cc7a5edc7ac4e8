package dev.fgbg.core.export;

import dev.fgbg.common.Causes;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An export refused by the file system's permissions (EACCES): the export root, or a folder in
 * it, belongs to another user than the server's (a root-owned volume, a pod run as non-root).
 * That is the server's set-up, not the caller's right, so it is FAILED_PRECONDITION naming the
 * destination and the folder the server's user cannot write, never the temporary name that
 * failed (PERMISSION_DENIED stays for what a token may not do). The root is asked first, not
 * the deepest folder of the destination: every folder an export makes (the destination, a
 * shard's) is made in the root under a temporary name and then moved into place ({@link
 * HandleWalk}), so a root the server cannot write refuses any export that makes a folder,
 * however writable the folders below it are.
 */
final class Unwritable {
  private static final String FIX = fix("it");

  private Unwritable() {}

  /** The AccessDeniedException in {@code e}'s causes, if any. */
  static Optional<AccessDeniedException> in(Throwable e) {
    return Causes.find(e, AccessDeniedException.class);
  }

  /**
   * FAILED_PRECONDITION for destination {@code dest} (named {@code asked}): the first folder on
   * its way the server cannot write in (the root, its lock folder, a folder of the destination),
   * found by asking the file system now; the destination itself when none is found (a file in it).
   * Its cause is {@code denied}, naming in full the file refused where the refusal happened
   * ({@link HandleWalk} names it so; often a lock file the client never sees), for the log.
   */
  static FgbgException of(ExportRoot root, Path dest, String asked, AccessDeniedException denied) {
    Path folder = unwritable(root, dest);
    String start = "export destination " + Quoted.of(asked) + " cannot be written: the server's"
        + " user cannot write in ";
    String why;
    if (folder == null) {
      why = "a file or folder inside it (permission denied); " + fix("it and everything in it")
          + ", or export elsewhere";
    } else if (folder.equals(root.path())) {
      why = "the export root (" + ExportRoot.FLAG + ") (permission denied); " + FIX
          + ", or serve a folder it can write as " + ExportRoot.FLAG;
    } else if (folder.equals(root.path().resolve(DestinationLock.LOCKS))) {
      why = "'" + DestinationLock.LOCKS + "' in the export root (" + ExportRoot.FLAG + "), where"
          + " the server keeps its destination locks (permission denied); "
          + fix("it and its files");
    } else {
      why = "its folder '" + root.relative(folder) + "' in the export root (" + ExportRoot.FLAG
          + ") (permission denied); " + FIX + ", or export elsewhere";
    }
    return FgbgException.failedPrecondition(start + why, denied);
  }

  /** The first folder on {@code dest}'s way the server cannot write in, else null. */
  private static Path unwritable(ExportRoot root, Path dest) {
    Path top = root.path();
    if (!writable(top)) {
      return top;
    }
    Path locks = top.resolve(DestinationLock.LOCKS);
    if (Files.isDirectory(locks, LinkOption.NOFOLLOW_LINKS) && !locksWritable(locks)) {
      return locks;
    }
    Path at = top;
    for (Path part : top.relativize(dest)) {
      at = at.resolve(part);
      if (!Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
        break;
      }
      if (!writable(at)) {
        return at;
      }
    }
    return null;
  }

  /** What to do about {@code what}: the server's user must be able to write it. */
  private static String fix(String what) {
    return "make " + what + " writable by the user the server runs as (e.g. chown -R it to "
        + "that user, or a pod's fsGroup)";
  }

  /** The lock folder and its files (the guard, other servers' locks) writable by this process. */
  private static boolean locksWritable(Path locks) {
    if (!writable(locks)) {
      return false;
    }
    try (Stream<Path> files = Files.list(locks)) {
      return files.allMatch(Files::isWritable);
    } catch (IOException e) {
      return false; // unreadable: not the server's to use either
    }
  }

  /** Whether this process may create files in folder {@code dir} (access(2), as the kernel). */
  private static boolean writable(Path dir) {
    return Files.isWritable(dir) && Files.isExecutable(dir);
  }
}
