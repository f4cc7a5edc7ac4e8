package dev.fgbg.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.StreamReader;
import dev.fgbg.server.TestServer;
import dev.fgbg.server.rpc.FgbgServer;
import dev.fgbg.server.rpc.ServerThreads;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A changed {@code --token-file} takes effect while a real server runs on loopback: rewritten
 * with {@code mv}, swapped under a symlink as Kubernetes updates a mounted Secret, edited in
 * place into something invalid (the tokens in force stay, one warning), or given a patterned
 * token or a name with control characters; made readable by every user (one warning a change);
 * a removed token's running stream ends UNAUTHENTICATED (one read as fast as it sends too,
 * without a trace), as does a call whose token a reload removes between its match and its
 * tracking, or before its first reply (without a trace).
 */
@ExtendWith(LogCapture.Clean.class)
class TokenReloadTest {
  private static final Duration TICK = Duration.ofMillis(50);
  private static final Duration LONG = Duration.ofSeconds(60);
  private static final String A = "alice:aaaaaaaaaaaaaaaaaaaa-old";
  private static final String A_SECRET = "aaaaaaaaaaaaaaaaaaaa-old";
  private static final String B = "bobby:bbbbbbbbbbbbbbbbbbbb-new";
  private static final String B_SECRET = "bbbbbbbbbbbbbbbbbbbb-new";

  @TempDir
  Path dir;

