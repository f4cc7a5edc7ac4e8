package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.server.options.ServerOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/**
 * A server without a depth model, ready as it listens, says "health SERVING" as one with a
 * model does after its warm-up: the line an operator (or a script tailing the log) waits for.
 * Over real Netty on loopback, its health asked over gRPC.
 */
class ReadinessLineTest {
  @Test
  void aServerWithoutADepthModelLogsHealthServingAfterListening() throws Exception {
    ServerOptions o = ServerOptions.builder().port(0).workers(1).noExports()
        .builtin(new BuiltinConfig(16, 16, 2, 2, 2, "", "", "")).build();
    try (LogCapture log = new LogCapture();
        FgbgApplication app = FgbgApplication.create(o).start()) {
      app.warm().get(60, TimeUnit.SECONDS);
      ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", app.port())
          .usePlaintext().build();
      try {
        assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(ch)
            .withDeadlineAfter(30, TimeUnit.SECONDS).check(HealthCheckRequest
                .getDefaultInstance()).getStatus());
      } finally {
        ch.shutdownNow();
      }
      List<String> said = log.of(FgbgApplication.class.getName()).stream()
          .map(LogRecord::getMessage).toList();
      List<String> serving = said.stream().filter(m -> m.equals("health SERVING")).toList();
      assertEquals(1, serving.size(), String.join("\n", said));
      int listening = said.indexOf(said.stream().filter(m -> m.startsWith("fgbg listening on "))
          .findFirst().orElseThrow());
      assertTrue(listening < said.indexOf("health SERVING"), String.join("\n", said));
    }
  }
}
