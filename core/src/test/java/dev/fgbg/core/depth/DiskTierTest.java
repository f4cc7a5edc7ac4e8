package dev.fgbg.core.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.SmallDisk;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.TinyOnnx;
import dev.fgbg.core.dataset.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
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
    Logger log = Logger.getLogger(DiskTier.class.getName());
    List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
          warnings.add(r);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    log.addHandler(h);
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
        assertEquals(20, rt.stats().inferred());
        assertEquals(0, rt.diskBytes(), "the disk tier is off");
      }
      assertEquals(1, warnings.size(), "one report, not one per sample: " + warnings);
      String msg = warnings.get(0).getMessage();
      assertTrue(msg.contains(ro + " is not writable") && msg.contains("the disk tier is off"),
          msg);
      assertNull(DiskTier.open(ro, 1 << 20, new DepthStats()));
    } finally {
      log.removeHandler(h);
      if (disk != null) {
        disk.close();
      }
    }
  }

  @Test
  void aCacheFolderThatIsAFileIsSaidToBeOne() throws Exception {
    Path file = Files.writeString(dir.resolve("cachefile"), "x");
    Logger log = Logger.getLogger(DiskTier.class.getName());
    List<String> said = new CopyOnWriteArrayList<>();
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        said.add(r.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    log.addHandler(h);
    try {
      assertNull(DiskTier.open(file, 1 << 20, new DepthStats()));
    } finally {
      log.removeHandler(h);
    }
    assertEquals(List.of("depth disk cache " + file + " is not writable (it is a file, not a "
        + "folder); the disk tier is off and depth is cached in memory only"), said);
  }
}
