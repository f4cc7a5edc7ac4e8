package dev.fgbg.server.metrics;

import static dev.fgbg.server.metrics.ServerMetricsTest.scrape;
import static dev.fgbg.server.metrics.ServerMetricsTest.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.server.FgbgApplication;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.TestCertificates;
import dev.fgbg.server.options.ServerOptions;
import dev.fgbg.server.transport.ConnectOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a fresh server's metrics port shows before any call: every labelled family with its HELP
 * and TYPE, whether it serves, and the expiry of the certificate it serves, moved by a reload.
 */
@ExtendWith(LogCapture.Clean.class)
class MetricsFromStartTest {
  private static final BuiltinConfig SMALL = new BuiltinConfig(16, 16, 2, 2, 2, "", "", "");

  @TempDir
  Path dir;

  @Test
  void everyFamilyShowsBeforeItsFirstUseAndServingFollowsHealth() throws Exception {
    ServerOptions o = ServerOptions.builder().port(0).workers(1).builtin(SMALL)
        .metrics("127.0.0.1", 0).build();
    try (FgbgApplication app = FgbgApplication.create(o).start()) {
      String text = scrape(app.metricsPort());
      for (String family : new String[] {"fgbg_samples_sent_total counter",
          "fgbg_sent_bytes_total counter", "fgbg_streams_open gauge",
          "fgbg_requests_rejected_total counter", "fgbg_render_seconds histogram",
          "fgbg_serving gauge"}) {
        assertTrue(text.contains("# TYPE " + family + "\n"), family + " in\n" + text);
        assertTrue(text.contains("# HELP " + family.split(" ")[0] + " "), family);
      }
      assertEquals(0, value(text, "fgbg_samples_sent_total", "method=\"Export\""));
      assertEquals(0, value(text, "fgbg_streams_open", "method=\"StreamEpoch\""));
      assertEquals(0, value(text, "fgbg_requests_rejected_total", "method=\"GetSamples\"",
          "code=\"RESOURCE_EXHAUSTED\""));
      assertEquals(0, value(text, "fgbg_render_seconds_count", "method=\"GetSamples\""));
      assertEquals(1, value(text, "fgbg_serving"));
      app.server().notServing(); // what SIGTERM's drain does
      assertEquals(0, value(scrape(app.metricsPort()), "fgbg_serving"));
    }
  }

  @Test
  void theServedCertificatesExpiryIsMovedByAReload() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant first = now.plus(Duration.ofDays(10));
    Instant renewed = now.plus(Duration.ofDays(90));
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    TestCertificates.selfSigned(cert, key, now.minusSeconds(60), first, false, false);
    TestCertificates.selfSigned(dir.resolve("new.crt"), dir.resolve("new.key"),
        now.minusSeconds(60), renewed, false, false);
    ConnectOptions connect = ConnectOptions.builder().tls(cert, key)
        .reloadInterval(Duration.ofMillis(50)).build();
    ServerOptions o = ServerOptions.builder().port(0).workers(1).builtin(SMALL).connect(connect)
        .metrics("127.0.0.1", 0).build();
    try (FgbgApplication app = FgbgApplication.create(o).start()) {
      String name = "fgbg_tls_certificate_expiry_timestamp_seconds";
      assertEquals(first.getEpochSecond(), value(scrape(app.metricsPort()), name));
      replace(dir.resolve("new.key"), key);
      replace(dir.resolve("new.crt"), cert);
      long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      double seen = value(scrape(app.metricsPort()), name);
      while (seen != renewed.getEpochSecond() && System.nanoTime() < until) {
        Thread.sleep(50); // the reload's next read of the files
        seen = value(scrape(app.metricsPort()), name);
      }
      assertEquals(renewed.getEpochSecond(), seen);
    }
  }

  private static void replace(Path from, Path to) throws Exception {
    Path next = to.resolveSibling(to.getFileName() + ".new");
    Files.copy(from, next, StandardCopyOption.REPLACE_EXISTING);
    Files.move(next, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
