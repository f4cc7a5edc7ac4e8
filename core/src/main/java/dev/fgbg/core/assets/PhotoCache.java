package dev.fgbg.core.assets;

import dev.fgbg.common.RegularFiles;
import dev.fgbg.common.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@link FolderAssets}' photos kept prepared between starts in a {@link PhotoStore}, so that a
 * restart on unchanged folders reads them instead of decoding them again. A record's key is the
 * SHA-256 of the {@link LoaderBuild} (the build of the code that prepares photos), every
 * setting the preparation reads and the content of every file it reads (the photo, and a
 * cut-out's mask): a changed byte (whatever its size and modification time), setting or loader
 * gives another key, so stale pixels are never found. A file read while it changes is not kept.
 * Without a store every photo is decoded.
 */
final class PhotoCache {

  private final PhotoStore store;
  private final AtomicInteger hits = new AtomicInteger();

  /** {@code store}: where the records are kept, or null for none. */
  PhotoCache(PhotoStore store) {
    this.store = store;
  }

  /**
   * The photo prepared of {@code files} under {@code settings}: its record when the store holds
   * an intact one, else {@code make}'s, then kept. A record that fails its checks is discarded
   * and made again; what {@code make} throws (a bad file) is never kept.
   */
  Prepared get(int channels, List<Path> files, List<Object> settings, Supplier<Prepared> make) {
    String key = store == null ? null : key(LoaderBuild.id(), files, settings);
    if (key != null) {
      byte[] b = store.read(key);
      if (b != null) {
        Prepared p = Prepared.decode(key, b, channels);
        if (p != null) {
          hits.incrementAndGet();
          return p;
        }
        store.discard(key, "is corrupt or truncated");
      }
    }
    Prepared p = make.get();
    // Hashed again: pixels decoded from bytes that changed meanwhile belong to no key.
    if (key != null && key.equals(key(LoaderBuild.id(), files, settings))) {
      store.write(key, p.encode(key));
    }
    return p;
  }

  /** How many photos came from the store. */
  int hits() {
    return hits.get();
  }

  /**
   * The key under the loader build {@code loader}, or null when a file cannot be hashed (its
   * decoding says why).
   */
  static String key(String loader, List<Path> files, List<Object> settings) {
    MessageDigest d = Sha256.newDigest();
    d.update((loader + "\n").getBytes(StandardCharsets.UTF_8));
    for (Object s : settings) {
      d.update((s + "\n").getBytes(StandardCharsets.UTF_8));
    }
    try {
      for (Path f : files) {
        if (RegularFiles.isOther(f)) {
          return null; // a FIFO's open would block
        }
        d.update((Sha256.hex(f) + "\n").getBytes(StandardCharsets.US_ASCII));
      }
    } catch (IOException e) {
      return null;
    }
    return HexFormat.of().formatHex(d.digest());
  }
}
