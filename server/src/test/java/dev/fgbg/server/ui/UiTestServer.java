package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.Fixtures;
import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.core.depth.OnnxDepthModel;
import dev.fgbg.core.load.RenderScheduler;
import dev.fgbg.server.FgbgApplication;
import dev.fgbg.server.options.ServerOptions;
import dev.fgbg.server.options.UiOptions;
import dev.fgbg.server.transport.ConnectOptions;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.FolderDatasetConfig;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.SampleBatch;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real server (Netty, gRPC on a free loopback port) with its web UI on another, serving a
 * small built-in dataset: 6 backgrounds × 8 cut-outs × 2 flips × 5 placements = 480 samples of
 * 48×64 (height × width: not square, so that a page showing them in the wrong order fails)
 * with exact depth.
 */
final class UiTestServer implements AutoCloseable {
  static final long SIZE = 480;
  static final int HEIGHT = 48;
  static final int WIDTH = 64;

  final FgbgApplication app;
  final ManagedChannel channel;
  final String url;

  private UiTestServer(FgbgApplication app) {
    this.app = app;
    this.channel = Grpc.newChannelBuilder("127.0.0.1:" + app.port(),
        InsecureChannelCredentials.create()).maxInboundMessageSize(64 << 20).build();
    this.url = "http://127.0.0.1:" + app.uiPort();
  }

  static UiTestServer start(Path exportRoot, ConnectOptions connect) throws IOException {
    return start(exportRoot, connect, List.of());
  }

  /** The same, with folder datasets beside the built-in one. */
  static UiTestServer start(Path exportRoot, ConnectOptions connect,
      List<FolderDatasetConfig> folders) throws IOException {
    return start(exportRoot, connect, folders, HEIGHT, WIDTH, 0);
  }

  /** The same with a built-in dataset of another size, the UI on {@code uiPort} (0: free). */
  static UiTestServer start(Path exportRoot, ConnectOptions connect,
      List<FolderDatasetConfig> folders, int height, int width, int uiPort) throws IOException {
    return start(options(exportRoot, connect, folders, height, width, uiPort));
  }

  /** The same, timed by {@code ticker} (a test's own, to pass the minute of log lines). */
  static UiTestServer start(Path exportRoot, ConnectOptions connect, Ticker ticker)
      throws IOException {
    return start(options(exportRoot, connect, List.of(), HEIGHT, WIDTH, 0).ticker(ticker));
  }

  /** The same, whose stop gives calls {@code grace} ({@code --shutdown-grace}). */
  static UiTestServer start(Path exportRoot, Duration grace) throws IOException {
    return start(options(exportRoot, ConnectOptions.builder().build(), List.of(), HEIGHT, WIDTH,
        0).shutdownGrace(grace));
  }

  private static ServerOptions.Builder options(Path exportRoot, ConnectOptions connect,
      List<FolderDatasetConfig> folders, int height, int width, int uiPort) {
    return ServerOptions.builder().port(0).workers(2).exportRoot(exportRoot)
        .builtin(new BuiltinConfig(height, width, 5, 6, 8, "", "", "")).datasets(folders)
        .device(OnnxDepthModel.Device.CPU).connect(connect).ui(UiOptions.LOOPBACK, uiPort);
  }

  private static UiTestServer start(ServerOptions.Builder options) throws IOException {
    return new UiTestServer(FgbgApplication.create(options.build()).start());
  }

  /** Without tokens, the UI answering to {@code allowedHosts} too ({@code --ui-allowed-host}). */
  static UiTestServer startAllowing(Path exportRoot, String... allowedHosts) throws IOException {
    ServerOptions o = ServerOptions.builder().port(0).workers(2).exportRoot(exportRoot)
        .builtin(new BuiltinConfig(HEIGHT, WIDTH, 5, 6, 8, "", "", ""))
        .device(OnnxDepthModel.Device.CPU).ui(UiOptions.LOOPBACK, 0, allowedHosts).build();
    return new UiTestServer(FgbgApplication.create(o).start());
  }

  /** The folder dataset 'photos' of {@link Fixtures#goodFolders} written under {@code dir}. */
  static FolderDatasetConfig photos(Path dir) {
    return FolderDatasetConfig.newBuilder().setName("photos")
        .setBg(dir.resolve("bg").toString()).setFg(dir.resolve("fg").toString())
        .setSize("32").build();
  }

  FgbgGrpc.FgbgBlockingStub stub() {
    return FgbgGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** GetSamples of {@code indices} under {@code seed}: what the UI must show. */
  SampleBatch getSamples(long seed, long... indices) {
    GetSamplesRequest.Builder r = GetSamplesRequest.newBuilder().setDataset("builtin")
        .setSeed(seed);
    for (long i : indices) {
      r.addIndices(i);
    }
    return stub().getSamples(r.build());
  }

  /** A plain GET of a UI path (header pairs, a name twice sending it twice, or none). */
  HttpResponse<String> get(String path, String... header) throws IOException,
      InterruptedException {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url + path));
    for (int i = 0; i + 1 < header.length; i += 2) {
      r.header(header[i], header[i + 1]);
    }
    return HttpClient.newHttpClient().send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Holds {@code workers} render workers until {@code release}, so that Stats runs and grid
   * pages wait whatever the machine's speed; returns once they are held (within {@code
   * seconds}). A worker interrupted (the server's stop) lets go.
   */
  void holdWorkers(int workers, CountDownLatch release, int seconds)
      throws InterruptedException {
    RenderScheduler.Lane lane = app.server().scheduler().lane("test holds the workers");
    CountDownLatch holding = new CountDownLatch(workers);
    for (int w = 0; w < workers; w++) {
      lane.execute(() -> {
        holding.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
    assertTrue(holding.await(seconds, TimeUnit.SECONDS), "the workers were held");
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    app.close();
  }

  /**
   * A GET of {@code path} naming {@code host}, with {@code headers} (lines, each ending CRLF),
   * over a plain socket: the whole answer, as sent (headers a client library would fix).
   */
  String raw(String path, String host, String headers) throws IOException {
    try (Socket s = new Socket("127.0.0.1", app.uiPort())) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host
          + "\r\n" + headers + "Connection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
