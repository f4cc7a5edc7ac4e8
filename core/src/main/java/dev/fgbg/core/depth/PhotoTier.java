package dev.fgbg.core.depth;

import dev.fgbg.common.InWords;
import dev.fgbg.core.assets.PhotoStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * The folder datasets' prepared photos in {@code --cache-dir}'s {@code photos/}: a
 * {@link DiskTier} of {@link DiskKind#PHOTOS} (checksummed by their own record, written
 * through a temporary file, bounded by {@code --disk-cache-gb} together with the depth tier,
 * {@link DiskBudget}), opened when
 * the first photo is looked up, so a server with no folder dataset never makes the folder. A
 * folder that cannot be used is said once and every photo is decoded. Its writes that find the
 * disk full are counted apart from the depth tier's ({@link #diskFull}).
 */
public final class PhotoTier implements PhotoStore {
  /** DiskTier's: every line of a disk tier, either kind, under the one logger name. */
  private static final Logger LOG = Logger.getLogger(DiskTier.class.getName());
  /** The sub-folder of {@code --cache-dir} it keeps. */
  public static final String FOLDER = "photos";

  private final DiskBudget budget;
  private final Path dir;
  /** Only its full-disk count is read: the tier keeps no depth. */
  private final DepthStats stats = DepthStats.concurrent();
  private DiskTier tier;
  private boolean opened;

  private PhotoTier(DiskBudget budget) {
    this.budget = budget;
    this.dir = budget.folder(DiskKind.PHOTOS);
  }

  /** The store under {@code s}' cache folder, or null when none is given; a budget its own. */
  public static PhotoTier of(DepthSettings s) {
    return of(DiskBudget.of(s.cacheDir(), s.diskBytes()));
  }

  /** The store of {@code budget}'s folder, bounded with its depth tier; null for none. */
  public static PhotoTier of(DiskBudget budget) {
    return budget == null ? null : new PhotoTier(budget);
  }

  private synchronized DiskTier tier() {
    if (!opened) {
      opened = true;
      try {
        tier = DiskTier.open(budget, stats, DiskKind.PHOTOS);
      } catch (IOException e) {
        LOG.warning(DiskKind.PHOTOS.label() + " " + dir + " cannot be used (" + InWords.of(e)
            + "); " + DiskKind.PHOTOS.without());
      }
    }
    return tier;
  }

  /** Photos it could not write for a full disk, even after evicting its oldest records. */
  public long diskFull() {
    return stats.snapshot().diskFull();
  }

  /** Records spread over 256 folders by their key's first two digits. */
  private static String path(String key) {
    return key.substring(0, 2) + "/" + key + DiskKind.PHOTOS.extension();
  }

  @Override
  public long size(String key) {
    try {
      return tier() == null ? -1 : Files.size(dir.resolve(path(key)));
    } catch (IOException e) {
      return -1;
    }
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
