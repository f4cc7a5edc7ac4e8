package dev.fgbg.core.export;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * How {@link ConfinedFolder} reaches a path: from the top folder's handle, one name at a time,
 * each opened relative to its parent's handle with {@code NOFOLLOW_LINKS}; a missing folder is
 * made under a unique name in the top folder, checked, and renamed into its parent's handle; a
 * walk whose folder another writer replaced that way meanwhile is made again.
 */
public final class HandleWalk {
  /** New folders are made under names starting so in the top folder, then moved into place. */
  public static final String NEW_PREFIX = ".fgbg-new-";
  static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
  /** How often a walk is made again when a folder on it was replaced under it. */
  static final int ATTEMPTS = 64;

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
    Path last = Path.of(names.get(names.size() - 1));
    List<String> parent = names.subList(0, names.size() - 1);
    return walked(parent, create, dir -> inFull(parent, () -> op.apply(dir, last)));
  }

  /**
   * Runs {@code op}, a call on the handle of folder {@code names}: a name it is refused is one
   * relative to that handle ("guard"), named here in full (the top folder's path, the folders,
   * the name) so that whoever reports it names the file where the refusal happened.
   */
  private <T> T inFull(List<String> names, IoCall<T> op) throws IOException {
    try {
      return op.call();
    } catch (AccessDeniedException e) {
      String file = e.getFile();
      if (file == null || file.isEmpty() || file.contains("/")) {
        throw e;
      }
      // a folder being made lives in the top folder until it is moved into place
      List<String> full = new ArrayList<>(file.startsWith(NEW_PREFIX) ? List.of() : names);
      full.add(file);
      throw inFull(e, describe(String.join("/", full)), e.getOtherFile());
    }
  }

  private static AccessDeniedException inFull(AccessDeniedException e, Object file,
      Object other) {
    AccessDeniedException named = new AccessDeniedException(file.toString(),
        other == null ? null : other.toString(), e.getReason());
    named.initCause(e);
    return named;
  }

  /**
   * Runs {@code op} on the handle reached through {@code names}, each a folder. A folder on the
   * way may be replaced under the walk by another writer making it at once: Linux's rename(2)
   * of a folder onto an existing empty folder succeeds and removes that one, and Java offers no
   * RENAME_NOREPLACE. A removed folder takes nothing new (creating or renaming into it fails
   * with ENOENT, and it could only be replaced while empty), so nothing is lost: when {@code op}
   * or the walk fails with {@link NoSuchFileException} and a handle on the way no longer is the
   * folder its parent names, the walk is made again and {@code op} retried in the folder that
   * stayed. Each retry needs a writer that saw the folder missing before it was made, so they
   * are few; {@link #ATTEMPTS} bounds them against a folder swapped on purpose again and again.
   * Making the folder by its path instead (no rename onto it) would follow a link swapped in on
   * the way and make it outside the top folder, which confinement rules out.
   */
  private <T> T walked(List<String> names, boolean create,
      IoFunction<SecureDirectoryStream<Path>, T> op) throws IOException {
    for (int attempt = 1; ; attempt++) {
      List<SecureDirectoryStream<Path>> chain = new ArrayList<>(names.size());
      try {
        SecureDirectoryStream<Path> dir = top;
        StringBuilder rel = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
          SecureDirectoryStream<Path> parent = dir;
          String name = names.get(i);
          String at = rel.append(rel.length() == 0 ? "" : "/").append(name).toString();
          dir = inFull(names.subList(0, i), () -> child(parent, name, at, create));
          chain.add(dir);
        }
        return op.apply(dir);
      } catch (NoSuchFileException e) {
        if (attempt == ATTEMPTS || !replaced(names, chain)) {
          throw e;
        }
      } catch (DirectoryIteratorException e) { // listing a removed folder
        if (!(e.getCause() instanceof NoSuchFileException) || attempt == ATTEMPTS
            || !replaced(names, chain)) {
          throw e;
        }
      } finally {
        for (SecureDirectoryStream<Path> d : chain) {
          d.close();
        }
      }
    }
  }

  /**
   * Whether a handle in {@code chain} (still open, so its inode is not reused) is no longer the
   * folder its parent names: replaced or removed since it was opened.
   */
  private boolean replaced(List<String> names, List<SecureDirectoryStream<Path>> chain) {
    SecureDirectoryStream<Path> parent = top;
    for (int i = 0; i < chain.size(); i++) {
      SecureDirectoryStream<Path> held = chain.get(i);
      try {
        Object key = held.getFileAttributeView(BasicFileAttributeView.class).readAttributes()
            .fileKey();
        Object named = parent.getFileAttributeView(Path.of(names.get(i)),
            BasicFileAttributeView.class, NOFOLLOW).readAttributes().fileKey();
        if (key == null) {
          return false; // no inodes to compare: the failure stands
        }
        if (!key.equals(named)) {
          return true;
        }
      } catch (IOException e) {
        return true; // its name is gone: the walk again says whether it is there now
      }
      parent = held;
    }
    return false;
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

  /**
   * The handle of folder {@code name} in {@code dir}, never through a link. A FIFO, socket or
   * device there is refused ({@link NotRegularFileException}) from its attributes, read through
   * {@code dir} before the open: the JDK opens a folder without {@code O_DIRECTORY} or
   * {@code O_NONBLOCK}, so opening a FIFO would wait for its writer for ever. One swapped in
   * between the check and the open can still block (a narrow race Java cannot close).
   */
  private SecureDirectoryStream<Path> child(SecureDirectoryStream<Path> dir, String name,
      String rel, boolean create) throws IOException {
    Path p = Path.of(name);
    DirEntries.refuseIfOther(DirEntries.attributes(dir, p), describe(rel), true);
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
      throw notAFolder(dir, p, rel, refusedIfLink(dir, p, rel, e));
    }
  }

  /** {@code e}, or the name on the way named as no folder when it is a file. */
  private IOException notAFolder(SecureDirectoryStream<Path> dir, Path name, String rel,
      IOException e) {
    try {
      BasicFileAttributes a = dir.getFileAttributeView(name, BasicFileAttributeView.class,
          NOFOLLOW).readAttributes();
      if (!(e instanceof LinkRefusedException) && !a.isDirectory()) {
        return new MisplacedException(describe(rel).toString(), "not a folder");
      }
    } catch (IOException gone) {
      // not there any more: the first failure says what happened
    }
    return e;
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
   * meanwhile by someone else is used as it is (if it is a folder) when the rename fails; when
   * it was still empty the rename replaces it instead, and its users walk again ({@link
   * #walked}).
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
    } catch (AccessDeniedException e) {
      // refused in dir, the folder it was to be moved into: named as the folder it was to be
      throw inFull(e, describe(rel), path.resolve(fresh));
    } catch (FileSystemException e) {
      // made meanwhile by another writer: used if it is a folder
      if (!DirEntries.exists(dir, name)) {
        throw e;
      }
    } finally {
      if (DirEntries.exists(top, fresh)) {
        top.deleteDirectory(fresh);
      }
    }
  }

  /** Runs {@code op} on the handle of folder {@code rel} itself. */
  <T> T folder(String rel, boolean create, IoFunction<SecureDirectoryStream<Path>, T> op)
      throws IOException {
    List<String> names = names(rel);
    if (names.isEmpty()) { // the top folder: a handle of its own (a handle is iterated once)
      try (SecureDirectoryStream<Path> d = top.newDirectoryStream(Path.of("."), NOFOLLOW)) {
        return inFull(names, () -> op.apply(d));
      }
    }
    return walked(names, create, dir -> inFull(names, () -> op.apply(dir)));
  }

  /** A call that may throw IOException. */
  private interface IoCall<T> {
    T call() throws IOException;
  }

  /** A function that may throw IOException. */
  interface IoFunction<A, B> {
    B apply(A a) throws IOException;
  }
}
