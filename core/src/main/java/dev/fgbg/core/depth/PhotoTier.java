package dev.fgbg.core.depth;

import dev.fgbg.common.InWords;
import dev.fgbg.core.assets.PhotoStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * The folder datasets' prepared photos in {@code --cache-dir}'s {@code photos/}: a
 * {@link DiskTier} of {@link DiskKind#PHOTOS} (checksummed by their own record, written
 * through a temporary file, bounded by {@code --disk-cache-gb}, oldest first), opened when
 * the first photo is looked up, so a server with no folder dataset never makes the folder. A
 * folder that cannot be used is said once and every photo is decoded.
 */
public final class PhotoTier implements PhotoStore {
  private static final Logger LOG = Logger.getLogger(DiskTier.class.getName());
  /** The sub-folder of {@code --cache-dir} it keeps. */
  public static final String FOLDER = "photos";

  private final Path dir;
  private final long maxBytes;
  private DiskTier tier;
  private boolean opened;

  private PhotoTier(Path dir, long maxBytes) {
    this.dir = dir;
    this.maxBytes = maxBytes;
  }

  /** The store under {@code s}' cache folder, or null when none is given. */
  public static PhotoStore of(DepthSettings s) {
    return s.cacheDir() == null ? null
        : new PhotoTier(s.cacheDir().resolve(FOLDER), s.diskBytes());
  }

  private synchronized DiskTier tier() {
    if (!opened) {
      opened = true;
      try {
        tier = DiskTier.open(dir, maxBytes, DepthStats.concurrent(), DiskKind.PHOTOS);
      } catch (IOException e) {
        LOG.warning(DiskKind.PHOTOS.label() + " " + dir + " cannot be used (" + InWords.of(e)
            + "); " + DiskKind.PHOTOS.without());
      }
    }
    return tier;
  }

  /** Records spread over 256 folders by their key's first two digits. */
  private static String path(String key) {
    return key.substring(0, 2) + "/" + key + DiskKind.PHOTOS.extension();
  }

  @Override
  public byte[] read(String key) {
    DiskTier t = tier();
    return t == null ? null : t.read(path(key));
  }

  @Override
  public void discard(String key, String why) {
    DiskTier t = tier();
    if (t != null) {
      t.discard(path(key), why);
    }
  }

  @Override
  public void write(String key, byte[] record) {
    DiskTier t = tier();
    if (t != null) {
      t.write(path(key), record);
    }
  }
}
