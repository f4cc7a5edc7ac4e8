package dev.fgbg.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ConnectivityState;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guessing tokens over real Netty on loopback: wrong tokens past the burst are refused in words
 * without being compared, while the right token still gets in; the addresses tracked are
 * bounded; weak tokens in a {@code --token-file} are warned about by name at start-up and at a
 * reload, and still accepted; a connection that passed with a token is not paced for it while
 * another of its address guesses.
 */
@ExtendWith(LogCapture.Clean.class)
class TokenGuessesTest {
  private static final String ALICE = "alice-0123456789abcdef0123456789abcdef";
  private static final String WEAK = "password12345678";
  private static final String GOOD = "9f2c0e7d4b1a6385f0e29f2c0e7d4b1a6385f0e29f2c0e7d4b1a6385f0e2";

  @TempDir
  Path dir;

  @Test
  void manyWrongTokensAreRefusedInWordsAndTheRightOneStillGetsIn() throws Exception {
    try (TestServer server = serve(ConnectOptions.builder().tokens(AccessTokens.parse(
        List.of("alice:" + ALICE), "test")).build())) {
      for (int i = 0; i < TokenGuesses.BURST; i++) {
        assertEquals("the bearer token is not one this server accepts",
            refusal(server, "wrong-token-" + i), "wrong token " + i);
      }
      String paced = null;
      for (int i = 0; i < 1000 && paced == null; i++) {
        String r = refusal(server, "wrong-token-x" + i);
        paced = r.startsWith("too many wrong tokens") ? r : null;
      }
      assertNotNull(paced, "refused as too many after 1,000 more wrong tokens");
      assertTrue(paced.startsWith("too many wrong tokens from 127.0.0.1; try again in "), paced);
      // The right token gets in as soon as a check is back, refused meanwhile only as too many.
      Polls.await(() -> {
        String r = refusal(server, ALICE);
        assertTrue(r == null || r.startsWith("too many wrong tokens"), r);
        return r == null;
      }, "the right token accepted", Duration.ofSeconds(60));
      // Its checks are given back: it is never refused for them.
      for (int i = 0; i < 3 * TokenGuesses.BURST; i++) {
        assertNull(refusal(server, ALICE));
      }
    }
  }

  @Test
  void aConnectionThatPassedKeepsWorkingWhileItsAddressGuesses() throws Exception {
    try (TestServer server = serve(ConnectOptions.builder().tokens(AccessTokens.parse(
        List.of("alice:" + ALICE), "test")).build())) {
      ManagedChannel a = server.channel(InsecureChannelCredentials.create());
      ManagedChannel b = server.channel(InsecureChannelCredentials.create());
      assertNull(refusal(a, ALICE), "a trainer's connection passes");
      String paced = null;
      for (int i = 0; i < 1000 && paced == null; i++) {
        String r = refusal(b, "revoked-token-" + i);
        paced = r.startsWith("too many wrong tokens") ? r : null;
      }
      assertNotNull(paced, "refused as too many after 1,000 wrong tokens");
      assertTrue(paced.startsWith("too many wrong tokens from 127.0.0.1; try again in "), paced);
      // The same address keeps guessing; the trainer's calls on its connection all succeed.
      for (int i = 0; i < 5 * TokenGuesses.BURST; i++) {
        String r = refusal(b, "revoked-token-y" + i);
        assertTrue(r.startsWith("too many wrong tokens")
            || r.equals("the bearer token is not one this server accepts"), r);
        assertNull(refusal(a, ALICE), "call " + i + " on the connection that passed");
      }
      // A new connection has passed nothing: even the right token is paced, as a guess would be
      // (it gets in within a pace of the guessing stopping).
      boolean refused = false;
      for (int i = 0; i < 10 && !refused; i++) {
        ManagedChannel c = server.channel(InsecureChannelCredentials.create());
        Polls.await(() -> c.getState(true) == ConnectivityState.READY, "connected",
            Duration.ofSeconds(60));
        refusal(b, "revoked-token-z" + i);
        String r = refusal(c, ALICE);
        assertTrue(r == null || r.startsWith("too many wrong tokens from 127.0.0.1"), r);
        refused = r != null;
      }
      assertTrue(refused, "a new connection's right token refused as too many");
    }
  }