  @Test
  void aFileReplacedWithMvTakesEffectAndEndsTheRemovedTokensRunningStream() throws Exception {
    Path file = dir.resolve("tokens");
    write(file, A);
    try (LogCapture log = new LogCapture(); TestServer server = serve(
        ConnectOptions.builder().tokenFile(file).reloadInterval(TICK).build())) {
      assertEquals("tiny", describe(server, A_SECRET));
      assertEquals(Status.Code.UNAUTHENTICATED, refusal(server, B_SECRET));
      // A stream admitted with A, one message read, the rest not yet asked for.
      StreamReader stream = new StreamReader(with(server, A_SECRET), StreamEpochRequest
          .newBuilder().setDataset("builtin").setBatchSize(1).build(), 1, 1, LONG);
      assertTrue(StreamReader.await(stream.first, LONG));

      Path next = dir.resolve("tokens.new");
      write(next, "# rotated\n" + B);
      Files.move(next, file, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      awaitRefused(server, A_SECRET);
      assertEquals("tiny", describe(server, B_SECRET));
      // The stream admitted with A ends, in words after what was sent before (read on: its
      // trailers wait behind those messages, as any status does).
      stream.request(Integer.MAX_VALUE);
      assertTrue(StreamReader.await(stream.closed, LONG), "the revoked token's stream ends");
      assertEquals(Status.Code.UNAUTHENTICATED, stream.status.getCode(), stream.status.toString());
      assertEquals("token 'alice' was revoked (removed from the server's --token-file) while "
          + "this call ran: its calls end, and new ones are refused",
          stream.status.getDescription());
      await(() -> server.server().streams().count() == 0, "its stream slot given back");
      // The new set is in force a moment before its line is logged.
      await(() -> !lines(log, Level.INFO, "reloaded").isEmpty(), "the reload's line");
      assertEquals(List.of("--token-file " + file + " reloaded: 1 token (was 1)"),
          lines(log, Level.INFO, "reloaded"));
      // The reload's line first, then those of the calls it ended (they read as its effect).
      List<String> said = log.records().stream().map(LogRecord::getMessage).toList();
      int reload = said.indexOf("--token-file " + file + " reloaded: 1 token (was 1)");
      int ended = said.indexOf(said.stream().filter(m -> m.contains("ended UNAUTHENTICATED"))
          .findFirst().orElseThrow());
      assertTrue(reload < ended, String.join("\n", said));
      assertTrue(log.records().stream().noneMatch(r -> r.getMessage().contains(A_SECRET)
          || r.getMessage().contains(B_SECRET)), "no token in the log");
    }
  }

  @Test
  void aStreamRevokedWhileItSendsFastEndsInWordsWithoutATrace() throws Exception {
    Path file = dir.resolve("tokens");
    write(file, A);
    try (LogCapture log = new LogCapture(); TestServer server = serve(
        ConnectOptions.builder().tokenFile(file).reloadInterval(TICK).build())) {
      // Read as fast as it comes, one sample a message: the revocation's close lands among
      // the service's sends, which the call under it must never see at once.
      StreamReader stream = new StreamReader(with(server, A_SECRET), StreamEpochRequest
          .newBuilder().setDataset("builtin").setBatchSize(1).build(), -1, 50, LONG);
      assertTrue(StreamReader.await(stream.enough, LONG), "the stream runs");
      write(file, B);
      assertTrue(StreamReader.await(stream.closed, LONG), "the revoked token's stream ends");
      assertEquals(Status.Code.UNAUTHENTICATED, stream.status.getCode(), stream.status.toString());
      assertTrue(stream.status.getDescription().startsWith("token 'alice' was revoked"),
          stream.status.getDescription());
      await(() -> server.server().streams().count() == 0, "its stream slot given back");
      log.assertNoTraces();
    }
  }

  @Test
  void aReloadBetweenTheTokensMatchAndTheCallsTrackingStillEndsTheCall() throws Exception {
    Path file = dir.resolve("tokens");
    write(file, A);
    ConnectOptions connect = ConnectOptions.builder().tokenFile(file).reloadInterval(TICK).build();
    AtomicBoolean once = new AtomicBoolean();
    // The call has matched A; the reload removing A runs (and revokes) before it is tracked.
    RevokedCalls.matched = () -> {
      if (once.compareAndSet(false, true)) {
        try {
          write(file, B);
          await(() -> connect.tokens().match(A_SECRET).isEmpty(), "the reload");
        } catch (IOException | InterruptedException e) {
          throw new AssertionError(e);
        }
      }
    };
    try (TestServer server = serve(connect)) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> describe(server, A_SECRET));
      assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), e.toString());
      assertTrue(e.getStatus().getDescription().startsWith("token 'alice' was revoked"),
          e.toString());
      assertEquals("tiny", describe(server, B_SECRET));
    } finally {
      RevokedCalls.matched = () -> { };
    }
  }

  @Test
  void aCallRevokedBeforeItsFirstReplyEndsWithoutATrace() throws Exception {
    Path file = dir.resolve("tokens");
    write(file, A);
    ConnectOptions connect = ConnectOptions.builder().tokenFile(file).reloadInterval(TICK).build();
    AtomicBoolean once = new AtomicBoolean();
    try (LogCapture log = new LogCapture(); TestServer server = serve(connect)) {
      // The Describe started with A (its request not yet read, nothing sent) is revoked.
      RevokedCalls.started = () -> {
        if (once.compareAndSet(false, true)) {
          try {
            write(file, B);
            await(() -> !lines(log, Level.INFO, "reloaded").isEmpty(), "the reload");
          } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
          }
        }
      };
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> describe(server, A_SECRET));
      assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), e.toString());
      assertEquals("tiny", describe(server, B_SECRET), "the service thread goes on serving");
    } finally {
      RevokedCalls.started = () -> { };
    }
  }

  @Test
  void aKubernetesSymlinkSwapTakesEffectAndAnInvalidEditKeepsTheTokensWithOneWarning()
      throws Exception {
    // As the kubelet lays out a Secret volume: tokens -> ..data/tokens, ..data -> ..TIMESTAMP
    Path first = Files.createDirectory(dir.resolve("..2026_12_06_08_00_00.1"));
    write(first.resolve("tokens"), A);
    Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
    Path file = Files.createSymbolicLink(dir.resolve("tokens"), Path.of("..data", "tokens"));
    ConnectOptions connect = ConnectOptions.builder().tokenFile(file).reloadInterval(TICK).build();
    try (LogCapture log = new LogCapture(); TestServer server = serve(connect)) {
      assertEquals("tiny", describe(server, A_SECRET));

      Path second = Files.createDirectory(dir.resolve("..2026_12_06_08_05_00.2"));
      write(second.resolve("tokens"), B);
      // Same size and mtime as the old file: only the bytes tell them apart.
      Files.setLastModifiedTime(second.resolve("tokens"),
          Files.getLastModifiedTime(first.resolve("tokens")));
      Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
      Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"),
          StandardCopyOption.ATOMIC_MOVE);
      awaitRefused(server, A_SECRET);
      assertEquals("tiny", describe(server, B_SECRET));

      // An edit in place that leaves a short token: refused, B stays in force.
      LiveTokens tokens = connect.tokens();
      write(second.resolve("tokens"), "bob:tooshort");
      await(() -> !lines(log, Level.WARNING, "--token-file").isEmpty(), "a warning");
      long warnedAt = tokens.ticks();
      await(() -> tokens.ticks() >= warnedAt + 5, "five more checks");
      assertEquals(List.of("--token-file " + file + " line 1: a token needs at least 16 "
          + "characters and no ':' (e.g. openssl rand -hex 32); the 1 token read before stays "
          + "in force"), lines(log, Level.WARNING, "--token-file"));
      assertEquals("tiny", describe(server, B_SECRET));
      assertEquals(Status.Code.UNAUTHENTICATED, refusal(server, A_SECRET));
    }
  }

  @Test
  void aPatternedTokenInAReloadIsWarnedNamingTheLineAndTheOldTokensStay() throws Exception {
    Path file = dir.resolve("tokens");
    write(file, A);
    try (LogCapture log = new LogCapture(); TestServer server = serve(
        ConnectOptions.builder().tokenFile(file).reloadInterval(TICK).build())) {
      write(file, B + "\nweak:aaaaaaaaaaaaaaaa export");
      await(() -> !lines(log, Level.WARNING, "--token-file").isEmpty(), "a warning");
      assertEquals(List.of("--token-file " + file + " line 2: a token needs at least 5 "
          + "different characters, so that it is not a pattern easily guessed; this one has 1 "
          + "(draw a random one: openssl rand -hex 32); the 1 token read before stays in force"),
          lines(log, Level.WARNING, "--token-file"));
      assertEquals("tiny", describe(server, A_SECRET));
      assertEquals(Status.Code.UNAUTHENTICATED, refusal(server, "aaaaaaaaaaaaaaaa"));
      assertEquals(Status.Code.UNAUTHENTICATED, refusal(server, B_SECRET));
    }
  }

  @Test
  void aNameWithControlCharactersInAReloadIsWarnedEscapedAndNeverLoggedRaw() throws Exception {
    Path file = dir.resolve("tokens");
    write(file, A);
    try (LogCapture log = new LogCapture(); TestServer server = serve(
        ConnectOptions.builder().tokenFile(file).reloadInterval(TICK).build())) {
      write(file, "# rotated\nesc\u001b[31mred\u001b[0m:" + B_SECRET + " export");
      await(() -> !lines(log, Level.WARNING, "--token-file").isEmpty(), "a warning");
      assertEquals(List.of("--token-file " + file + " line 2: the name "
          + "'esc\\u001b[31mred\\u001b[0m' must be 1-64 ASCII letters, digits, '_', '.', '@' or "
          + "'-', starting with a letter or digit; the 1 token read before stays in force"),
          lines(log, Level.WARNING, "--token-file"));
      assertEquals(Status.Code.UNAUTHENTICATED, refusal(server, B_SECRET));
      assertEquals("tiny", describe(server, A_SECRET));
      assertTrue(log.records().stream().noneMatch(r -> r.getMessage().indexOf('\u001b') >= 0),
          "no raw ESC in the log");
    }
  }

  @Test
  void aFileMadeWorldReadableIsWarnedOncePerChangeOfMode() throws Exception {
    Path file = dir.resolve("tokens");
    write(file, A);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    ConnectOptions connect = ConnectOptions.builder().tokenFile(file).reloadInterval(TICK).build();
    LiveTokens tokens = connect.tokens();
    String chmod = "--token-file " + file + " can be read by every user of this machine; "
        + "chmod 600 it (a Kubernetes Secret: defaultMode 0440 with the pod's fsGroup)";
    try (LogCapture log = new LogCapture(); TestServer server = serve(connect)) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      write(file, B);
      awaitRefused(server, A_SECRET);
      await(() -> !lines(log, Level.INFO, "reloaded").isEmpty(), "the reload's line");
      long reloadedAt = tokens.ticks();
      await(() -> tokens.ticks() >= reloadedAt + 5, "five more checks");
      assertEquals(List.of(chmod), readable(log), "once, not at every check");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      long privateAt = tokens.ticks();
      await(() -> tokens.ticks() >= privateAt + 2, "two checks of the private file");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      await(() -> readable(log).size() == 2, "a warning for the second change");
      assertEquals("tiny", describe(server, B_SECRET));
    }
  }

  private static List<String> readable(LogCapture log) {
    return log.of(AccessTokens.class.getName()).stream().filter(r -> r.getLevel()
        == Level.WARNING).map(LogRecord::getMessage).toList();
  }

  @Test
  void aProblemIsWarnedOnceWhenTwoReadsSeeItAndAFixClearsIt() throws IOException {
    Path file = dir.resolve("tokens");
    write(file, A);
    LiveTokens tokens = LiveTokens.of(file, TICK);
    try (LogCapture log = new LogCapture()) {
      write(file, "");
      tokens.check();
      assertEquals(List.of(), lines(log, Level.WARNING, ""), "half-written: no warning yet");
      write(file, A + "\n" + B);
      tokens.check();
      assertEquals(2, tokens.size());
      Files.delete(file);
      tokens.check();
      tokens.check();
      tokens.check();
      Files.write(file, new byte[] {(byte) 0xff, '\n'});
      tokens.check();
      tokens.check();
      List<String> warnings = lines(log, Level.WARNING, "");
      assertEquals(2, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).startsWith("--token-file " + file + ": cannot read it ("),
          warnings.get(0));
      assertEquals("--token-file " + file + ": not UTF-8 text; the 2 tokens read before stay "
          + "in force", warnings.get(1));
      assertEquals(2, tokens.size());
      assertTrue(tokens.match(B_SECRET).isPresent());
    }
  }

  @Test
  void aTokenFileIsReadOnceMoreOnlyWhenWatched() throws IOException {
    Path file = dir.resolve("tokens");
    write(file, A);
    ConnectOptions o = ConnectOptions.builder().tokenFile(file).build();
    assertEquals(ConnectOptions.DEFAULT_RELOAD_INTERVAL, o.tokens().interval());
    assertTrue(o.describe().contains("1 bearer token (--token-file read again every 10s)"),
        o.describe());
    assertEquals("the reload interval 0s must be positive", assertThrows(
        IllegalArgumentException.class, () -> ConnectOptions.builder().tokenFile(file)
            .reloadInterval(Duration.ZERO).build()).getMessage());
    assertEquals(null, LiveTokens.NONE.watch(null), "nothing to watch");
  }

  @Test
  void onlyAStartedServerReadsTheFileAgain() throws Exception {
    Path file = dir.resolve("tokens");
    write(file, A);
    ConnectOptions idle = ConnectOptions.builder().tokenFile(file).reloadInterval(TICK).build();
    ConnectOptions started =
        ConnectOptions.builder().tokenFile(file).reloadInterval(TICK).build();
    ExecutorService workers = Executors.newFixedThreadPool(1);
    FgbgServer made = made(idle, workers);
    FgbgServer running = made(started, workers).start(true);
    try {
      await(() -> started.tokens().ticks() >= 3, "three reads by the started server");
      assertEquals(0, idle.tokens().ticks(), "none by a server made and never started");
    } finally {
      running.stop(Duration.ZERO);
      made.stop(Duration.ZERO);
      workers.shutdownNow();
    }
  }

  private static FgbgServer made(ConnectOptions connect, ExecutorService workers) {
    return new FgbgServer(InProcessServerBuilder.forName(InProcessServerBuilder.generateName()),
        TestDatasets.registry(), workers, ServerThreads.named(), List.of(),
        TestServer.options(1).connect(connect).build(), null);
  }

  private static TestServer serve(ConnectOptions connect) {
    return TestServer.netty(TestDatasets.registry(), TestServer.options(1).window(2)
        .connect(connect).build());
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
  }

  private static Channel with(TestServer server, String token) {
    Metadata headers = new Metadata();
    headers.put(Authenticator.AUTHORIZATION, "Bearer " + token);
    return ClientInterceptors.intercept(server.channel(),
        MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static String describe(TestServer server, String token) {
    return FgbgGrpc.newBlockingStub(with(server, token)).withDeadlineAfter(60, TimeUnit.SECONDS)
        .describe(DescribeRequest.newBuilder().setDataset("tiny").build()).getName();
  }

  private static Status.Code refusal(TestServer server, String token) {
    return assertThrows(StatusRuntimeException.class, () -> describe(server, token))
        .getStatus().getCode();
  }

  /** Polls until {@code token} is refused: the reload has happened. */
  private static void awaitRefused(TestServer server, String token) throws InterruptedException {
    await(() -> {
      try {
        describe(server, token);
        return false;
      } catch (StatusRuntimeException e) {
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
        return true;
      }
    }, "the old token refused");
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Polls.await(condition, what, LONG);
  }

  private static List<String> lines(LogCapture log, Level level, String part) {
    return log.of(LiveTokens.class.getName()).stream().filter(r -> r.getLevel() == level)
        .map(LogRecord::getMessage).filter(m -> m.contains(part)).toList();
  }
}
