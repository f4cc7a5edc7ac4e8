package dev.fgbg.core.export;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where an export's files live: a local folder (the server's export, {@link #local}) or any
 * other file system (the Spark module's Hadoop store). Every path is relative to the export's
 * destination, '/'-separated; "" is the destination itself. The layouts, the verifier and the
 * manifest write and read only through this, so one code path serves every store.
 */
public interface ExportStore extends Closeable {
  /**
   * The store over local folder {@code dest} (made when missing), for one writer at a time (the
   * server's lock), confined to it: nothing is reached through a link. Close it when done.
   */
  static ExportStore local(Path dest) throws IOException {
    Files.createDirectories(dest);
    return new LocalStore(ConfinedFolder.open(dest), "", true);
  }

  /** The full name of {@code path}, for messages. */
  String describe(String path);

  boolean exists(String path) throws IOException;

  boolean isDirectory(String path) throws IOException;

  long size(String path) throws IOException;

  /** The names directly inside folder {@code dir}; empty when it does not exist. */
  List<String> list(String dir) throws IOException;

  InputStream open(String path) throws IOException;

  /** A new file, replacing any; its folder must exist (stores without folders ignore this). */
  OutputStream create(String path) throws IOException;

  /** Writes a whole file (its folder must exist). */
  default void write(String path, byte[] bytes) throws IOException {
    try (OutputStream out = create(path)) {
      out.write(bytes);
    }
  }

  void mkdirs(String dir) throws IOException;

  /** Deletes a file or folder tree if it is there. */
  void deleteTree(String path) throws IOException;

  /**
   * Gives a finished file or folder written under a temporary name its final name, so that the
   * final name never shows a part. Whatever already has that name is replaced (a store shared by
   * concurrent writers of identical bytes may keep it instead).
   */
  void commit(String from, String to) throws IOException;

  /**
   * Makes this writer's temporary names unique: "" where one writer at a time owns the
   * destination; a task attempt's own tag where several attempts may write one shard at once.
   */
  default String tempTag() {
    return "";
  }

  /**
   * Whether {@link #channel} writes at offsets (pre-sized .npy arrays are then written in
   * place); where not, arrays are written as per-shard parts and joined at the end.
   */
  default boolean offsetWrites() {
    return false;
  }

  /** A channel for writes at offsets to file {@code path} (made when {@code create}). */
  default FileChannel channel(String path, boolean create) throws IOException {
    throw new UnsupportedOperationException(describe(path) + ": this store cannot write at "
        + "offsets");
  }

  /** Lets go of what the store holds open (the local store's folder handle). */
  @Override
  default void close() throws IOException {
    // nothing held by default
  }
}
