package dev.fgbg.server.metrics;

import dev.fgbg.server.options.ServerOptions;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.server.LogCapture;
import dev.fgbg.server.admission.LoadOptions;
import dev.fgbg.core.Fixtures;
import dev.fgbg.core.TinyOnnx;
import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.core.depth.OnnxDepthModel;
import dev.fgbg.server.FgbgApplication;
import dev.fgbg.v1.ExportFormat;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.FolderDatasetConfig;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Prometheus endpoint of a real server on loopback, scraped over real HTTP. */
@ExtendWith(LogCapture.Clean.class)
class ServerMetricsTest {
  @TempDir
  Path dir;

  @Test
  void theEndpointCountsWhatTheServerDid() throws Exception {
    Fixtures.goodFolders(dir);
    Path model = dir.resolve("model");
    TinyOnnx.linearDepth(model);
    TinyOnnx.config(model, "");
    ServerOptions o = ServerOptions.builder().port(0).workers(2).exportRoot(dir.resolve("exports"))
        .builtin(new BuiltinConfig(16, 16, 2, 2, 2, "", "", "")).device(OnnxDepthModel.Device.CPU)
        .datasets(List.of(FolderDatasetConfig.newBuilder().setName("mine")
            .setBg(dir.resolve("bg").toString()).setFg(dir.resolve("fg").toString())
            .setSize("32").setDepthModel(model.toString()).build()))
        .metrics("127.0.0.1", 0).build();
    try (FgbgApplication app = FgbgApplication.create(o).start()) {
      app.warm().get(60, TimeUnit.SECONDS);
      ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", app.port())
          .usePlaintext().build();
      try {
        var stub = FgbgGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS);
        long streamed = 0;
        var it = stub.streamEpoch(StreamEpochRequest.newBuilder().setDataset("builtin")
            .setBatchSize(4).build());
        while (it.hasNext()) {
          streamed += it.next().getIndicesCount();
        }
        var depth = stub.streamEpoch(StreamEpochRequest.newBuilder().setDataset("mine")
            .setBatchSize(8).build());
        depth.forEachRemaining(b -> { });
        stub.getSamples(GetSamplesRequest.newBuilder().setDataset("builtin").addIndices(1)
            .addIndices(2).addIndices(3).build());
        var export = stub.export(ExportRequest.newBuilder().setDataset("builtin")
            .setFormat(ExportFormat.EXPORT_FORMAT_NPY).setDestination("m").build());
        export.forEachRemaining(p -> { });
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
            () -> stub.getSamples(GetSamplesRequest.newBuilder().setDataset("nope")
                .addIndices(0).build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());

        String text = scrape(app.metricsPort());
        assertEquals(streamed + samplesOfMine(app), value(text, "fgbg_samples_sent_total",
            "method=\"StreamEpoch\""));
        assertEquals(3, value(text, "fgbg_samples_sent_total", "method=\"GetSamples\""));
        assertEquals(3 * 16 * 16 * (3 + 1 + 2), value(text, "fgbg_sent_bytes_total",
            "method=\"GetSamples\""), "3 samples of 16x16 image, mask and float16 depth");
        assertEquals(streamed, value(text, "fgbg_samples_sent_total", "method=\"Export\""));
        assertTrue(value(text, "fgbg_sent_bytes_total", "method=\"Export\"") > 0);
        assertEquals(0, value(text, "fgbg_streams_open", "method=\"StreamEpoch\""));
        assertEquals(1, value(text, "fgbg_requests_rejected_total", "method=\"GetSamples\"",
            "code=\"NOT_FOUND\""));
        assertTrue(value(text, "fgbg_render_seconds_count", "method=\"StreamEpoch\"") >= 4);
        assertEquals(1, value(text, "fgbg_render_seconds_count", "method=\"GetSamples\""));
        long mine = samplesOfMine(app);
        assertEquals(mine, value(text, "fgbg_depth_cache_requests_total", "model=",
            "result=\"miss\""), "each sample of 'mine' inferred once");
        assertTrue(value(text, "fgbg_depth_batch_seconds_count", "model=") >= 1, text);
        assertEquals(0, value(text, "fgbg_depth_queue_length", "model="));
        assertTrue(value(text, "fgbg_memory_budget_capacity_bytes") > 0);
        assertFalse(text.contains("fgbg_export_progress_ratio{"), "an ended export's series goes");
      } finally {
        ch.shutdownNow();
      }
    }
  }

  @Test
  void aRunningExportIsLabelledWithItsDestinationAsTyped() throws Exception {
    // 400,000 samples: the export is still running at its first progress message (200 ms).
    ServerOptions o = ServerOptions.builder().port(0).workers(1).exportRoot(dir.resolve("exports"))
        .builtin(new BuiltinConfig(16, 16, 20, 100, 100, "", "", "")).metrics("127.0.0.1", 0)
        .build();
    try (FgbgApplication app = FgbgApplication.create(o).start()) {
      ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", app.port())
          .usePlaintext().build();
      try (Context.CancellableContext call = Context.current().withCancellation()) {
        String text = call.call(() -> {
          var export = FgbgGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS)
              .export(ExportRequest.newBuilder().setDataset("builtin").setDestination("metr")
                  .setFormat(ExportFormat.EXPORT_FORMAT_NPY).build());
          assertFalse(export.next().getFinished());
          return scrape(app.metricsPort());
        });
        double ratio = value(text, "fgbg_export_progress_ratio", "destination=\"metr\"");
        assertTrue(ratio >= 0 && ratio < 1, text);
      } finally {
        ch.shutdownNow();
      }
    }
  }

  /**
   * An export shows 0 from the start, before its first batch is written (seconds with CPU
   * teacher depth): here one queued behind another that holds the only export slot.
   */
  @Test
  void anExportShowsZeroBeforeItsFirstBatchIsWritten() throws Exception {
    ServerOptions o = ServerOptions.builder().port(0).workers(1).exportRoot(dir.resolve("exports"))
        .builtin(new BuiltinConfig(16, 16, 20, 100, 100, "", "", ""))
        .load(LoadOptions.builder().maxExports(1).exportQueue(3).build())
        .metrics("127.0.0.1", 0).build();
    try (FgbgApplication app = FgbgApplication.create(o).start()) {
      ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", app.port())
          .usePlaintext().build();
      try (Context.CancellableContext call = Context.current().withCancellation()) {
        String text = call.call(() -> {
          var stub = FgbgGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS);
          ExportRequest.Builder r = ExportRequest.newBuilder().setDataset("builtin")
              .setFormat(ExportFormat.EXPORT_FORMAT_NPY);
          assertFalse(stub.export(r.setDestination("first").build()).next().getFinished());
          stub.export(r.setDestination("queued").build()); // sent; waits for the slot
          long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          String seen = scrape(app.metricsPort());
          while (!seen.contains("destination=\"queued\"") && System.nanoTime() < until) {
            Thread.sleep(20); // the request reaches the server
            seen = scrape(app.metricsPort());
          }
          return seen;
        });
        assertEquals(0, value(text, "fgbg_export_progress_ratio", "destination=\"queued\""),
            text);
      } finally {
        ch.shutdownNow();
      }
    }
  }

  /** A call cut by its deadline counts as DEADLINE_EXCEEDED; one its client cancelled, not. */
  @Test
  void aCallCutByItsDeadlineIsCountedAndACancelIsNot() throws Exception {
    ServerOptions o = ServerOptions.builder().port(0).workers(1).exportRoot(dir.resolve("exports"))
        .builtin(new BuiltinConfig(16, 16, 20, 100, 100, "", "", "")).metrics("127.0.0.1", 0)
        .build();
    try (FgbgApplication app = FgbgApplication.create(o).start()) {
      ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", app.port())
          .usePlaintext().build();
      try {
        StatusRuntimeException late = assertThrows(StatusRuntimeException.class, () -> {
          var it = FgbgGrpc.newBlockingStub(ch).withDeadlineAfter(500, TimeUnit.MILLISECONDS)
              .streamEpoch(StreamEpochRequest.newBuilder().setDataset("builtin")
                  .setBatchSize(4).build());
          while (it.hasNext()) {
            it.next();
            Thread.sleep(50); // a slow reader: the 400,000 samples outlast the deadline
          }
        });
        assertEquals(Status.Code.DEADLINE_EXCEEDED, late.getStatus().getCode());
        try (Context.CancellableContext call = Context.current().withCancellation()) {
          call.run(() -> FgbgGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS)
              .streamEpoch(StreamEpochRequest.newBuilder().setDataset("builtin")
                  .setBatchSize(4).build()).next());
          call.cancel(null);
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String text = scrape(app.metricsPort());
        while (!text.contains("DEADLINE_EXCEEDED") && System.nanoTime() < until) {
          Thread.sleep(50);
          text = scrape(app.metricsPort());
        }
        assertEquals(1, value(text, "fgbg_requests_rejected_total", "method=\"StreamEpoch\"",
            "code=\"DEADLINE_EXCEEDED\""));
        Thread.sleep(300); // the cancel has reached the server: still none counted for it
        assertFalse(scrape(app.metricsPort()).contains("code=\"CANCELLED\""));
      } finally {
        ch.shutdownNow();
      }
    }
  }

  private static long samplesOfMine(FgbgApplication app) {
    return app.datasets().get(1).size();
  }

  static String scrape(int port) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
    return r.body();
  }

  /** The value of the one sample of {@code name} whose labels contain every fragment. */
  static double value(String text, String name, String... labels) {
    List<String> hits = text.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(
        name + " ")).filter(l -> {
          for (String f : labels) {
            if (!l.contains(f)) {
              return false;
            }
          }
          return true;
        }).toList();
    assertEquals(1, hits.size(), name + " " + List.of(labels) + " in\n" + text);
    String line = hits.get(0);
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }
}
