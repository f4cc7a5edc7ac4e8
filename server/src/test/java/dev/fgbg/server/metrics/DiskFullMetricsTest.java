package dev.fgbg.server.metrics;

import static dev.fgbg.server.metrics.ServerMetricsTest.scrape;
import static dev.fgbg.server.metrics.ServerMetricsTest.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.Fixtures;
import dev.fgbg.core.SmallDisk;
import dev.fgbg.core.TinyOnnx;
import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.core.depth.OnnxDepthModel;
import dev.fgbg.server.FgbgApplication;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.options.ServerOptions;
import dev.fgbg.v1.ExportFormat;
import dev.fgbg.v1.ExportProgress;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.FolderDatasetConfig;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills is the host's problem: on real small tmpfs disks, an export the full disk
 * stops ends with a WARNING (not the INFO of a client's refusal), and it, the depth disk cache's
 * and the photo disk cache's failed writes are counted in fgbg_disk_full_total, apart from load
 * shed.
 */
@ExtendWith(LogCapture.Clean.class)
class DiskFullMetricsTest {
  @TempDir
  Path dir;

  @Test
  void aFullDiskIsAWarningAndCountedApartFromLoadShed() throws Exception {
    SmallDisk exports = SmallDisk.mount(dir.resolve("exports"), "size=64m");
    if (exports == null) {
      return; // no tmpfs where mounting is not allowed; CI runs as root and mounts one
    }
    SmallDisk cache = SmallDisk.mount(dir.resolve("cache"), "size=1m");
    try (LogCapture log = new LogCapture()) {
      Fixtures.goodFolders(dir);
      Path model = dir.resolve("model");
      TinyOnnx.linearDepth(model);
      TinyOnnx.config(model, "");
      SmallDisk.fill(cache.dir().resolve("other.bin")); // nothing of the tier's to evict
      ServerOptions o = ServerOptions.builder().port(0).workers(2).exportRoot(exports.dir())
          .builtin(new BuiltinConfig(16, 16, 20, 100, 100, "", "", ""))
          .device(OnnxDepthModel.Device.CPU).cacheDir(cache.dir()).diskCacheBytes(1L << 30)
          .datasets(List.of(FolderDatasetConfig.newBuilder().setName("mine")
              .setBg(dir.resolve("bg").toString()).setFg(dir.resolve("fg").toString())
              .setSize("32").setDepthModel(model.toString()).build()))
          .metrics("127.0.0.1", 0).build();
      try (FgbgApplication app = FgbgApplication.create(o).start()) {
        app.warm().get(60, TimeUnit.SECONDS);
        String first = scrape(app.metricsPort());
        assertEquals(0, value(first, "fgbg_disk_full_total", "where=\"export\""), first);
        assertEquals(0, value(first, "fgbg_disk_full_total", "where=\"depth_cache\""), first);
        // Its six photos, loaded before the server started, could not be kept in photos/ (the
        // series was missing: a throwaway count).
        assertEquals(6, value(first, "fgbg_disk_full_total", "where=\"photo_cache\""), first);
        ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", app.port())
            .usePlaintext().build();
        try {
          var stub = FgbgGrpc.newBlockingStub(ch).withDeadlineAfter(120, TimeUnit.SECONDS);
          stub.streamEpoch(StreamEpochRequest.newBuilder().setDataset("mine").setBatchSize(8)
              .build()).forEachRemaining(b -> { });
          long mine = app.datasets().get(1).size();
          // 15,000 samples of 16x16 pass the free-space check; the disk fills after the first.
          Iterator<ExportProgress> it = stub.export(ExportRequest.newBuilder()
              .setDataset("builtin").setEnd(15_000).setShardSize(100)
              .setFormat(ExportFormat.EXPORT_FORMAT_ZIP).setDestination("full").build());
          it.next();
          SmallDisk.fill(exports.dir().resolve("other.bin"));
          StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
              () -> it.forEachRemaining(p -> { }));
          assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
          assertTrue(e.getStatus().getDescription().startsWith("export stopped: disk full "),
              e.getStatus().getDescription());
          String text = scrape(app.metricsPort());
          assertEquals(1, value(text, "fgbg_disk_full_total", "where=\"export\""), text);
          assertEquals(1, value(text, "fgbg_requests_rejected_total", "method=\"Export\"",
              "code=\"RESOURCE_EXHAUSTED\""), "still a failed call too");
          assertEquals(mine, value(text, "fgbg_disk_full_total", "where=\"depth_cache\""),
              "each map of 'mine' failed to be written: " + text);
          List<String> ends = log.records().stream()
              .filter(r -> r.getMessage().startsWith("export to 'full' failed: "))
              .map(r -> r.getLevel() + " " + r.getMessage()).toList();
          assertEquals(1, ends.size(), ends.toString());
          assertTrue(ends.get(0).startsWith(Level.WARNING + " export to 'full' failed: export "
              + "stopped: disk full while writing full/"), ends.toString());
        } finally {
          ch.shutdownNow();
        }
      }
    } finally {
      exports.close();
      if (cache != null) {
        cache.close();
      }
    }
  }
}
