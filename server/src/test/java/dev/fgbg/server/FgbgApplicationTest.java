package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Fixtures;
import dev.fgbg.core.LogLines;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.TinyOnnx;
import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.core.depth.DepthKey;
import dev.fgbg.core.depth.DepthRecord;
import dev.fgbg.core.depth.DepthStore;
import dev.fgbg.core.depth.OnnxDepthModel;
import dev.fgbg.server.options.ServerOptions;
import dev.fgbg.server.transport.ConnectOptions;
import dev.fgbg.v1.DepthModelStats;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.FolderDatasetConfig;
import dev.fgbg.v1.ListDatasetsRequest;
import dev.fgbg.v1.ServerStatsRequest;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FgbgApplicationTest {
  @TempDir
  Path dir;

  private ServerOptions.Builder small() {
    return ServerOptions.builder().workers(2).exportRoot(dir.resolve("exports"))
        .builtin(new BuiltinConfig(16, 16, 2, 2, 2, "", "", ""))
        .device(OnnxDepthModel.Device.CPU);
  }

  @Test
  void servesItsDatasetsTurnsHealthyWhenWarmAndStops() throws Exception {
    Fixtures.goodFolders(dir);
    Path model = dir.resolve("model");
    TinyOnnx.linearDepth(model);
    TinyOnnx.config(model, "");
    ServerOptions o = small().datasets(List.of(FolderDatasetConfig.newBuilder().setName("mine")
        .setBg(dir.resolve("bg").toString()).setFg(dir.resolve("fg").toString()).setSize("32")
        .setDepthModel(model.toString()).build())).build();
    String name = InProcessServerBuilder.generateName();
    FgbgApplication app = FgbgApplication.create(o).start(InProcessServerBuilder.forName(name));
    ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
    try {
      assertEquals(List.of("builtin", "mine"), FgbgGrpc.newBlockingStub(ch)
          .withDeadlineAfter(10, TimeUnit.SECONDS).listDatasets(
              ListDatasetsRequest.getDefaultInstance()).getDatasetsList().stream()
          .map(d -> d.getName()).toList());
      // The warm-up runs on the application's own executor; health turns SERVING after it.
      app.warm().get(30, TimeUnit.SECONDS);
      assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(ch)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance()).getStatus());
      assertTrue(app.datasets().get(1).hasDepth());
      // The warm-up's batch was counted as served: "inferences: 16, runs: 1" before any call.
      FgbgGrpc.FgbgBlockingStub stub = FgbgGrpc.newBlockingStub(ch)
          .withDeadlineAfter(30, TimeUnit.SECONDS);
      DepthModelStats warm = stub.serverStats(ServerStatsRequest.getDefaultInstance())
          .getDepth(0);
      assertEquals(List.of(0L, 0L, 0L), List.of(warm.getInferences(), warm.getRuns(),
          warm.getMisses()), warm.toString());
      stub.streamEpoch(StreamEpochRequest.newBuilder().setDataset("mine").setBatchSize(3)
          .setLimit(3).build()).forEachRemaining(b -> { });
      assertEquals(3, stub.serverStats(ServerStatsRequest.getDefaultInstance()).getDepth(0)
          .getInferences(), "what was served, each sample once");
    } finally {
      ch.shutdownNow();
      app.close();
    }
  }

  /**
   * A stop (SIGTERM) that closes the models while the warm-up still has one to warm ends the
   * warm-up as an ordinary stop: an INFO line, no SEVERE, and the warm future cancelled, not
   * failed. The stop comes as the first model's "warm" line is logged, so the second model's
   * warm-up meets a closed model, as it would under a SIGTERM at that moment.
   */
  @Test
  void aWarmUpEndedByTheStopIsAnInfoLineNotASevereOne() throws Exception {
    Fixtures.goodFolders(dir);
    List<FolderDatasetConfig> sets = new ArrayList<>();
    for (String n : List.of("one", "two")) {
      Path model = dir.resolve(n);
      TinyOnnx.linearDepth(model);
      TinyOnnx.config(model, "");
      sets.add(FolderDatasetConfig.newBuilder().setName(n).setBg(dir.resolve("bg").toString())
          .setFg(dir.resolve("fg").toString()).setSize("32").setDepthModel(model.toString())
          .build());
    }
    FgbgApplication app = FgbgApplication.create(small().datasets(sets).build());
    Logger log = Logger.getLogger(FgbgApplication.class.getName());
    List<LogRecord> lines = new ArrayList<>();
    Handler stopAtFirstWarm = new Handler() {
      @Override
      public void publish(LogRecord r) {
        lines.add(r);
        if (r.getMessage().contains(" warm on ") && lines.stream()
            .filter(l -> l.getMessage().contains(" warm on ")).count() == 1) {
          app.close("stopped (SIGTERM)", null);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    log.addHandler(stopAtFirstWarm);
    try {
      app.start(InProcessServerBuilder.forName(InProcessServerBuilder.generateName()));
      assertThrows(CancellationException.class, () -> app.warm().get(30, TimeUnit.SECONDS));
    } finally {
      log.removeHandler(stopAtFirstWarm);
      app.close();
    }
    List<String> said = lines.stream().filter(r -> r.getLevel().intValue()
        >= Level.INFO.intValue()).map(r -> r.getLevel() + " " + r.getMessage()).toList();
    assertTrue(said.contains("INFO depth warm-up ended: the server is stopping"), said.toString());
    assertTrue(said.stream().noneMatch(l -> l.startsWith("SEVERE") || l.contains("SERVING")),
        said.toString());
  }

  /**
   * After the warm-up, a teacher dataset's model says what a cold sample costs and, on CPU, what
   * an epoch takes and what is faster; a layered dataset's model, which costs nothing per
   * sample, says nothing of the kind, nor does the built-in world's exact depth.
   */
  @Test
  void aTeacherModelOnCpuSaysWhatAColdEpochCostsAfterItsWarmUp() throws Exception {
    Fixtures.goodFolders(dir);
    List<FolderDatasetConfig> sets = new ArrayList<>();
    for (String n : List.of("taught", "flat")) {
      Path model = dir.resolve(n + "-model");
      if (n.equals("flat")) { // another model: one model's runtimes share its id's teacher
        TinyOnnx.linearDepthHalf(model);
      } else {
        TinyOnnx.linearDepth(model);
      }
      TinyOnnx.config(model, "");
      sets.add(FolderDatasetConfig.newBuilder().setName(n).setBg(dir.resolve("bg").toString())
          .setFg(dir.resolve("fg").toString()).setSize("32").setDepthModel(model.toString())
          .setDepthMode(n.equals("flat") ? "layered" : "").build());
    }
    try (LogLines log = LogLines.capture(FgbgApplication.class.getName())) {
      FgbgApplication app = FgbgApplication.create(small().datasets(sets).build());
      try {
        app.start(InProcessServerBuilder.forName(InProcessServerBuilder.generateName()));
        app.warm().get(30, TimeUnit.SECONDS);
      } finally {
        app.close();
      }
      long size = app.datasets().stream().filter(d -> d.name().equals("taught")).findFirst()
          .orElseThrow().size();
      List<String> said = log.containing("not in the depth cache");
      assertEquals(1, said.size(), log.lines().toString());
      String line = said.get(0);
      // 16 images: a batch of 8 on each of the two sessions a CPU model has by default.
      assertTrue(line.startsWith("INFO depth model tiny on cpu: a sample not in the depth cache"
          + " costs about ") && line.contains(" samples/s; an estimate from the warm-up's 16 "
          + "images, which run slower than later ones); teacher depth on CPU, an epoch computed"
          + " cold takes: taught (" + String.format(Locale.ROOT, "%,d", size)
          + " samples) about "), line);
      assertTrue(line.endsWith("; --depth-mode layered (the model once per background) or a GPU"
          + " (--device cuda) is the fast choice"), line);
    }
  }

  @Test
  void aBadDatasetFailsCreationNamingIt() {
    ServerOptions o = small().datasets(List.of(FolderDatasetConfig.newBuilder().setName("x")
        .setBg(dir.resolve("missing").toString()).setFg(dir.toString()).build())).build();
    FgbgException e = assertThrows(FgbgException.class, () -> FgbgApplication.create(o));
    assertTrue(e.getMessage().contains("missing does not exist"), e.getMessage());
  }

  @Test
  void optionsRejectBadValuesNamingTheField() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> small().workers(0).build());
    assertTrue(e.getMessage().startsWith("workers = 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> small().statsInterval(Duration.ZERO).build());
    assertTrue(e.getMessage().startsWith("statsInterval = PT0S"), e.getMessage());
  }

  @Test
  void aDepthStoreNoDatasetReadsIsWarnedAboutAsAnUnusedCacheDirIs() throws Exception {
    // It was accepted silently (a mistyped path too), while --cache-dir here is warned about.
    Path store = dir.resolve("nonexistent");
    ServerOptions o = small().depthStore(store).build();
    try (LogLines log = LogLines.capture(FgbgApplication.class.getName())) {
      FgbgApplication.create(o).start(InProcessServerBuilder.forName(
          InProcessServerBuilder.generateName())).close();
      assertEquals(List.of("WARNING --depth-store " + store + " is unused: no dataset has teacher"
          + " depth from a depth model (--depth-model, or a --config dataset naming one), so"
          + " nothing is read from it"), log.containing("--depth-store"));
    }
  }

  /**
   * A --depth-store built for other assets was accepted silently: only the store hits, later,
   * showed that the model computed everything. The dataset's line counts what the store holds
   * for its fingerprint, and a store holding nothing for it is a warning.
   */
  @Test
  void aDepthStoreIsCountedPerDatasetAndOneHoldingNothingForItIsWarnedAbout()
      throws Exception {
    Fixtures.goodFolders(dir);
    Path model = dir.resolve("model");
    TinyOnnx.linearDepth(model);
    TinyOnnx.config(model, "");
    Path store = Files.createDirectories(dir.resolve("store"));
    storeShard(store, "c".repeat(64), 0, 0, 4); // another dataset's
    ServerOptions o = small().depthStore(store).datasets(List.of(FolderDatasetConfig
        .newBuilder().setName("mine").setBg(dir.resolve("bg").toString())
        .setFg(dir.resolve("fg").toString()).setSize("32").setDepthModel(model.toString())
        .build())).build();
    String fp = startAndClose(o).get(0);
    try (LogLines log = LogLines.capture(FgbgApplication.class.getName())) {
      startAndClose(o);
      assertTrue(log.containing("dataset 'mine':").get(0).endsWith(", fingerprint " + fp
          + "; 0 of its depth maps (any seed) are in the depth store"), log.lines().toString());
      assertEquals(List.of("WARNING dataset 'mine': --depth-store " + store + " holds no depth maps"
          + " for its fingerprint " + fp + ": the store was built for other assets or options"
          + " (or another depth model), so the model computes every map; run the Spark depth"
          + " job for this dataset as served, or fix --depth-store"),
          log.containing("holds no depth maps"));
    }
    storeShard(store, fp, 0, 0, 5);
    storeShard(store, fp, 7, 2, 5);
    try (LogLines log = LogLines.capture(FgbgApplication.class.getName())) {
      startAndClose(o);
      assertTrue(log.containing("dataset 'mine':").get(0).endsWith(
          "; 8 of its depth maps (any seed) are in the depth store"), log.lines().toString());
      assertEquals(List.of(), log.containing("holds no depth maps"));
    }
  }

  /** Starts and closes a server of {@code o}; the fingerprints of its datasets with depth. */
  private static List<String> startAndClose(ServerOptions o)
      throws Exception {
    FgbgApplication app = FgbgApplication.create(o);
    app.start(InProcessServerBuilder.forName(InProcessServerBuilder.generateName())).close();
    return app.datasets().stream().filter(d -> d.teacher() != null)
        .map(d -> d.fingerprint()).toList();
  }

  /** A shard of indices [start, end) of one seed, as the Spark depth job writes it. */
  private static void storeShard(Path store, String fp, long seed, long start, long end)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (long i = start; i < end; i++) {
      out.write(DepthRecord.encode(new DepthKey(fp, seed, i), new float[32 * 32]));
    }
    Path folder = Files.createDirectories(store.resolve(DepthStore.folder(fp, seed)));
    Files.write(folder.resolve(DepthStore.shardFile(start, end)), out.toByteArray());
  }

  @Test
  void plaintextBeyondLoopbackWithInsecureLogsOneWarningAndHasNoExports() throws Exception {
    List<LogRecord> warnings = new ArrayList<>();
    Logger log = Logger.getLogger(FgbgApplication.class.getName());
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getLevel() == Level.WARNING) {
          warnings.add(r);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    log.addHandler(h);
    ServerOptions o = small().exportRoot(null).connect(ConnectOptions.builder().host("0.0.0.0")
        .insecure(true).build()).build();
    assertEquals(null, o.exportRoot());
    String name = InProcessServerBuilder.generateName();
    FgbgApplication app = FgbgApplication.create(o).start(InProcessServerBuilder.forName(name));
    try {
      assertEquals(1, warnings.size());
      assertTrue(warnings.get(0).getMessage().startsWith("--insecure: serving plaintext without"
          + " tokens beyond loopback"), warnings.get(0).getMessage());
    } finally {
      log.removeHandler(h);
      app.close();
    }
  }

  @Test
  void tokensWithoutTlsBeyondLoopbackLogOneWarningThatTheyCrossInClear(@TempDir Path dir)
      throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "alice:0123456789abcdef0123\n");
    Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
    String clear = "--host 0.0.0.0 listens beyond loopback with tokens and no TLS: tokens are "
        + "sent in clear, for anyone on the network path to read and reuse; add "
        + "--tls-cert/--tls-key";
    for (String host : List.of("0.0.0.0", "127.0.0.1")) {
      try (LogCapture log = new LogCapture(); TestServer s = TestServer.netty(
          TestDatasets.registry(), TestServer.options(1).connect(ConnectOptions.builder()
              .host(host).tokenFile(tokens).build()).build())) {
        List<String> warnings = log.of(FgbgApplication.class.getName()).stream()
            .filter(r -> r.getLevel() == Level.WARNING).map(LogRecord::getMessage).toList();
        assertEquals(host.equals("0.0.0.0") ? List.of(clear) : List.of(), warnings, host);
      }
    }
  }

  /**
   * The web UI's port follows the gRPC port's rule: listening beyond loopback with tokens and no
   * TLS, it warns that they cross the network in clear; its line names where it listens (every
   * address) and a URL that works on this machine.
   */
  @Test
  void aUiBeyondLoopbackWithTokensAndNoTlsWarnsAndNamesWhereItListens(@TempDir Path dir)
      throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "alice:0123456789abcdef0123\n");
    Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
    ServerOptions o = small().port(0).connect(ConnectOptions.builder().tokenFile(tokens).build())
        .ui("0.0.0.0", 0).build();
    try (LogCapture log = new LogCapture(); FgbgApplication app = FgbgApplication.create(o)) {
      app.start();
      List<String> lines = log.of(FgbgApplication.class.getName()).stream()
          .map(r -> r.getLevel() + " " + r.getMessage()).toList();
      assertTrue(lines.contains("WARNING --ui-host 0.0.0.0 listens beyond loopback with tokens"
          + " and no TLS: tokens are sent in clear, for anyone on the network path to read and"
          + " reuse; add --tls-cert/--tls-key"), lines.toString());
      String url = "http://localhost:" + app.uiPort() + "/";
      assertTrue(lines.contains("INFO web UI on every address, port " + app.uiPort() + " ("
          + url + " on this machine)"), lines.toString());
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(url + "api/datasets")).header("Authorization",
          "Bearer 0123456789abcdef0123").build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
    }
  }
}
