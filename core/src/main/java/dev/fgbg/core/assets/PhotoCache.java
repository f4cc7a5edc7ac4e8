package dev.fgbg.core.assets;

import dev.fgbg.common.RegularFiles;
import dev.fgbg.common.Sha256;
import dev.fgbg.core.FgbgException;
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
 * gives another key, so stale pixels are never found. No path is part of it: the paths a
 * record's words name are kept as tokens ({@link PathWords}), so a start from another folder,
 * or given the files by other paths, finds it and names its own. A file read while it changes
 * is not kept.
 * A bad file's refusal is kept under its key as a photo is ({@link Refused}), so a restart
 * decodes it no more than the good ones. Without a store every photo is decoded.
 */
final class PhotoCache {

  private final PhotoStore store;
  private final AtomicInteger hits = new AtomicInteger();

  /** {@code store}: where the records are kept, or null for none. */
  PhotoCache(PhotoStore store) {
    this.store = store;
  }

  /**
   * The photo prepared of {@code files} (the photo first) under {@code settings}, its words
   * naming {@code paths} (as this start spells them): its record when the store holds an
   * intact one, else {@code make}'s, then kept. A record that fails its checks is discarded
   * and made again. What {@code make} refuses (a bad file) is kept too, and
   * thrown again in the same words from its record, but for a refusal of this host's
   * ({@link HostBound}). A record is read within the share of the heap decodes take
   * ({@link DecodeMemory}): large ones wait for each other as decodes do.
   */
  Prepared get(int channels, List<Path> files, List<Object> settings, PathWords paths,
      Supplier<Prepared> make) {
    String key = store == null ? null : key(LoaderBuild.id(), files, settings);
    if (key != null) {
      long size = store.size(key);
      // Absent, or too large to read even alone (a smaller heap): made again, as if absent.
      try (DecodeMemory.AutoCloseableNoThrow held = size < 0 ? null
          : DecodeMemory.tryReserve(DecodeMemory.readNeed(size))) {
        byte[] b = held == null ? null : store.read(key);
        if (b != null) {
          Refused r = Refused.decode(key, b);
          if (r != null) {
            hits.incrementAndGet();
            throw FgbgException.invalidConfig(r.message(paths));
          }
          Prepared p = Prepared.decode(key, b, channels);
          if (p != null) {
            hits.incrementAndGet();
            return p.withNotes(paths::show);
          }
          store.discard(key, "is corrupt or truncated");
        }
      }
    }
    try {
      Prepared p = make.get();
      keep(key, files, settings, () -> p.withNotes(paths::hide).encode(key));
      return p;
    } catch (FgbgException e) {
      if (!HostBound.in(e)) {
        keep(key, files, settings, () -> Refused.of(e.getMessage(), paths).encode(key));
      }
      throw e;
    }
  }

  /** Keeps {@code record} unless a file changed while it was made. */
  private void keep(String key, List<Path> files, List<Object> settings,
      Supplier<byte[]> record) {
    // Hashed again: what was made of bytes that changed meanwhile belongs to no key.
    if (key != null && key.equals(key(LoaderBuild.id(), files, settings))) {
      store.write(key, record.get());
    }
  }

  /** How many photos (or their refusals) came from the store. */
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
