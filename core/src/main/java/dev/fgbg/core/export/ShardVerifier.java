package dev.fgbg.core.export;

import dev.fgbg.common.Sha256;
import dev.fgbg.v1.ExportManifest;
import dev.fgbg.v1.FileRecord;
import dev.fgbg.v1.ShardRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;

/**
 * Re-reads what an earlier run wrote: a shard's items (whole files or byte ranges) against the
 * digest recorded for it, and the final files against their recorded sizes and hashes.
 */
final class ShardVerifier {
  private static final int READ_BUFFER = 1 << 16;

  private ShardVerifier() {}

  /**
   * Why the shard's files, read back from the store, fail the digest {@code rec} records (for
   * the log: missing or short, or a size or bytes changed), or null when they pass.
   */
  static String damage(ExportStore dest, Layout layout, Shard shard, ShardRecord rec) {
    ItemDigest read;
    try {
      read = readBack(dest, layout, shard);
    } catch (NotRegularFileException e) {
      throw new UncheckedIOException(e); // not ours: refused by name, not replaced
    } catch (IOException | RuntimeException e) {
      return "a file missing or short";
    }
    return read.hex().equals(rec.getFilesSha256()) ? null
        : read.bytes() != rec.getBytes() ? "a file's size changed" : "a file's bytes changed";
  }

  private static ItemDigest readBack(ExportStore dest, Layout layout, Shard shard)
      throws IOException {
    ItemDigest all = new ItemDigest();
    for (Item item : layout.items(shard)) {
      boolean alt = item.altPath() != null && dest.exists(item.altPath());
      String p = alt ? item.altPath() : item.path();
      MessageDigest one = Sha256.newDigest();
      long n = item.length() < 0 ? hash(dest, p, 0, -1, one)
          : hash(dest, p, alt ? item.altOffset() : item.offset(), item.length(), one);
      all.add(item.path(), n, one.digest());
    }
    return all;
  }

  /** Hashes {@code length} bytes of {@code p} from {@code offset} (all of it when negative). */
  private static long hash(ExportStore dest, String p, long offset, long length,
      MessageDigest into) throws IOException {
    if (length >= 0 && dest.size(p) < offset + length) {
      throw new IOException(dest.describe(p) + " is shorter than its shard");
    }
    byte[] buf = new byte[READ_BUFFER];
    long n = 0;
    try (InputStream in = dest.open(p)) {
      in.skipNBytes(offset);
      int r;
      while ((length < 0 || n < length)
          && (r = in.read(buf, 0, length < 0 ? buf.length
              : (int) Math.min(buf.length, length - n))) > 0) {
        into.update(buf, 0, r);
        n += r;
      }
    }
    if (length >= 0 && n != length) {
      throw new IOException(dest.describe(p) + " ended early");
    }
    return n;
  }

  /** SHA-256 hex of a whole file of the store. */
  static String sha256(ExportStore dest, String p) throws IOException {
    try (InputStream in = dest.open(p)) {
      return Sha256.hex(in);
    }
  }

  /** Whether every final file the manifest lists is there with its size and hash. */
  static boolean finalFilesIntact(ExportStore dest, ExportManifest.Builder m) {
    if (m.getFilesCount() == 0) {
      return false;
    }
    try {
      for (FileRecord f : m.getFilesList()) {
        if (!dest.exists(f.getPath()) || dest.size(f.getPath()) != f.getBytes()
            || !sha256(dest, f.getPath()).equals(f.getSha256())) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
