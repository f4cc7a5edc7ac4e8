package dev.fgbg.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256, the one hash fgbg uses for digests, fingerprints, manifests and model checks. */
public final class Sha256 {
  private static final int BUFFER = 1 << 16;

  private Sha256() {}

  /** A fresh SHA-256 digest (every Java platform has one). */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  /** 64 lowercase hex digits of the hash of {@code bytes}. */
  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(newDigest().digest(bytes));
  }

  /** 64 lowercase hex digits of the hash of a file's content. */
  public static String hex(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return hex(in);
    }
  }

  /** 64 lowercase hex digits of the hash of everything left in {@code in} (not closed). */
  public static String hex(InputStream in) throws IOException {
    MessageDigest d = newDigest();
    byte[] buf = new byte[BUFFER];
    int r;
    while ((r = in.read(buf)) > 0) {
      d.update(buf, 0, r);
    }
    return HexFormat.of().formatHex(d.digest());
  }
}
