package dev.fgbg.core.export;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * An export folder on the local file system, reached only through a {@link ConfinedFolder}
 * (the export root, opened once per export): no write follows a link, whatever is swapped in
 * while the export runs. Renames are atomic.
 */
final class LocalStore implements ExportStore {
  private final ConfinedFolder top;
  private final String dest;
  private final boolean owned;

  /**
   * @param top the folder everything is reached from
   * @param dest the destination under it ('/'-separated, "" for {@code top} itself)
   * @param owned whether closing this store closes {@code top}
   */
  LocalStore(ConfinedFolder top, String dest, boolean owned) {
    this.top = top;
    this.dest = dest;
    this.owned = owned;
  }

  private String at(String path) {
    return dest.isEmpty() ? path : path.isEmpty() ? dest : dest + "/" + path;
  }

  @Override
  public String describe(String path) {
    return top.describe(at(path)).toString();
  }

  @Override
  public boolean exists(String path) throws IOException {
    return top.exists(at(path));
  }

  @Override
  public boolean isDirectory(String path) throws IOException {
    return top.isDirectory(at(path));
  }

  @Override
  public long size(String path) throws IOException {
    BasicFileAttributes a = top.attributes(at(path));
    if (a == null) {
      throw new NoSuchFileException(describe(path));
    }
    return a.size();
  }

  @Override
  public List<String> list(String dir) throws IOException {
    return top.list(at(dir));
  }

  @Override
  public InputStream open(String path) throws IOException {
    return top.open(at(path));
  }

  @Override
  public OutputStream create(String path) throws IOException {
    return FileWriteException.naming(describe(path), top.create(at(path)));
  }

  @Override
  public void mkdirs(String dir) throws IOException {
    top.mkdirs(at(dir));
  }

  @Override
  public void deleteTree(String path) throws IOException {
    top.deleteTree(at(path));
  }

  @Override
  public void commit(String from, String to) throws IOException {
    if (top.isDirectory(at(from)) || top.isDirectory(at(to))) {
      top.deleteTree(at(to)); // a folder is not replaced by a rename
    }
    top.move(at(from), at(to)); // a file is, atomically
  }

  @Override
  public boolean offsetWrites() {
    return true;
  }

  @Override
  public FileChannel channel(String path, boolean create) throws IOException {
    return create ? top.channel(at(path), StandardOpenOption.CREATE, StandardOpenOption.WRITE)
        : top.channel(at(path), StandardOpenOption.WRITE);
  }

  @Override
  public void close() throws IOException {
    if (owned) {
      top.close();
    }
  }
}
