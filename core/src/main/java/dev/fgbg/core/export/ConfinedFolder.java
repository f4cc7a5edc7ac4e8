package dev.fgbg.core.export;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
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

/**
 * A folder opened once, and every path beneath it reached from that handle one name at a time
 * without following a link ({@code openat} with {@code O_NOFOLLOW}, through the JDK's
 * {@link SecureDirectoryStream}). Nothing swapped in while an export runs can lead a write out of
 * it: a link where a folder or file is expected fails with {@link LinkRefusedException}. A new
 * folder is made in the top folder under a unique name (a path that crosses no folder of its
 * own), checked, and renamed into place relative to its parent's handle; writers making the
 * same folder at once (threads, or processes with handles of their own) all end up using the one
 * that stays. Paths are '/'-separated and relative; "" is the folder itself.
 */
public final class ConfinedFolder implements Closeable {
  private static final LinkOption[] NOFOLLOW = HandleWalk.NOFOLLOW;

  private final Path path;
  private final HandleWalk walk;

  private ConfinedFolder(Path path, SecureDirectoryStream<Path> top) {
    this.path = path;
    this.walk = new HandleWalk(path, top);
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
    return walk.describe(rel);
  }

  @Override
  public void close() throws IOException {
    walk.close();
  }


  /** {@code rel}'s attributes, of a link itself where there is one; null when absent. */
  public BasicFileAttributes attributes(String rel) throws IOException {
    try {
      return walk.at(rel, false, DirEntries::attributes);
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
      walk.folder(rel, false, d -> {
        for (Path p : d) {
          String n = p.getFileName().toString();
          if (!n.startsWith(HandleWalk.NEW_PREFIX)) {
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


  public void mkdirs(String rel) throws IOException {
    walk.folder(rel, true, d -> null);
  }

  /**
   * A channel on file {@code rel} (never through a link); its folder must exist. A FIFO, socket
   * or device there is refused ({@link NotRegularFileException}) before any open: Java cannot
   * open without blocking ({@code O_NONBLOCK}), and a FIFO's open waits for its other end.
   */
  public FileChannel channel(String rel, OpenOption... options) throws IOException {
    Set<OpenOption> opts = new HashSet<>(List.of(options));
    opts.add(LinkOption.NOFOLLOW_LINKS);
    return walk.at(rel, false, (dir, name) -> {
      if (name == null) {
        throw new IOException(path + " is a folder, not a file");
      }
      refuseIfOther(dir, name, rel);
      SeekableByteChannel c;
      try {
        c = dir.newByteChannel(name, opts);
      } catch (IOException e) {
        throw walk.refusedIfLink(dir, name, rel, e);
      }
      if (c instanceof FileChannel fc) {
        return fc;
      }
      c.close();
      throw new IOException("no file channel for " + describe(rel));
    });
  }

  private void refuseIfOther(SecureDirectoryStream<Path> dir, Path name, String rel)
      throws IOException {
    BasicFileAttributes a = DirEntries.attributes(dir, name); // null: the open creates it
    DirEntries.refuseIfOther(a, describe(rel), false);
    if (a != null && a.isDirectory()) {
      throw new MisplacedException(describe(rel).toString(), "is a folder");
    }
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
    walk.at(from, false, (src, fromName) -> walk.at(to, false, (dst, toName) -> {
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
      walk.at(rel, false, (dir, name) -> {
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
    BasicFileAttributes a = DirEntries.attributes(dir, name);
    if (a == null) {
      return;
    }
    if (!a.isDirectory()) {
      dir.deleteFile(name);
      return;
    }
    SecureDirectoryStream<Path> opened;
    try {
      opened = dir.newDirectoryStream(name, NOFOLLOW);
    } catch (IOException e) {
      // swapped for a link since its attributes were read: the link is removed, not followed
      if (!dir.getFileAttributeView(name, BasicFileAttributeView.class, NOFOLLOW)
          .readAttributes().isSymbolicLink()) {
        throw e;
      }
      dir.deleteFile(name);
      return;
    }
    try (SecureDirectoryStream<Path> d = opened) {
      List<Path> inside = new ArrayList<>();
      d.forEach(p -> inside.add(p.getFileName()));
      for (Path p : inside) {
        delete(d, p);
      }
    }
    dir.deleteDirectory(name);
  }
}
