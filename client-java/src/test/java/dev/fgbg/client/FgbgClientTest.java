package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.common.SampleDigest;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.TestCertificates;
import dev.fgbg.server.TestServer;
import dev.fgbg.server.rpc.StreamStats;
import dev.fgbg.server.transport.AccessTokens;
import dev.fgbg.server.transport.ConnectOptions;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FgbgClientTest {
  private static TestServer server;
  private static FgbgClient client;

  @BeforeAll
  static void start() {
    server = TestServer.inProcess(TestDatasets.registry(), 2);
    client = FgbgClient.builder().channel(server.channel()).build();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close();
  }

  @Test
  void describeAndList() {
    assertEquals(400_000, client.describe("builtin").getSize());
    assertEquals(3, client.listDatasets().size());
  }

  @Test
  void chunkedBatchesArriveWhole() {
    List<Batch> batches = new ArrayList<>();
    try (BatchIterator it = client.streamEpoch(StreamEpochRequest.newBuilder()
        .setDataset("builtin").setBatchSize(40).setLimit(80).build())) {
      it.forEachRemaining(batches::add);
    }
    assertEquals(2, batches.size(), "two batches of 40, each sent as several chunks");
    Batch b = batches.get(1);
    assertEquals(1, b.batchIndex());
    assertEquals(40, b.size());
    assertEquals(40 * 224 * 224 * 3, b.images().size());
    assertEquals(40, b.meta().size());
    Batch one = client.getSamples("builtin", 0, b.indices().get(17));
    assertEquals(one.image(0), b.image(17));
    assertEquals(one.mask(0), b.mask(17));
    assertEquals(one.depth(0), b.depth(17));
  }

  @Test
  void digestOfAStreamEqualsDigestOfGetSamples() {
    SampleDigest streamed = new SampleDigest();
    try (BatchIterator it = client.streamEpoch(StreamEpochRequest.newBuilder().setDataset("tiny")
        .setShuffle(true).setBatchSize(9).build())) {
      it.forEachRemaining(b -> streamed.add(b.indices(), b.images(), b.masks(), b.depth()));
    }
    SampleDigest fetched = new SampleDigest();
    for (long i = 0; i < 120; i += 30) {
      long[] idx = new long[30];
      for (int s = 0; s < 30; s++) {
        idx[s] = i + s;
      }
      Batch b = client.getSamples("tiny", 0, idx);
      fetched.add(b.indices(), b.images(), b.masks(), b.depth());
    }
    assertEquals(fetched.hex(), streamed.hex());
    assertEquals(120, streamed.count());
  }

  @Test
  void closingEarlyCancelsTheCall() throws Exception {
    long before = server.server().stats().snapshot().streamsCancelled();
    BatchIterator it = client.streamEpoch(StreamEpochRequest.newBuilder().setDataset("builtin")
        .setBatchSize(16).build());
    assertTrue(it.hasNext());
    it.next();
    it.close();
    assertFalse(it.hasNext());
    StreamStats stats = server.server().stats();
    assertTrue(stats.await(() -> stats.snapshot().streamsCancelled() > before,
        Duration.ofSeconds(10)),
        "the server saw the cancel");
    assertEquals(before + 1, stats.snapshot().streamsCancelled());
  }

  @Test
  void errorsCarryTheServersStatus() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> client.getSamples("builtin", 0, 400_000));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("index 400000"));
  }

  /**
   * The longest deadlines the builder takes work on the wire (Python's grpcio overflowed past
   * 9.2e9 s and ended every call at once; gRPC Java counts from System.nanoTime, so 36,500 days
   * is a deadline, and the builder refuses more, naming that bound).
   */
  @Test
  void theLongestDeadlinesTheBuilderTakesServeCallsAndStreams() throws Exception {
    Duration longest = Duration.ofDays(36_500);
    try (TestServer netty = TestServer.netty(TestDatasets.registry(), 2);
         FgbgClient c = FgbgClient.builder().channel(netty.channel()).deadline(longest)
             .streamDeadline(longest).build()) {
      assertEquals(2, c.getSamples("tiny", 0, 1, 2).size());
      List<Batch> batches = new ArrayList<>();
      try (BatchIterator it = c.streamEpoch(StreamEpochRequest.newBuilder().setDataset("tiny")
          .setBatchSize(4).setLimit(8).build())) {
        it.forEachRemaining(batches::add);
      }
      assertEquals(2, batches.size());
    }
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> FgbgClient.builder().deadline(longest.plusDays(1))).getMessage()
        .startsWith("deadline must be a positive duration of at most 36500 days"));
  }

  @Test
  void builderRejectsBadValuesNamingThem() {
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> FgbgClient.builder().deadline(Duration.ZERO)).getMessage().contains("deadline"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> FgbgClient.builder().streamDeadline(Duration.ofDays(365L * 1000))).getMessage()
        .startsWith("streamDeadline must be a positive duration of at most 36500 days"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> FgbgClient.builder().target(" ")).getMessage().contains("target"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> FgbgClient.builder().maxInboundMessageBytes(10)).getMessage()
        .contains("maxInboundMessageBytes"));
  }

  @Test
  void aUrlTargetIsRefusedSayingWhatToGive() throws Exception {
    // gRPC said only "Could not find a NameResolverProvider for http://localhost:41731".
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FgbgClient.builder().target("http://localhost:41731"));
    assertEquals("target 'http://localhost:41731' is a URL: give host:port (localhost:41731) or "
        + "dns:///host:port; fgbg speaks gRPC, not http", e.getMessage());
    try (TestServer s = TestServer.netty(TestDatasets.registry(), 1);
        FgbgClient c = FgbgClient.builder().target("dns:///localhost:" + s.server().port())
            .build()) {
      assertFalse(c.listDatasets().isEmpty(), "a gRPC name still reaches the server");
    }
  }

  @Test
  void aServerThatIsNotThereIsUnavailable() {
    try (FgbgClient c = FgbgClient.builder().target("localhost:1").deadline(Duration.ofSeconds(5))
        .build()) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> c.describe("builtin"));
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    }
  }

  @Test
  void mutualTlsAndATokenFromTheBuilderReachASecuredServer(@TempDir Path dir) throws Exception {
    TestCertificates certs = TestCertificates.write(dir);
    String token = "trainer-0123456789abcdef";
    Path tokenFile = Files.writeString(dir.resolve("token"), "# mine\n\n" + token + "\n");
    ConnectOptions connect = ConnectOptions.builder().tls(certs.serverCert(), certs.serverKey())
        .tlsClientCa(certs.ca()).tokens(AccessTokens.parse(List.of("t:" + token), "tokens")).build();
    try (TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(1)
        .window(4).exportRoot(dir).connect(connect).build())) {
      String target = "localhost:" + s.server().port();
      Function<FgbgClient.Builder, String> describe = b -> {
        try (FgbgClient c = b.target(target).deadline(Duration.ofSeconds(30)).build()) {
          return c.describe("tiny").getName();
        }
      };
      FgbgClient.Builder mtls = FgbgClient.builder().trust(certs.ca())
          .clientCertificate(certs.clientCert(), certs.clientKey());
      assertEquals("tiny", describe.apply(mtls.tokenFile(tokenFile)));
      assertEquals("tiny", describe.apply(FgbgClient.builder().trust(certs.ca())
          .clientCertificate(certs.clientCert(), certs.clientKey()).token(token)));
      StatusRuntimeException noToken = assertThrows(StatusRuntimeException.class,
          () -> describe.apply(FgbgClient.builder().trust(certs.ca())
              .clientCertificate(certs.clientCert(), certs.clientKey())));
      assertEquals(Status.Code.UNAUTHENTICATED, noToken.getStatus().getCode());
      StatusRuntimeException noCert = assertThrows(StatusRuntimeException.class,
          () -> describe.apply(FgbgClient.builder().trust(certs.ca()).token(token)));
      assertEquals(Status.Code.UNAVAILABLE, noCert.getStatus().getCode());
      StatusRuntimeException plain = assertThrows(StatusRuntimeException.class,
          () -> describe.apply(FgbgClient.builder().token(token)));
      assertEquals(Status.Code.UNAVAILABLE, plain.getStatus().getCode());
    }
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> FgbgClient.builder().token("two words")).getMessage().startsWith("token must be"));
    // It said "token must be printable ASCII without spaces": a null is no text at all.
    assertEquals("token is null (an environment variable that is not set, such as $FGBG_TOKEN?):"
        + " give the token's text, or call no token() for a server that takes none",
        assertThrows(IllegalArgumentException.class,
            () -> FgbgClient.builder().token(null)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> FgbgClient.builder()
        .tokenFile(dir.resolve("none"))).getMessage().startsWith("token file "));
  }
}
