package dev.fgbg.server.transport;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.server.StreamReader;
import dev.fgbg.server.admission.LoadOptions;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.server.LogCapture;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.TestCertificates;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Channel;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Addresses, TLS and mTLS over real Netty on loopback, with certificates made by the test. */
@ExtendWith(LogCapture.Clean.class)
class NettyListenerTest {
  private static final Duration LONG = Duration.ofSeconds(90);
  @TempDir
  static Path dir;
  private static TestCertificates certs;

  @BeforeAll
  static void certificates() {
    certs = TestCertificates.write(dir.resolve("tls"));
  }

  private static TestServer server(ConnectOptions connect) {
    return TestServer.netty(TestDatasets.registry(), TestServer.options(1).window(2)
        .connect(connect).load(LoadOptions.builder().maxStreamsPerClient(1).build()).build());
  }

  private static String describe(Channel c) {
    return FgbgGrpc.newBlockingStub(c).withDeadlineAfter(30, TimeUnit.SECONDS)
        .describe(DescribeRequest.newBuilder().setDataset("tiny").build()).getName();
  }

  private static Status.Code refused(Channel c) {
    return assertThrows(StatusRuntimeException.class, () -> describe(c)).getStatus().getCode();
  }

  private static ChannelCredentials trusting(Path ca) throws IOException {
    return TlsChannelCredentials.newBuilder().trustManager(ca.toFile()).build();
  }

  private static ChannelCredentials presenting(Path ca, Path cert, Path key) throws IOException {
    return TlsChannelCredentials.newBuilder().trustManager(ca.toFile())
        .keyManager(cert.toFile(), key.toFile()).build();
  }

  @Test
  void byDefaultItListensOnLoopbackOnly() throws Exception {
    for (int port : new int[] {0, 50051}) {
      NettyListener l = NettyListener.of(port, ConnectOptions.builder().build());
      assertFalse(l.addresses().isEmpty());
      l.addresses().forEach(a -> assertTrue(a.getAddress().isLoopbackAddress(), a.toString()));
      assertTrue(l.describe(port).startsWith("127.0.0.1:" + port), l.describe(port));
    }
    try (TestServer s = server(ConnectOptions.builder().build())) {
      for (SocketAddress a : s.server().listenAddresses()) {
        assertTrue(((InetSocketAddress) a).getAddress().isLoopbackAddress(), a.toString());
      }
      assertEquals("tiny", describe(s.channel()));
    }
  }

  @Test
  void bothWildcardsListenEverywhereWhereTheIpv6OneTakesIpv4Too() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    NettyListener l = NettyListener.of(port, ConnectOptions.builder().host("0.0.0.0")
        .host("::").insecure(true).build());
    Server server = l.builder(Ticker.systemTicker())
        .addService(new HealthStatusManager().getHealthService()).build();
    server.start(); // two binds of one port would fail with "address in use" on a dual stack
    try {
      ManagedChannel c = Grpc.newChannelBuilderForAddress("127.0.0.1", port,
          InsecureChannelCredentials.create()).build();
      try {
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, HealthGrpc.newBlockingStub(c)
            .withDeadlineAfter(30, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance())
            .getStatus(), "IPv4 reaches the server through " + l.describe(port));
      } finally {
        c.shutdownNow();
      }
    } finally {
      server.shutdownNow().awaitTermination();
    }
  }

  @Test
  void aTlsClientIsAcceptedAndAPlaintextOneOrOneTrustingAnotherCaRefused() throws Exception {
    try (TestServer s = server(ConnectOptions.builder()
        .tls(certs.serverCert(), certs.serverKey()).build())) {
      assertEquals("tiny", describe(s.channel(trusting(certs.ca()))));
      assertEquals(Status.Code.UNAVAILABLE,
          refused(s.channel(InsecureChannelCredentials.create())));
      assertEquals(Status.Code.UNAVAILABLE, refused(s.channel(trusting(certs.otherCa()))));
    }
  }

  @Test
  void mutualTlsNeedsAClientCertificateFromTheClientCa() throws Exception {
    try (TestServer s = server(ConnectOptions.builder()
        .tls(certs.serverCert(), certs.serverKey()).tlsClientCa(certs.ca()).build())) {
      Channel good = s.channel(presenting(certs.ca(), certs.clientCert(), certs.clientKey()));
      assertEquals("tiny", describe(good));
      assertEquals(Status.Code.UNAVAILABLE, refused(s.channel(trusting(certs.ca()))),
          "no client certificate");
      assertEquals(Status.Code.UNAVAILABLE, refused(s.channel(presenting(certs.ca(),
          certs.otherClientCert(), certs.otherClientKey()))), "a certificate of another CA");

      // The certificate's subject is the client for per-client caps. (Built-in samples: the
      // transport's window cannot take the whole stream, so it stays open.)
      StreamEpochRequest r = StreamEpochRequest.newBuilder().setDataset("builtin")
          .setBatchSize(1).build();
      StreamReader first = new StreamReader(good, r, 1, 1, LONG);
      assertTrue(StreamReader.await(first.first, LONG));
      StreamReader second = new StreamReader(good, r, 1, 1, LONG);
      assertTrue(StreamReader.await(second.closed, LONG));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, second.status.getCode());
      assertTrue(second.status.getDescription().startsWith(
          "client certificate CN=trainer-1 has 1 stream open"), second.status.getDescription());
      first.cancel();
    }
  }

  @Test
  void tlsRunsOnTheBundledNativeEngineWhereThereIsOne() {
    // grpc-netty-shaded bundles netty-tcnative's BoringSSL for linux-x86_64.
    boolean bundled = System.getProperty("os.name").equals("Linux")
        && System.getProperty("os.arch").equals("amd64");
    assertEquals(bundled ? SslProvider.OPENSSL : SslProvider.JDK, NettyListener.engine(),
        NettyListener.describeEngine());
  }

  @Test
  void filesThatAreNotPemFailNamingTheFlags() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConnectOptions.builder().tls(junk, certs.serverKey()).build());
    assertEquals("--tls-cert " + junk + ": is not PEM (no -----BEGIN …----- block)",
        e.getMessage());
  }
}
