package dev.fgbg.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.TestCertificates;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.ChannelCredentials;
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
import java.util.Arrays;
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
 * A renewed {@code --tls-cert}/{@code --tls-key}, and a rotated {@code --tls-client-ca}, are in
 * force for new connections while a real server runs; a pair that does not belong together, one
 * expired by the injected clock, or a CA file without a CA leaves the old files in force, with
 * one warning.
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
   * A rotated {@code --tls-client-ca} is trusted for new connections without a restart: the old
   * CA and the new one together (a rotation's overlap), then the new one alone; a file that
   * holds no CA leaves the CAs in force, with one warning.
   */
  @Test
  void aRotatedClientCaIsTrustedForNewConnectionsAndANonCaIsRefused() throws Exception {
    Path ca = dir.resolve("clients-ca.pem");
    Files.copy(one.ca(), ca);
    ConnectOptions connect = ConnectOptions.builder().tls(cert, key).tlsClientCa(ca)
        .reloadInterval(Duration.ofMillis(50)).build();
    try (LogCapture log = new LogCapture(); TestServer server = TestServer.netty(
        TestDatasets.registry(), TestServer.options(1).connect(connect).build())) {
      assertEquals("tiny", describe(server, one.clientCert(), one.clientKey()));
      assertEquals(Status.Code.UNAVAILABLE, refused(server, one.otherClientCert(),
          one.otherClientKey()));

      Path both = dir.resolve("both.pem");
      Files.write(both, concat(one.ca(), one.otherCa()));
      replace(both, ca);
      await(() -> served(server, one.otherClientCert(), one.otherClientKey()),
          "the new CA's client served");
      assertEquals("tiny", describe(server, one.clientCert(), one.clientKey()));

      replace(one.otherCa(), ca);
      await(() -> !served(server, one.clientCert(), one.clientKey()), "the old CA's refused");
      assertEquals("tiny", describe(server, one.otherClientCert(), one.otherClientKey()));
      List<String> reloads = lines(log, LiveClientCa.class, Level.INFO);
      assertEquals(2, reloads.size(), reloads.toString());
      assertTrue(reloads.get(1).startsWith("--tls-client-ca " + ca + " reloaded: trusting "
          + "client certificates of CN="), reloads.get(1));

      replace(one.clientCert(), ca); // not a CA
      await(() -> !lines(log, LiveClientCa.class, Level.WARNING).isEmpty(), "a warning");
      List<String> warnings = lines(log, LiveClientCa.class, Level.WARNING);
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).contains("is not a CA certificate"), warnings.get(0));
      assertTrue(warnings.get(0).endsWith(") are still trusted"), warnings.get(0));
      assertEquals("tiny", describe(server, one.otherClientCert(), one.otherClientKey()));
    }
  }

  private static byte[] concat(Path a, Path b) throws IOException {
    byte[] x = Files.readAllBytes(a);
    byte[] y = Files.readAllBytes(b);
    byte[] out = Arrays.copyOf(x, x.length + y.length);
    System.arraycopy(y, 0, out, x.length, y.length);
    return out;
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
    return describe(server, TlsChannelCredentials.newBuilder().trustManager(ca.toFile()).build());
  }

  /** Describe over a new connection with a client certificate, trusting the server's CA. */
  private String describe(TestServer server, Path clientCert, Path clientKey)
      throws IOException {
    return describe(server, TlsChannelCredentials.newBuilder().trustManager(one.ca().toFile())
        .keyManager(clientCert.toFile(), clientKey.toFile()).build());
  }

  private Status.Code refused(TestServer server, Path clientCert, Path clientKey) {
    return assertThrows(StatusRuntimeException.class,
        () -> describe(server, clientCert, clientKey)).getStatus().getCode();
  }

  private boolean served(TestServer server, Path clientCert, Path clientKey) {
    try {
      return describe(server, clientCert, clientKey).equals("tiny");
    } catch (StatusRuntimeException | IOException e) {
      return false;
    }
  }

  private static String describe(TestServer server, ChannelCredentials credentials) {
    ManagedChannel c = Grpc.newChannelBuilder("localhost:" + server.application().port(),
        credentials).build();
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
    return lines(log, LiveKeys.class, level);
  }

  private static List<String> lines(LogCapture log, Class<?> owner, Level level) {
    return log.of(owner.getName()).stream().filter(r -> r.getLevel() == level)
        .map(LogRecord::getMessage).toList();
  }
}
