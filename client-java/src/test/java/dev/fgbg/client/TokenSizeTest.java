package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.common.MetadataLimit;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.TestServer;
import dev.fgbg.server.transport.AccessTokens;
import dev.fgbg.server.transport.ConnectOptions;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bearer tokens as long as identity providers issue them, through a real server on loopback: a
 * 20 KB one works, one over the bound is refused where the client is built, and metadata over
 * the server's limit fails in words that say so.
 */
class TokenSizeTest {
  private static final String TOKEN = "jwt-" + "a".repeat(20_000);

  @Test
  void aTwentyKilobyteTokenWorksAndMetadataOverTheLimitIsWorded(@TempDir Path dir)
      throws Exception {
    ConnectOptions connect = ConnectOptions.builder()
        .tokens(AccessTokens.parse(List.of("big:" + TOKEN), "tokens")).build();
    try (TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(1)
        .window(4).exportRoot(dir).connect(connect).build())) {
      String target = "127.0.0.1:" + s.server().port();
      try (FgbgClient c = FgbgClient.builder().target(target).token(TOKEN)
          .deadline(Duration.ofSeconds(30)).build()) {
        assertEquals("tiny", c.describe("tiny").getName());
      }
      // A custom header (not the client's token) takes the call over the limit: the client's
      // own check cannot see it, the server's limit refuses it.
      Metadata big = new Metadata();
      big.put(Metadata.Key.of("x-big", Metadata.ASCII_STRING_MARSHALLER), "b".repeat(100_000));
      ManagedChannel managed = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create())
          .build();
      try {
        Channel ch = ClientInterceptors.intercept(managed,
            MetadataUtils.newAttachHeadersInterceptor(big), new TransportWords(target, TOKEN));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
            () -> FgbgGrpc.newBlockingStub(ch).withCallCredentials(new BearerToken(TOKEN))
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .describe(DescribeRequest.newBuilder().setDataset("tiny").build()));
        String said = e.getStatus().getDescription();
        assertTrue(said.startsWith(target + " refused the call's metadata as too large ("),
            said);
        // Both headers (name, value and 32 each) and gRPC's own grpc-accept-encoding.
        Matcher m = Pattern.compile("the token sent is 20004 bytes, the call's metadata (\\d+) "
            + "bytes with it; ").matcher(said);
        assertTrue(m.find() && Integer.parseInt(m.group(1)) >= 120_093, said);
        assertTrue(said.contains("up to its limit (64 KiB for fgbg servers: a token of at most "
            + MetadataLimit.MAX_TOKEN_BYTES + " characters)"), said);
      } finally {
        managed.shutdownNow();
      }
    }
  }

  @Test
  void aTokenOverTheBoundIsRefusedWhereTheClientIsBuilt() {
    String most = "t".repeat(MetadataLimit.MAX_TOKEN_BYTES);
    FgbgClient.builder().token(most);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FgbgClient.builder().token(most + "t"));
    assertEquals("a token has at most 49152 characters (fgbg servers take call metadata up to 64 "
        + "KiB, and keep 16 KiB of it for other headers): this one has 49153", e.getMessage());
  }

  @Test
  void aServersAnswer431IsWordedToo() {
    Status s = new TransportWords("h:1").worded(Status.UNKNOWN.withDescription(
        "HTTP status code 431\ninvalid content-type: null"), true, new Metadata());
    assertTrue(s.getDescription().startsWith("h:1 refused the call's metadata as too large "
        + "(HTTP 431): no token was sent, the call's metadata 0 bytes with it;"),
        s.getDescription());
  }
}
