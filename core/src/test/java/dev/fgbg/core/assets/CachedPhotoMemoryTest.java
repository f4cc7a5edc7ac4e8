package dev.fgbg.core.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.Fixtures;
import dev.fgbg.core.LogLines;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.depth.DepthSettings;
import dev.fgbg.core.depth.DiskLimit;
import dev.fgbg.core.depth.OnnxDepthModel;
import dev.fgbg.core.depth.PhotoTier;
import dev.fgbg.core.spec.Spec;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Photos read back from the {@code --cache-dir} tier take their share of the heap as decodes
 * do ({@link DecodeMemory}): with the whole share held elsewhere, a start on unchanged folders
 * waits for it before reading a record, then reads every photo under one reservation each,
 * decoding none, and serves what the first start served.
 */
class CachedPhotoMemoryTest {
  @TempDir
  Path root;

  private AssetSet load(PhotoTier store) {
    FolderDataset config = new FolderDataset("f", root.resolve("bg"), root.resolve("fg"), null,
        FolderDataset.MaskFrom.ALPHA);
    return FolderAssets.load(FolderFiles.check(config, List.of()), 32, 32, 1,
        Ticker.systemTicker(), store);
  }

  private static String fingerprint(AssetSet a) {
    return new Dataset("f", a, Spec.builder().size(32, 32).build()).fingerprint();
  }

  @Test
  void aPhotoReadFromTheCacheWaitsForItsShareOfTheHeap() throws Exception {
    Fixtures.goodFolders(root);
    PhotoTier store = PhotoTier.of(new DepthSettings(OnnxDepthModel.Device.CPU, 1, 0,
        root.resolve("cache"), DiskLimit.DEFAULT));
    String first = fingerprint(load(store));
    FutureTask<AssetSet> second = new FutureTask<>(() -> load(store));
    long before;
    try (LogLines log = LogLines.capture(FolderAssets.class.getName())) {
      try (DecodeMemory.AutoCloseableNoThrow all =
          DecodeMemory.tryReserve(DecodeMemory.shareBytes())) {
        assertNotNull(all);
        before = DecodeMemory.granted();
        new Thread(second, "second-start").start();
        while (DecodeMemory.waiting() == 0) {
          assertFalse(second.isDone(), "the photos were read without waiting for the heap");
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        assertFalse(second.isDone());
      }
      assertEquals(first, fingerprint(second.get(60, TimeUnit.SECONDS)));
      assertEquals(List.of("INFO dataset 'f': decoded all 6 images (6 from the cache)"),
          log.containing("decoded all").stream().map(l -> l.replaceAll(" in [0-9.]+ s", ""))
              .toList());
    }
    assertEquals(6, DecodeMemory.granted() - before, "one reservation a record, no decode");
  }
}
