package dev.fgbg.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.TestServer;
import dev.fgbg.server.admission.HealthCaps;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.ClientInterceptors;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer with no token opening health Watch streams by the hundred on a few raw HTTP/2
 * connections, over real Netty on loopback: the server advertises a bounded
 * MAX_CONCURRENT_STREAMS, takes {@link HealthCaps#PER_CLIENT} Watches of the client and ends
 * the rest RESOURCE_EXHAUSTED (its heap bounded however many it opens), while a health Check
 * from that address is answered (the Watches hold none of its places), a client with a token
 * is served and the places come back once the peer leaves.
 */
class HealthCapsTest {
  private static final String WATCH = "/grpc.health.v1.Health/Watch";
  private static final String SECRET = "9f2c0e7d4b1a6385f0e2";
  private static final int MAX_CONCURRENT_STREAMS = 3;
  private static final int CONNECTIONS = 3;
  private static final int STREAMS = 40;

  @TempDir
  Path dir;

  @Test
  void watchesOverTheClientsCapAreRefusedAndAClientWithATokenIsServed() throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "alice:" + SECRET + "\n", StandardCharsets.UTF_8);
    List<RawHttp2> raw = new ArrayList<>();
    try (TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(1)
        .window(2).connect(ConnectOptions.builder().tokenFile(tokens).build()).build())) {
      AtomicInteger ended = new AtomicInteger();
      for (int c = 0; c < CONNECTIONS; c++) {
        RawHttp2 r = new RawHttp2(s.server().port());
        raw.add(r);
        assertEquals(NettyListener.MAX_CALLS_PER_CONNECTION, r.setting(MAX_CONCURRENT_STREAMS),
            "a bounded MAX_CONCURRENT_STREAMS, not 2^31-1");
        r.countEnded(ended);
        for (int k = 0; k < STREAMS; k++) {
          r.call(2 * k + 1, WATCH, "x-pad", 1); // no authorization, no request yet
        }
      }
      int refused = CONNECTIONS * STREAMS - HealthCaps.PER_CLIENT;
      Polls.await(() -> ended.get() >= refused, refused + " Watches refused",
          Duration.ofSeconds(30));
      // One more, from a real client on the same address: refused, in words.
      ManagedChannel channel = s.channel(InsecureChannelCredentials.create());
      Throwable over = QuietConnectionsTest.watch(channel, new AtomicInteger())
          .get(30, TimeUnit.SECONDS);
      Status status = assertInstanceOf(StatusRuntimeException.class, over).getStatus();
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode());
      assertEquals("client 127.0.0.1 has " + HealthCaps.PER_CLIENT + " health Watch streams "
          + "open, the most one client may: end some Watch streams before opening more",
          status.getDescription());
      assertEquals(refused, ended.get(), "the first " + HealthCaps.PER_CLIENT + " are open");
      // The Watches take none of the Checks' places: a probe from that address is answered.
      assertEquals(HealthCheckResponse.ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(30, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance())
          .getStatus(), "a Check beside the full Watch places");
      assertEquals("tiny", describe(channel), "a client with a token is served");
      for (RawHttp2 r : raw) {
        r.close();
      }
      // The peer gone, its places are given back: a Watch hears its first status.
      Polls.await(() -> accepted(channel), "a Watch accepted", Duration.ofSeconds(30));
    } finally {
      for (RawHttp2 r : raw) {
        r.close();
      }
    }
  }

  /** Whether a Watch hears its first status (true) or ends first (false). */
  private static boolean accepted(ManagedChannel channel) {
    CompletableFuture<Boolean> first = new CompletableFuture<>();
    HealthGrpc.newStub(channel).watch(HealthCheckRequest.getDefaultInstance(),
        new StreamObserver<>() {
          @Override
          public void onNext(HealthCheckResponse r) {
            first.complete(true);
          }

          @Override
          public void onError(Throwable t) {
            first.complete(false);
          }

          @Override
          public void onCompleted() {
            first.complete(false);
          }
        });
    return first.join();
  }

  private static String describe(ManagedChannel channel) {
    Metadata headers = new Metadata();
    headers.put(Authenticator.AUTHORIZATION, "Bearer " + SECRET);
    return FgbgGrpc.newBlockingStub(ClientInterceptors.intercept(channel,
        MetadataUtils.newAttachHeadersInterceptor(headers))).withDeadlineAfter(60,
        TimeUnit.SECONDS).describe(DescribeRequest.newBuilder().setDataset("tiny").build())
        .getName();
  }
}
