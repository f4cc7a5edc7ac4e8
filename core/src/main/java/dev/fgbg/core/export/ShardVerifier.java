package dev.fgbg.core.export;

import dev.fgbg.common.Sha256;
import dev.fgbg.v1.ExportManifest;
import dev.fgbg.v1.FileRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Re-reads what an earlier run wrote: a shard's items (whole files or byte ranges) against the
 * digest recorded for it, and the final files against their recorded sizes and hashes.
 */
final class ShardVerifier {
  private static final int READ_BUFFER = 1 << 16;
  private static final int RANGE_BUFFER = 1 << 20;

  private ShardVerifier() {}

  /** The shard's files digest as read back from disk; "" when anything is missing or short. */
  static String shardDigest(Path dest, Layout layout, Shard shard) {
    try {
      return readBack(dest, layout, shard).hex();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static ItemDigest readBack(Path dest, Layout layout, Shard shard) throws IOException {
    ItemDigest all = new ItemDigest();
    for (Item item : layout.items(shard)) {
      Path p = dest.resolve(item.path());
      if (!Files.exists(p) && item.altPath() != null) {
        p = dest.resolve(item.altPath());
      }
      MessageDigest one = Sha256.newDigest();
      long n = item.length() < 0 ? hashWhole(p, one) : hashRange(p, item, one);
      all.add(item.path(), n, one.digest());
    }
    return all;
  }

  private static long hashWhole(Path p, MessageDigest into) throws IOException {
    byte[] buf = new byte[READ_BUFFER];
    long n = 0;
    try (InputStream in = Files.newInputStream(p)) {
      int r;
      while ((r = in.read(buf)) > 0) {
        into.update(buf, 0, r);
        n += r;
      }
    }
    return n;
  }

  private static long hashRange(Path p, Item item, MessageDigest into) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      if (ch.size() < item.offset() + item.length()) {
        throw new IOException(p + " is shorter than its shard");
      }
      ByteBuffer b = ByteBuffer.allocate(RANGE_BUFFER);
      long pos = item.offset();
      long end = item.offset() + item.length();
      while (pos < end) {
        b.clear().limit((int) Math.min(b.capacity(), end - pos));
        int r = ch.read(b, pos);
        if (r <= 0) {
          throw new IOException(p + " ended early");
        }
        into.update(b.array(), 0, r);
        pos += r;
      }
    }
    return item.length();
  }

  /** Whether every final file the manifest lists is there with its size and hash. */
  static boolean finalFilesIntact(Path dest, ExportManifest.Builder m) {
    if (m.getFilesCount() == 0) {
      return false;
    }
    try {
      for (FileRecord f : m.getFilesList()) {
        Path p = dest.resolve(f.getPath());
        if (!Files.exists(p) || Files.size(p) != f.getBytes()
            || !Sha256.hex(p).equals(f.getSha256())) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
