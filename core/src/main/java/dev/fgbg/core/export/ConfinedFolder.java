package dev.fgbg.core.export;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A folder opened once, and every path beneath it reached from that handle one name at a time
 * without following a link ({@code openat} with {@code O_NOFOLLOW}, through the JDK's
 * {@link SecureDirectoryStream}). Nothing swapped in while an export runs can lead a write out of
 * it: a link where a folder or file is expected fails with {@link LinkRefusedException}. A new
 * folder is made in the top folder under a unique name (a path that crosses no folder of its
 * own), checked, and renamed into place relative to its parent's handle. Paths are
 * '/'-separated and relative; "" is the folder itself.
 */
public final class ConfinedFolder implements Closeable {
  /** New folders are made under names starting so in the top folder, then moved into place. */
  static final String NEW_PREFIX = ".fgbg-new-";
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  private final Path path;
  private final SecureDirectoryStream<Path> top;

  private ConfinedFolder(Path path, SecureDirectoryStream<Path> top) {
    this.path = path;
    this.top = top;
  }

  /**
   * Opens {@code dir} (which must be a folder, not a link). Fails on a file system without
   * {@code openat} (the JDK's secure directory streams), where confinement cannot be kept.
   */
  public static ConfinedFolder open(Path dir) throws IOException {
    if (Files.isSymbolicLink(dir)) {
      throw new LinkRefusedException(dir.toString());
    }
    DirectoryStream<Path> s = Files.newDirectoryStream(dir);
    if (!(s instanceof SecureDirectoryStream<Path> sds)) {
      s.close();
      throw new IOException("this file system cannot open folders relative to a handle, so "
          + "writes under " + dir + " cannot be kept from following links");
    }
    return new ConfinedFolder(dir, sds);
  }

  /** The folder's path (for messages; never used to reach what is inside). */
  public Path path() {
    return path;
  }

  /** The path of {@code rel}, for messages. */
  public Path describe(String rel) {
    return rel.isEmpty() ? path : path.resolve(rel);
  }

  @Override
  public void close() throws IOException {
    top.close();
  }

  /** What a folder's handle is asked for. */
  private interface DirOp<T> {
    T apply(SecureDirectoryStream<Path> dir, Path name) throws IOException;
  }

  /**
   * Runs {@code op} on the handle of {@code rel}'s folder and {@code rel}'s last name (for ""
   * the top handle and null); with {@code create}, missing folders on the way are made.
   */
  private <T> T at(String rel, boolean create, DirOp<T> op) throws IOException {
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
      return dir.newDirectoryStream(p, NOFOLLOW);
    } catch (IOException e) {
      throw refusedIfLink(dir, p, rel, e);
    }
  }

  /**
   * A link where a file or folder was expected is refused by name; any other failure is
   * {@code e} itself.
   */
  private IOException refusedIfLink(SecureDirectoryStream<Path> dir, Path name, String rel,
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

  /** {@code rel}'s attributes, of a link itself where there is one; null when absent. */
  public BasicFileAttributes attributes(String rel) throws IOException {
    try {
      return at(rel, false, (dir, name) -> dir.getFileAttributeView(name, BasicFileAttributeView
          .class, NOFOLLOW).readAttributes());
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  public boolean exists(String rel) throws IOException {
    return attributes(rel) != null;
  }

  public boolean isDirectory(String rel) throws IOException {
    BasicFileAttributes a = attributes(rel);
    return a != null && a.isDirectory();
  }

  /** The names in folder {@code rel}, sorted; empty when it does not exist. */
  public List<String> list(String rel) throws IOException {
    List<String> out = new ArrayList<>();
    try {
      folder(rel, false, d -> {
        for (Path p : d) {
          String n = p.getFileName().toString();
          if (!n.startsWith(NEW_PREFIX)) {
            out.add(n);
          }
        }
        return null;
      });
    } catch (NoSuchFileException e) {
      return List.of();
    }
    out.sort(null);
    return out;
  }

  /** Runs {@code op} on the handle of folder {@code rel} itself. */
  private <T> T folder(String rel, boolean create, IoFunction<SecureDirectoryStream<Path>, T> op)
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
  private interface IoFunction<A, B> {
    B apply(A a) throws IOException;
  }

  public void mkdirs(String rel) throws IOException {
    folder(rel, true, d -> null);
  }

  /** A channel on file {@code rel} (never through a link); its folder must exist. */
  public FileChannel channel(String rel, OpenOption... options) throws IOException {
    Set<OpenOption> opts = new HashSet<>(List.of(options));
    opts.add(LinkOption.NOFOLLOW_LINKS);
    return at(rel, false, (dir, name) -> {
      if (name == null) {
        throw new IOException(path + " is a folder, not a file");
      }
      SeekableByteChannel c;
      try {
        c = dir.newByteChannel(name, opts);
      } catch (IOException e) {
        throw refusedIfLink(dir, name, rel, e);
      }
      if (c instanceof FileChannel fc) {
        return fc;
      }
      c.close();
      throw new IOException("no file channel for " + describe(rel));
    });
  }

  public InputStream open(String rel) throws IOException {
    return Channels.newInputStream(channel(rel, StandardOpenOption.READ));
  }

  /** A new file, replacing any (its folder must exist). */
  public OutputStream create(String rel) throws IOException {
    return Channels.newOutputStream(channel(rel, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE));
  }

  /** Renames {@code from} to {@code to} (a file replaces a file), relative to their folders. */
  public void move(String from, String to) throws IOException {
    at(from, false, (src, fromName) -> at(to, false, (dst, toName) -> {
      if (fromName == null || toName == null) {
        throw new IOException("cannot move the folder itself");
      }
      src.move(fromName, dst, toName);
      return null;
    }));
  }

  /** Deletes a file, link or folder tree if it is there; a link is removed, never followed. */
  public void deleteTree(String rel) throws IOException {
    try {
      at(rel, false, (dir, name) -> {
        if (name == null) {
          throw new IOException("cannot delete the folder itself");
        }
        delete(dir, name);
        return null;
      });
    } catch (NoSuchFileException e) {
      // not there
    }
  }

  private static void delete(SecureDirectoryStream<Path> dir, Path name) throws IOException {
    BasicFileAttributes a;
    try {
      a = dir.getFileAttributeView(name, BasicFileAttributeView.class, NOFOLLOW)
          .readAttributes();
    } catch (NoSuchFileException e) {
      return;
    }
    if (!a.isDirectory()) {
      dir.deleteFile(name);
      return;
    }
    try (SecureDirectoryStream<Path> d = dir.newDirectoryStream(name, NOFOLLOW)) {
      List<Path> inside = new ArrayList<>();
      d.forEach(p -> inside.add(p.getFileName()));
      for (Path p : inside) {
        delete(d, p);
      }
    }
    dir.deleteDirectory(name);
  }
}
