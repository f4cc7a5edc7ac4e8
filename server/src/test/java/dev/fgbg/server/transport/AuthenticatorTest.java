package dev.fgbg.server.transport;

import dev.fgbg.server.ReflectionProbe;
import dev.fgbg.server.StreamReader;
import dev.fgbg.server.admission.LoadOptions;
import dev.fgbg.server.rpc.FgbgServer;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.server.LogCapture;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.ExportFormat;
import dev.fgbg.v1.ExportProgress;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bearer tokens over real Netty on loopback. */
@ExtendWith(LogCapture.Clean.class)
class AuthenticatorTest {
  private static final Duration LONG = Duration.ofSeconds(90);
  private static final String ALICE = "alice-0123456789abcdef";
  private static final String CI = "ci-fedcba9876543210";
  private static TestServer server;

  @BeforeAll
  static void start() {
    AccessTokens tokens = AccessTokens.parse(List.of("# who may connect", "",
        "alice:" + ALICE + " export", "ci:" + CI), "test tokens");
    server = TestServer.netty(TestDatasets.registry(), TestServer.options(1).window(2)
        .connect(ConnectOptions.builder().tokens(tokens).build())
        .load(LoadOptions.builder().maxStreamsPerClient(1).build()).build());
  }

  @AfterAll
  static void stop() throws InterruptedException {
    server.close();
  }

  private static Channel with(String authorization) {
    Metadata headers = new Metadata();
    headers.put(Authenticator.AUTHORIZATION, authorization);
    return ClientInterceptors.intercept(server.channel(),
        MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static FgbgGrpc.FgbgBlockingStub stub(Channel c) {
    return FgbgGrpc.newBlockingStub(c).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  private static String describe(Channel c) {
    return stub(c).describe(DescribeRequest.newBuilder().setDataset("tiny").build()).getName();
  }

  @Test
  void aCallWithoutAValidTokenIsUnauthenticated() {
    StatusRuntimeException none = assertThrows(StatusRuntimeException.class,
        () -> describe(server.channel()));
    assertEquals(Status.Code.UNAUTHENTICATED, none.getStatus().getCode());
    assertTrue(none.getStatus().getDescription().contains("authorization: Bearer TOKEN"),
        none.getStatus().getDescription());
    for (String bad : List.of("Bearer " + ALICE + "x", "Bearer " + ALICE.substring(1),
        "Basic " + ALICE, "Bearer ", ALICE)) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> describe(with(bad)));
      assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), bad);
      assertEquals("the bearer token is not one this server accepts",
          e.getStatus().getDescription());
    }
  }

  @Test
  void aCallWithTwoAuthorizationHeadersIsUnauthenticatedWhateverTheyHold() {
    Metadata headers = new Metadata();
    headers.put(Authenticator.AUTHORIZATION, "Bearer " + CI);
    headers.put(Authenticator.AUTHORIZATION, "Bearer " + ALICE);
    Channel both = ClientInterceptors.intercept(server.channel(),
        MetadataUtils.newAttachHeadersInterceptor(headers));
    ExportRequest r = ExportRequest.newBuilder().setDataset("tiny").setStart(0).setEnd(4)
        .setFormat(ExportFormat.EXPORT_FORMAT_NPY).setDestination("by-two").build();
    for (Runnable call : List.<Runnable>of(() -> describe(both),
        () -> stub(both).export(r).hasNext())) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
      assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
      assertEquals("the call has 2 authorization headers: send one, 'authorization: Bearer "
          + "TOKEN'", e.getStatus().getDescription());
    }
  }

  @Test
  void aValidTokenIsAcceptedWhateverTheSchemeCase() {
    assertEquals("tiny", describe(with("Bearer " + ALICE)));
    assertEquals("tiny", describe(with("bearer " + CI)));
  }

  @Test
  void onlyATokenMarkedExportMayExport() {
    ExportRequest r = ExportRequest.newBuilder().setDataset("tiny").setStart(0).setEnd(4)
        .setFormat(ExportFormat.EXPORT_FORMAT_NPY).setDestination("by-alice").build();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> stub(with("Bearer " + CI)).export(r).hasNext());
    assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
    assertEquals("token 'ci' may not export: the server's --token-file marks the tokens that may"
        + " with the word export", e.getStatus().getDescription());
    List<ExportProgress> all = new ArrayList<>();
    stub(with("Bearer " + ALICE)).export(r).forEachRemaining(all::add);
    assertTrue(all.get(all.size() - 1).getFinished());
  }

  @Test
  void healthNeedsNoTokenAndReflectionDoes() throws Exception {
    HealthCheckResponse h = HealthGrpc.newBlockingStub(server.channel())
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(FgbgServer.SERVICE_NAME).build());
    assertEquals(HealthCheckResponse.ServingStatus.SERVING, h.getStatus());
    ReflectionProbe.Outcome r = ReflectionProbe.v1(server.channel());
    assertEquals(Status.Code.UNAUTHENTICATED, r.status().getCode());
    assertEquals(List.of(), r.services());
    assertTrue(ReflectionProbe.v1(with("Bearer " + CI)).services().contains("fgbg.v1.Fgbg"));
  }

  /** The stacks of the server's own threads (fgbg-*, grpc-*), for a failure's message. */
  private static String serverThreads() {
    StringBuilder out = new StringBuilder();
    Thread.getAllStackTraces().forEach((t, stack) -> {
      if (t.getName().startsWith("fgbg-") || t.getName().startsWith("grpc-")) {
        out.append(t.getName()).append(' ').append(t.getState()).append('\n');
        for (StackTraceElement e : stack) {
          out.append("    at ").append(e).append('\n');
        }
      }
    });
    return out.toString();
  }

  @Test
  void theTokensNameIsTheClientForPerClientCaps() throws Exception {
    // Built-in samples: the transport's window cannot take the whole stream, so the first stays
    // open. (A tiny dataset's epoch could fit, end on the server before the second call, and let
    // the second in: seen once as a 90 s wait for its refusal.)
    StreamEpochRequest r = StreamEpochRequest.newBuilder().setDataset("builtin").setBatchSize(1)
        .build();
    StreamReader first = new StreamReader(with("Bearer " + ALICE), r, 1, 1, LONG);
    assertTrue(StreamReader.await(first.first, LONG), () -> "no first message; budget "
        + server.server().budget().used() + " bytes in use; threads:\n" + serverThreads());
    StreamReader second = new StreamReader(with("Bearer " + ALICE), r, 1, 1, LONG);
    assertTrue(StreamReader.await(second.closed, LONG));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, second.status.getCode());
    assertTrue(second.status.getDescription().startsWith("client token alice has 1 stream"),
        second.status.getDescription());
    StreamReader other = new StreamReader(with("Bearer " + CI), r, 1, 1, LONG);
    assertTrue(StreamReader.await(other.first, LONG), "another token is another client");
    first.cancel();
    other.cancel();
  }
}
