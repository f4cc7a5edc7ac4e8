package dev.fgbg.spark;

import dev.fgbg.common.Sha256;
import dev.fgbg.core.export.ConfinedFolder;
import dev.fgbg.core.export.ExportStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.local.RawLocalFs;

/**
 * An export destination on any Hadoop file system ({@code file://}, {@code hdfs://},
 * {@code s3a://} with its connector). Files are written whole under a temporary name tagged by
 * the writer and renamed with no overwrite; when the final name is already taken (a retried or
 * speculative attempt of the same shard got there first) the bytes are compared and the
 * existing copy kept when identical, replaced when not (a damaged copy from an earlier run).
 * On {@code file://} the destination is opened once as a {@link ConfinedFolder} and every file
 * is reached from it without following a link (no .crc side files either), so a folder swapped
 * for a link while the job runs cannot lead a write out of the destination.
 */
final class HadoopStore implements ExportStore {
  private final FileSystem fs;
  private final FileContext fc;
  private final Path base;
  private final String tag;
  /** The destination on file://, else null. */
  private final ConfinedFolder local;

  private HadoopStore(FileSystem fs, FileContext fc, Path base, String tag,
      ConfinedFolder local) {
    this.fs = fs;
    this.fc = fc;
    this.base = base;
    this.tag = tag;
    this.local = local;
  }

  /** The Hadoop settings a job's tasks open stores with (serializable). */
  record Settings(Map<String, String> entries) implements Serializable {
    private static final long serialVersionUID = 1L;

    static Settings of(Configuration conf) {
      Map<String, String> m = new HashMap<>();
      conf.forEach(e -> m.put(e.getKey(), e.getValue()));
      return new Settings(m);
    }

    Configuration conf() {
      Configuration c = new Configuration(false);
      entries.forEach(c::set);
      // Renames through FileContext on file:// without checksum side files.
      c.set("fs.AbstractFileSystem.file.impl", RawLocalFs.class.getName());
      return c;
    }
  }

  /** The store at {@code uri} (a folder, created when written), tagging temporaries by tag. */
  static HadoopStore open(Settings settings, String uri, String tag) throws IOException {
    Configuration conf = settings.conf();
    FileSystem fs = fileSystem(conf, uri);
    Path qualified = fs.makeQualified(new Path(destination(uri)));
    ConfinedFolder local = null;
    if (fs instanceof RawLocalFileSystem) {
      var dir = Paths.get(ascii(qualified));
      Files.createDirectories(dir);
      local = ConfinedFolder.open(dir);
    }
    return new HadoopStore(fs, FileContext.getFileContext(qualified.toUri(), conf), qualified,
        tag, local);
  }

  /** The qualified URI of {@code uri} when it names a local folder (file://), else null. */
  static URI localFolder(Settings settings, String uri) throws IOException {
    FileSystem fs = fileSystem(settings.conf(), uri);
    return fs instanceof RawLocalFileSystem ? ascii(fs.makeQualified(new Path(destination(uri))))
        : null;
  }

  /** The URI of p with every character outside ASCII escaped, as Paths.get(URI) needs it. */
  private static URI ascii(Path p) {
    return URI.create(p.toUri().toASCIIString());
  }

  /**
   * The destination as a URI in ASCII: a URI as given (its escapes kept, other characters such
   * as an é encoded), or a plain path (one that is no URI, e.g. with a space) taken as typed.
   * Tasks get it back from {@link #uri()} and parse it again, so it must stay encoded.
   */
  static URI destination(String dest) {
    try {
      URI u = new URI(dest);
      if (u.getScheme() != null) {
        return URI.create(u.toASCIIString());
      }
    } catch (URISyntaxException e) {
      // not a URI: a path whose characters are the names themselves
    }
    return URI.create(new Path(dest).toUri().toASCIIString());
  }

  private static FileSystem fileSystem(Configuration conf, String uri) throws IOException {
    FileSystem fs = new Path(destination(uri)).getFileSystem(conf);
    return fs instanceof LocalFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
  }

  private Path at(String path) {
    return path.isEmpty() ? base : new Path(base, path);
  }

  /** The qualified URI of the destination, encoded (a Path's toString is not). */
  String uri() {
    return ascii(base).toString();
  }

  @Override
  public String describe(String path) {
    return at(path).toString();
  }

  @Override
  public boolean exists(String path) throws IOException {
    return local != null ? local.exists(path) : fs.exists(at(path));
  }

  @Override
  public boolean isDirectory(String path) throws IOException {
    if (local != null) {
      return local.isDirectory(path);
    }
    try {
      return fs.getFileStatus(at(path)).isDirectory();
    } catch (FileNotFoundException e) {
      return false;
    }
  }

  @Override
  public long size(String path) throws IOException {
    if (local != null) {
      var a = local.attributes(path);
      if (a == null) {
        throw new FileNotFoundException(describe(path));
      }
      return a.size();
    }
    return fs.getFileStatus(at(path)).getLen();
  }

  @Override
  public List<String> list(String dir) throws IOException {
    if (local != null) {
      return local.list(dir);
    }
    try {
      List<String> out = new ArrayList<>();
      for (FileStatus s : fs.listStatus(at(dir))) {
        out.add(s.getPath().getName());
      }
      out.sort(null);
      return out;
    } catch (FileNotFoundException e) {
      return List.of();
    }
  }

  @Override
  public InputStream open(String path) throws IOException {
    return local != null ? local.open(path) : fs.open(at(path));
  }

  @Override
  public OutputStream create(String path) throws IOException {
    return local != null ? local.create(path) : fs.create(at(path), true);
  }

  @Override
  public void mkdirs(String dir) throws IOException {
    if (local != null) {
      local.mkdirs(dir);
      return;
    }
    fs.mkdirs(at(dir));
  }

  @Override
  public void deleteTree(String path) throws IOException {
    if (local != null) {
      local.deleteTree(path);
      return;
    }
    fs.delete(at(path), true);
  }

  @Override
  public void commit(String from, String to) throws IOException {
    if (renamed(from, to)) {
      return;
    }
    if (contents(from).equals(contents(to))) {
      deleteTree(from); // another attempt wrote the same bytes first
      return;
    }
    deleteTree(to);
    if (!renamed(from, to)) {
      throw new IOException(describe(to) + " was taken again while being replaced");
    }
  }

  /** Renames without replacing; false when {@code to} is taken. */
  private boolean renamed(String from, String to) throws IOException {
    if (local != null) {
      if (local.exists(to)) {
        return false;
      }
      local.move(from, to); // a concurrent attempt's file of the same bytes may be replaced
      return true;
    }
    try {
      fc.rename(at(from), at(to), Options.Rename.NONE);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    }
  }

  /** Relative path -> SHA-256 of every file under {@code path} (or of the file itself). */
  private Map<String, String> contents(String path) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (!isDirectory(path)) {
      try (InputStream in = open(path)) {
        out.put("", Sha256.hex(in));
      }
      return out;
    }
    for (String name : list(path)) {
      for (Map.Entry<String, String> e : contents(path + "/" + name).entrySet()) {
        out.put(name + "/" + e.getKey(), e.getValue());
      }
    }
    return out;
  }

  @Override
  public String tempTag() {
    return tag;
  }

  @Override
  public void close() throws IOException {
    if (local != null) {
      local.close();
    }
  }
}
