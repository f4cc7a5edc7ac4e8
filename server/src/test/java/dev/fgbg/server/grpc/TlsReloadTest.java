package dev.fgbg.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.TestCertificates;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A renewed {@code --tls-cert}/{@code --tls-key} is served to new connections while a real
 * server runs; a pair that does not belong together, or one expired by the injected clock,
 * leaves the old one served, with one warning.
 */
@ExtendWith(LogCapture.Clean.class)
class TlsReloadTest {
  private static final Duration LONG = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  private TestCertificates one;
  private TestCertificates two;
  private Path cert;
  private Path key;

  /** Two sets of certificates, the first one's pair served at {@link #cert}, {@link #key}. */
  @BeforeEach
  void servingOne() throws IOException {
    one = TestCertificates.write(dir.resolve("one"));
    two = TestCertificates.write(dir.resolve("two"));
    cert = dir.resolve("tls.crt");
    key = dir.resolve("tls.key");
    Files.copy(one.serverCert(), cert);
    Files.copy(one.serverKey(), key);
  }

  @Test
  void aRenewedPairIsServedToNewConnectionsAndAMismatchedOneIsRefused() throws Exception {
    ConnectOptions connect = ConnectOptions.builder().tls(cert, key)
        .reloadInterval(Duration.ofMillis(50)).build();
    try (LogCapture log = new LogCapture(); TestServer server = TestServer.netty(
        TestDatasets.registry(), TestServer.options(1).connect(connect).build())) {
      assertEquals("tiny", describe(server, one.ca()));
      assertEquals(Status.Code.UNAVAILABLE, refused(server, two.ca()));

      // The key first, then the certificate: between the two, a pair that does not match.
      replace(two.serverKey(), key);
      replace(two.serverCert(), cert);
      await(() -> served(server, two.ca()), "the new certificate served");
      assertEquals(Status.Code.UNAVAILABLE, refused(server, one.ca()));
      await(() -> !lines(log, Level.INFO).isEmpty(), "the reload's line");
      assertEquals(1, lines(log, Level.INFO).size(), lines(log, Level.INFO).toString());
      assertTrue(lines(log, Level.INFO).get(0).startsWith("--tls-cert " + cert + " and "
          + "--tls-key " + key + " reloaded: serving the certificate of CN=localhost"),
          lines(log, Level.INFO).get(0));

      replace(one.serverKey(), key); // a key that is not the certificate's, for good
      await(() -> !lines(log, Level.WARNING).isEmpty(), "a warning");
      long warnedAt = connect.keys().ticks();
      await(() -> connect.keys().ticks() >= warnedAt + 5, "five more checks");
      List<String> warnings = lines(log, Level.WARNING);
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).startsWith("--tls-key " + key + " is not the key of the "
          + "certificate in --tls-cert " + cert + " (of CN=localhost): give the key it was "
          + "issued for; the certificate of CN=localhost, valid until "), warnings.get(0));
      assertTrue(warnings.get(0).endsWith(" read before is still served"), warnings.get(0));
      assertEquals("tiny", describe(server, two.ca()));
    }
  }

  /**
   * "Valid now" is the injected clock's now, at start-up and at each reload: a renewed pair
   * expired by then leaves the old pair served, with one warning (the test certificates are
   * valid for a day: the clock moves two days on rather than being waited for).
   */
  @Test
  void aPairExpiredByTheClockIsRefusedAtStartAndAtReload() throws Exception {
    SetClock clock = new SetClock();
    Duration never = Duration.ofDays(1); // the checks are run here, not by a timer
    try (LogCapture log = new LogCapture()) {
      LiveKeys keys = LiveKeys.of(cert, key, never, clock);
      clock.now = clock.now.plus(Duration.ofDays(2));
      assertTrue(assertThrows(IllegalArgumentException.class,
          () -> LiveKeys.of(cert, key, never, clock)).getMessage().contains(" expired on "));

      replace(two.serverKey(), key);
      replace(two.serverCert(), cert);
      keys.check();
      keys.check();
      keys.check();
      assertEquals(List.of(), lines(log, Level.INFO), "nothing reloaded");
      List<String> warnings = lines(log, Level.WARNING);
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).contains(" expired on "), warnings.get(0));
      assertTrue(warnings.get(0).endsWith(" read before is still served"), warnings.get(0));
    }
  }

  /** A clock the test sets. */
  private static final class SetClock extends Clock {
    private volatile Instant now = Instant.now();

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private static void replace(Path from, Path to) throws IOException {
    Path next = to.resolveSibling(to.getFileName() + ".new");
    Files.copy(from, next, StandardCopyOption.REPLACE_EXISTING);
    Files.move(next, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Describe over a new connection trusting {@code ca} only. */
  private static String describe(TestServer server, Path ca) throws IOException {
    ManagedChannel c = Grpc.newChannelBuilder("localhost:" + server.application().port(),
        TlsChannelCredentials.newBuilder().trustManager(ca.toFile()).build()).build();
    try {
      return FgbgGrpc.newBlockingStub(c).withDeadlineAfter(30, TimeUnit.SECONDS)
          .describe(DescribeRequest.newBuilder().setDataset("tiny").build()).getName();
    } finally {
      c.shutdownNow();
    }
  }

  private static Status.Code refused(TestServer server, Path ca) {
    return assertThrows(StatusRuntimeException.class, () -> describe(server, ca)).getStatus()
        .getCode();
  }

  private static boolean served(TestServer server, Path ca) {
    try {
      return describe(server, ca).equals("tiny");
    } catch (StatusRuntimeException | IOException e) {
      return false;
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Polls.await(condition, what, LONG);
  }

  private static List<String> lines(LogCapture log, Level level) {
    return log.of(LiveKeys.class.getName()).stream().filter(r -> r.getLevel() == level)
        .map(LogRecord::getMessage).toList();
  }
}
