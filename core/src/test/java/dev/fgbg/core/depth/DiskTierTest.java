package dev.fgbg.core.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.LogLines;
import dev.fgbg.core.SmallDisk;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.TinyOnnx;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DepthMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskTierTest {
  @TempDir
  Path dir;

  @Test
  void aReadOnlyCacheFolderIsReportedOnceAtStartUpAndTheTierIsOff() throws Exception {
    Path ro = dir.resolve("ro");
    // A read-only tmpfs where this runs as root (root writes through permission bits); a folder
    // without write permission otherwise.
    SmallDisk disk = SmallDisk.mount(ro, "ro,size=1m");
    if (disk == null) {
      Files.createDirectories(ro);
      Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
    }
    LogLines log = LogLines.capture(DiskTier.class.getName());
    try {
      Path model = dir.resolve("model");
      TinyOnnx.linearDepth(model);
      TinyOnnx.config(model, "");
      ModelConfig config = ModelConfig.load(model, null);
      OnnxDepthModel m = OnnxDepthModel.load(config, OnnxDepthModel.Device.CPU, 1);
      Dataset d = TestDatasets.tiny();
      try (DepthRuntime rt = DepthRuntime.create("tiny", m.device(), m, config, 16 << 20, ro,
          1L << 30)) {
        byte[] image = new byte[32 * 32 * 3];
        for (int i = 0; i < 20; i++) {
          image[0] = (byte) i;
          assertNotNull(rt.teacher().depth(d, 1, i, image, 0).get(30, TimeUnit.SECONDS));
        }
        assertEquals(20, rt.stats().snapshot().inferred());
        assertEquals(0, rt.diskBytes(), "the disk tier is off");
      }
      List<String> warnings = log.lines().stream()
          .filter(l -> l.startsWith("WARNING ") || l.startsWith("SEVERE ")).toList();
      assertEquals(1, warnings.size(), "one report, not one per sample: " + warnings);
      String msg = warnings.get(0);
      assertTrue(msg.contains(ro + " is not writable") && msg.contains("the disk tier is off"),
          msg);
      assertNull(DiskTier.open(ro, 1 << 20, DepthStats.concurrent()));
    } finally {
      log.close();
      if (disk != null) {
        disk.close();
      }
    }
  }

  @Test
  void aCacheFolderThatIsAFileIsSaidToBeOne() throws Exception {
    Path file = Files.writeString(dir.resolve("cachefile"), "x");
    try (LogLines log = LogLines.capture(DiskTier.class.getName())) {
      assertNull(DiskTier.open(file, 1 << 20, DepthStats.concurrent()));
      assertEquals(List.of("WARNING depth disk cache " + file + " is not writable (it is a "
          + "file, not a folder); the disk tier is off (records already there are not read "
          + "either: give a writable folder, or a writable copy) and depth is cached in memory "
          + "only"),
          log.lines());
    }
  }

  @Test
  void aLimitOverTheFreeSpaceIsOneWarningNamingTheFlag() throws Exception {
    long free = Files.getFileStore(dir).getUsableSpace();
    try (LogLines log = LogLines.capture(DiskTier.class.getName())) {
      assertNotNull(DiskTier.open(dir.resolve("small"), 1 << 20, DepthStats.concurrent()));
      assertTrue(log.lines().stream().noneMatch(l -> l.startsWith("WARNING")), "1 MB fits: "
          + log.lines());
      long over = free + (1L << 40); // a terabyte more than is free
      assertNotNull(DiskTier.open(dir.resolve("big"), over, DepthStats.concurrent()));
      List<String> warned = log.lines().stream().filter(l -> l.startsWith("WARNING")).toList();
      assertEquals(1, warned.size(), warned.toString());
      assertTrue(warned.get(0).startsWith("WARNING depth disk cache " + dir.resolve("big")
          + ": its limit, " + String.format(Locale.ROOT, "%.1f", over / 1e6) + " MB, is more "
          + "than the 0.0 MB it holds and the "), warned.get(0));
      assertTrue(warned.get(0).endsWith(" MB free on its file system; writes will fail when the"
          + " disk is full: lower the limit (--disk-cache-gb) or free space"), warned.get(0));
    }
  }

  @Test
  void theMapsOfOneDatasetOnDiskAreCountedApartFromTheRestOfTheFolder() throws Exception {
    Path model = dir.resolve("model");
    TinyOnnx.linearDepth(model);
    TinyOnnx.config(model, "");
    ModelConfig config = ModelConfig.load(model, null);
    Path cache = dir.resolve("cache");
    Dataset tiny = TestDatasets.tiny();
    Dataset taught;
    OnnxDepthModel first = OnnxDepthModel.load(config, OnnxDepthModel.Device.CPU, 1);
    try (DepthRuntime none = DepthRuntime.create("tiny", first.device(), first, config, 16 << 20,
        null, 0)) {
      taught = new Dataset("taught", tiny.assets(), tiny.spec(), none.teacher());
      assertEquals(OptionalLong.empty(), none.teacher().mapsOnDisk(taught), "no disk tier");
    }
    // Written before the next start-up: three of the dataset's (two seeds, two subfolders), one
    // of another dataset's, one of its backgrounds' (keyed apart).
    DiskTier earlier = new DiskTier(cache, 1L << 30, DepthStats.concurrent());
    DepthMap map = DepthMap.rounded(new float[32 * 32]);
    earlier.write(new DepthKey(taught.fingerprint(), 1, 0), map);
    earlier.write(new DepthKey(taught.fingerprint(), 1, 1500), map);
    earlier.write(new DepthKey(taught.fingerprint(), 7, 0), map);
    earlier.write(new DepthKey("f".repeat(64), 1, 0), map);
    earlier.write(new DepthKey(taught.fingerprint() + DepthRuntime.BACKGROUND_KEY, 0, 0), map);
    OnnxDepthModel second = OnnxDepthModel.load(config, OnnxDepthModel.Device.CPU, 1);
    try (DepthRuntime rt = DepthRuntime.create("tiny", second.device(), second, config, 16 << 20,
        cache, 1L << 30)) {
      assertEquals(OptionalLong.of(3), rt.teacher().mapsOnDisk(taught));
      byte[] image = new byte[32 * 32 * 3];
      rt.teacher().depth(taught, 1, 2, image, 0).get(30, TimeUnit.SECONDS);
      assertEquals(OptionalLong.of(4), rt.teacher().mapsOnDisk(taught), "and what it writes");
    }
  }
}