  @Test
  void theAddressesTrackedAreBoundedAndTheRightTokenUsesNoChecks() {
    AtomicLong now = new AtomicLong();
    TokenGuesses guesses = new TokenGuesses(now::get, 100);
    for (int a = 0; a < 1000; a++) {
      for (int i = 0; i < TokenGuesses.BURST; i++) {
        assertNull(guesses.take("10.0." + a / 256 + "." + a % 256));
      }
      assertNotNull(guesses.take("10.0." + a / 256 + "." + a % 256));
    }
    assertEquals(100, guesses.tracked());
    assertNull(guesses.take("10.0.0.0"), "the oldest, evicted, starts afresh");
    TokenGuesses.Refusal r = guesses.take("10.0.3.231");
    assertEquals("too many wrong tokens from 10.0.3.231; try again in 1 s (a token is checked"
        + " 10 times at once, then twice a second, per client address)", r.words());
    assertEquals(1, r.seconds());
    now.addAndGet(TokenGuesses.PACE.toNanos());
    assertNull(guesses.take("10.0.3.231"), "a check is back after a pace");
    for (int i = 0; i < 100; i++) {
      assertNull(guesses.take("10.9.9.9"));
      guesses.matched("10.9.9.9");
    }
  }

  @Test
  void weakTokensAreWarnedAboutByNameOnceAndStillAccepted() throws Exception {
    Path file = dir.resolve("tokens");
    Files.writeString(file, "weak:" + WEAK + "\ngood:" + GOOD + "\n", StandardCharsets.UTF_8);
    try (LogCapture log = new LogCapture(); TestServer server = serve(ConnectOptions.builder()
        .tokenFile(file).reloadInterval(Duration.ofMillis(50)).build())) {
      assertEquals(List.of("--token-file " + file + ": the token of 'weak' looks chosen by a "
          + "person (under 128 bits by length and kinds of characters); it is accepted, but a "
          + "guesser may find it: replace it with a random one, e.g. openssl rand -hex 32"),
          warnings(log));
      assertNull(refusal(server, WEAK), "accepted still");
      Files.writeString(file, "weak:" + WEAK + "\ngood:" + GOOD + "\nci:Summer2026!Summer\n",
          StandardCharsets.UTF_8);
      Polls.await(() -> refusal(server, "Summer2026!Summer") == null, "the reload",
          Duration.ofSeconds(60));
      List<String> all = warnings(log);
      assertEquals(2, all.size(), all.toString());
      assertTrue(all.get(1).contains("the token of 'ci' looks chosen by a person"), all.get(1));
      for (LogRecord r : log.records()) {
        String line = LogCapture.line(r);
        assertFalse(line.contains(WEAK) || line.contains("Summer2026"), line);
      }
    }
  }

  private static List<String> warnings(LogCapture log) {
    return log.of(LiveTokens.class.getName()).stream()
        .filter(r -> r.getLevel() == Level.WARNING).map(LogRecord::getMessage)
        .filter(m -> m.contains("chosen by a person")).toList();
  }

  private static TestServer serve(ConnectOptions connect) {
    return TestServer.netty(TestDatasets.registry(), TestServer.options(1).connect(connect)
        .build());
  }

  /** The refusal's description of a Describe with {@code token}, or null when it is answered. */
  private static String refusal(TestServer server, String token) {
    return refusal(server.channel(), token);
  }

  /** As {@link #refusal(TestServer, String)}, on {@code channel}. */
  private static String refusal(Channel channel, String token) {
    Metadata headers = new Metadata();
    headers.put(Authenticator.AUTHORIZATION, "Bearer " + token);
    try {
      FgbgGrpc.newBlockingStub(ClientInterceptors.intercept(channel,
          MetadataUtils.newAttachHeadersInterceptor(headers)))
          .withDeadlineAfter(60, TimeUnit.SECONDS)
          .describe(DescribeRequest.newBuilder().setDataset("tiny").build());
      return null;
    } catch (StatusRuntimeException e) {
      assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
      return e.getStatus().getDescription();
    }
  }
}
