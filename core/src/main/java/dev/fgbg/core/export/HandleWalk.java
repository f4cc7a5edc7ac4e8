package dev.fgbg.core.export;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * How {@link ConfinedFolder} reaches a path: from the top folder's handle, one name at a time,
 * each opened relative to its parent's handle with {@code NOFOLLOW_LINKS}; a missing folder is
 * made under a unique name in the top folder, checked, and renamed into its parent's handle.
 */
final class HandleWalk {
  /** New folders are made under names starting so in the top folder, then moved into place. */
  static final String NEW_PREFIX = ".fgbg-new-";
  static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  private final Path path;
  private final SecureDirectoryStream<Path> top;

  HandleWalk(Path path, SecureDirectoryStream<Path> top) {
    this.path = path;
    this.top = top;
  }

  Path describe(String rel) {
    return rel.isEmpty() ? path : path.resolve(rel);
  }

  void close() throws IOException {
    top.close();
  }

  /** What a folder's handle is asked for. */
  interface DirOp<T> {
    T apply(SecureDirectoryStream<Path> dir, Path name) throws IOException;
  }

  /**
   * Runs {@code op} on the handle of {@code rel}'s folder and {@code rel}'s last name (for ""
   * the top handle and null); with {@code create}, missing folders on the way are made.
   */
  <T> T at(String rel, boolean create, DirOp<T> op) throws IOException {
    List<String> names = names(rel);
    if (names.isEmpty()) {
      return op.apply(top, null);
    }
    SecureDirectoryStream<Path> dir = top;
    StringBuilder walked = new StringBuilder();
    try {
      for (int i = 0; i < names.size() - 1; i++) {
        String name = names.get(i);
        walked.append(walked.length() == 0 ? "" : "/").append(name);
        SecureDirectoryStream<Path> next = child(dir, name, walked.toString(), create);
        if (dir != top) {
          dir.close();
        }
        dir = next;
      }
      return op.apply(dir, Path.of(names.get(names.size() - 1)));
    } finally {
      if (dir != top) {
        dir.close();
      }
    }
  }

  private static List<String> names(String rel) throws IOException {
    List<String> out = new ArrayList<>();
    for (String n : rel.split("/")) {
      if (n.isEmpty() || n.equals(".")) {
        continue;
      }
      if (n.equals("..")) {
        throw new IOException("'..' in " + rel + " is not allowed");
      }
      out.add(n);
    }
    return out;
  }

  /** The handle of folder {@code name} in {@code dir}, never through a link. */
  private SecureDirectoryStream<Path> child(SecureDirectoryStream<Path> dir, String name,
      String rel, boolean create) throws IOException {
    Path p = Path.of(name);
    try {
      return dir.newDirectoryStream(p, NOFOLLOW);
    } catch (NoSuchFileException e) {
      if (!create) {
        throw e;
      }
      makeFolder(dir, p, rel);
      try {
        return dir.newDirectoryStream(p, NOFOLLOW);
      } catch (IOException e2) { // swapped for a link the moment it was made
        throw refusedIfLink(dir, p, rel, e2);
      }
    } catch (IOException e) {
      throw refusedIfLink(dir, p, rel, e);
    }
  }

  /**
   * A link where a file or folder was expected is refused by name; any other failure is
   * {@code e} itself.
   */
  IOException refusedIfLink(SecureDirectoryStream<Path> dir, Path name, String rel,
      IOException e) {
    try {
      if (dir.getFileAttributeView(name, BasicFileAttributeView.class, NOFOLLOW)
          .readAttributes().isSymbolicLink()) {
        return new LinkRefusedException(describe(rel).toString());
      }
    } catch (IOException gone) {
      // not there any more: the first failure says what happened
    }
    return e;
  }

  /**
   * Makes folder {@code name} in {@code dir}: made under a unique name in the top folder (whose
   * path is trusted), checked to be a folder, and renamed into {@code dir}'s handle. One made
   * meanwhile by someone else is used as it is (if it is a folder).
   */
  private void makeFolder(SecureDirectoryStream<Path> dir, Path name, String rel)
      throws IOException {
    Path fresh = Path.of(NEW_PREFIX + UUID.randomUUID());
    Files.createDirectory(path.resolve(fresh));
    try {
      top.newDirectoryStream(fresh, NOFOLLOW).close(); // still ours, still a folder
      top.move(fresh, dir, name);
    } catch (AtomicMoveNotSupportedException e) {
      // another file system is mounted on the way: made by its path, then checked by handle
      Files.createDirectory(path.resolve(rel));
    } catch (FileSystemException e) {
      if (!exists(dir, name)) { // made meanwhile by another writer: used if it is a folder
        throw e;
      }
    } finally {
      if (exists(top, fresh)) {
        top.deleteDirectory(fresh);
      }
    }
  }

  private static boolean exists(SecureDirectoryStream<Path> dir, Path name) {
    try {
      dir.getFileAttributeView(name, BasicFileAttributeView.class, NOFOLLOW).readAttributes();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Runs {@code op} on the handle of folder {@code rel} itself. */
  <T> T folder(String rel, boolean create, IoFunction<SecureDirectoryStream<Path>, T> op)
      throws IOException {
    return at(rel, create, (dir, name) -> {
      if (name == null) { // the top folder: a handle of its own (a handle is iterated once)
        try (SecureDirectoryStream<Path> d = dir.newDirectoryStream(Path.of("."), NOFOLLOW)) {
          return op.apply(d);
        }
      }
      try (SecureDirectoryStream<Path> d = child(dir, name.toString(), rel, create)) {
        return op.apply(d);
      }
    });
  }

  /** A function that may throw IOException. */
  interface IoFunction<A, B> {
    B apply(A a) throws IOException;
  }
}
