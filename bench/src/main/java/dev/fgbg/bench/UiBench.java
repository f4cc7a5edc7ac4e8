package dev.fgbg.bench;

import com.google.gson.JsonObject;
import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.server.FgbgApplication;
import dev.fgbg.server.options.ServerOptions;
import dev.fgbg.server.options.UiOptions;
import dev.fgbg.server.ui.HeadlessChromium;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.GetSamplesRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A grid page of the web UI in a real headless Chromium, against GetSamples of the same samples
 * in the same run: cold (nothing rendered yet), with the server's sample cache warm (the browser's
 * cache off, so every image is fetched and encoded again), and with the browser's cache warm.
 * The page time is the page's own: from the navigation's start to every thumbnail decoded and
 * its mask outline drawn.
 */
@Command(name = "ui", mixinStandardHelpOptions = true,
    description = "Web UI: a grid page of N thumbnails in headless Chromium vs GetSamples of N.")
final class UiBench implements Callable<Integer> {
  @Option(names = "--per-page", description = "Thumbnails on the page. Default: 60.")
  int perPage = 60;

  @Option(names = "--rounds", description = "Pages timed in each state. Default: 5.")
  int rounds = 5;

  @Option(names = "--builtin-size", description = "Built-in dataset size. Default: 224.")
  String size = "224";

  @Option(names = "--builtin-counts", description = "Backgrounds:cut-outs. Default: 100:100.")
  String counts = "100:100";

  @Option(names = "--screenshot", description = "Also write a PNG of the grid page (the window's"
      + " 1400x1000) here.")
  Path screenshot;

  @Override
  public Integer call() throws Exception {
    Path exports = Files.createTempDirectory("fgbg-bench-ui");
    ServerOptions o = ServerOptions.builder().port(0).exportRoot(exports)
        .builtin(BuiltinConfig.parse(size, 20, counts, "", "", "")).ui(UiOptions.LOOPBACK, 0)
        .build();
    FgbgApplication app = FgbgApplication.create(o).start();
    ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:" + app.port(),
        InsecureChannelCredentials.create()).maxInboundMessageSize(256 << 20).build();
    try (HeadlessChromium browser = HeadlessChromium.start(1400, 1000)) {
      String base = "http://127.0.0.1:" + app.uiPort() + "/grid?per_page=" + perPage
          + "&order=random&shuffle_seed=";
      double[] getSamples = new double[rounds];
      double[] cold = new double[rounds];
      double[] warmServer = new double[rounds];
      double[] warmBrowser = new double[rounds];
      browser.open(base + "1000"); // the JIT, the page's scripts and styles: not timed
      for (int r = 0; r < rounds; r++) {
        String page = base + r;
        cold[r] = pageMillis(browser, page);
        cache(browser, false);
        warmServer[r] = pageMillis(browser, page);
        cache(browser, true);
        pageMillis(browser, page); // fills the browser's cache again
        warmBrowser[r] = pageMillis(browser, page);
        long[] shown = LongStream.range(0, perPage).map(i -> browser.eval(
            "Number(document.querySelectorAll('.tile')[" + i + "].dataset.index)").getAsLong())
            .toArray();
        getSamples[r] = getSamplesMillis(channel, shown);
      }
      if (screenshot != null) {
        browser.open(base + "0");
        browser.screenshot(screenshot, false);
      }
      double baseline = median(getSamples);
      System.err.printf(Locale.ROOT, "%d thumbnails of %sx%s, median of %d rounds:%n"
          + "  GetSamples of %d (gRPC):               %7.1f ms  1.00%n"
          + "  grid page, cold:                       %7.1f ms  %.2f%n"
          + "  grid page, server cache warm:          %7.1f ms  %.2f%n"
          + "  grid page, browser cache warm:         %7.1f ms  %.2f%n", perPage, size, size,
          rounds, perPage, baseline, median(cold), median(cold) / baseline, median(warmServer),
          median(warmServer) / baseline, median(warmBrowser), median(warmBrowser) / baseline);
      System.out.printf(Locale.ROOT, "page ms (server cache warm): %.1f%n", median(warmServer));
      System.out.printf(Locale.ROOT, "samples/s: %.1f%n", perPage / (median(warmServer) / 1e3));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      app.close();
    }
    return 0;
  }

  /** Opens {@code url} afresh and returns the page's own time to shown. */
  private static double pageMillis(HeadlessChromium browser, String url) {
    browser.open(url);
    return Double.parseDouble(browser.eval("document.body.dataset.readyMs").getAsString());
  }

  private static void cache(HeadlessChromium browser, boolean on) {
    browser.call("Network.enable", new JsonObject());
    JsonObject p = new JsonObject();
    p.addProperty("cacheDisabled", !on);
    browser.call("Network.setCacheDisabled", p);
  }

  /** GetSamples of {@code indices} (in as few calls as describe's max_get_samples allows). */
  private static double getSamplesMillis(ManagedChannel channel, long[] indices) {
    FgbgGrpc.FgbgBlockingStub stub = FgbgGrpc.newBlockingStub(channel);
    int max = stub.describe(DescribeRequest.newBuilder().setDataset("builtin").build())
        .getMaxGetSamples();
    double ms = 0;
    for (int round = 0; round < 2; round++) { // the first warms the depth of these samples
      long t0 = System.nanoTime();
      for (int from = 0; from < indices.length; from += max) {
        GetSamplesRequest.Builder r = GetSamplesRequest.newBuilder().setDataset("builtin");
        for (int s = from; s < Math.min(indices.length, from + max); s++) {
          r.addIndices(indices[s]);
        }
        stub.getSamples(r.build());
      }
      ms = (System.nanoTime() - t0) / 1e6;
    }
    return ms;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
