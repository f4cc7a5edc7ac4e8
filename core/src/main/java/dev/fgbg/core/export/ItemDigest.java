package dev.fgbg.core.export;

import dev.fgbg.common.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The digest of what a shard wrote: SHA-256 over, for each item in order, its path, its size
 * and the SHA-256 of its content. Computed once while writing and again, from disk, to verify.
 */
final class ItemDigest {
  private final MessageDigest all = Sha256.newDigest();
  private long files;
  private long bytes;

  void add(String path, long size, byte[] contentSha) {
    all.update((path + "\n" + size + "\n").getBytes(StandardCharsets.UTF_8));
    all.update(contentSha);
    files++;
    bytes += size;
  }

  long files() {
    return files;
  }

  long bytes() {
    return bytes;
  }

  String hex() {
    return HexFormat.of().formatHex(all.digest());
  }

  static byte[] sha256(byte[] b) {
    return Sha256.newDigest().digest(b);
  }
}
