package dev.fgbg.core.export;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** An export folder on the local file system; renames are atomic where the system allows. */
final class LocalStore implements ExportStore {
  private final Path dest;

  LocalStore(Path dest) {
    this.dest = dest;
  }

  private Path at(String path) {
    return path.isEmpty() ? dest : dest.resolve(path);
  }

  @Override
  public String describe(String path) {
    return at(path).toString();
  }

  @Override
  public boolean exists(String path) {
    return Files.exists(at(path));
  }

  @Override
  public boolean isDirectory(String path) {
    return Files.isDirectory(at(path));
  }

  @Override
  public long size(String path) throws IOException {
    return Files.size(at(path));
  }

  @Override
  public List<String> list(String dir) throws IOException {
    Path d = at(dir);
    if (!Files.isDirectory(d)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Override
  public InputStream open(String path) throws IOException {
    return Files.newInputStream(at(path));
  }

  @Override
  public OutputStream create(String path) throws IOException {
    return Files.newOutputStream(at(path));
  }

  @Override
  public void write(String path, byte[] bytes) throws IOException {
    Files.write(at(path), bytes);
  }

  @Override
  public void mkdirs(String dir) throws IOException {
    Files.createDirectories(at(dir));
  }

  @Override
  public void deleteTree(String path) throws IOException {
    FileIo.deleteTree(at(path));
  }

  @Override
  public void commit(String from, String to) throws IOException {
    Path source = at(from);
    Path target = at(to);
    if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)
        || Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      FileIo.deleteTree(target); // a folder is not replaced by a rename
    }
    FileIo.move(source, target); // a file is, atomically

  }

  @Override
  public Path localFile(String path) {
    return at(path);
  }
}
