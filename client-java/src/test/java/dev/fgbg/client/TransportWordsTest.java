package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A failed connection is told in words naming the target and what to check. */
class TransportWordsTest {
  private static StatusRuntimeException describeAt(String target) {
    try (FgbgClient c = FgbgClient.builder().target(target).deadline(Duration.ofSeconds(10))
        .build()) {
      return assertThrows(StatusRuntimeException.class, () -> c.describe("builtin"));
    }
  }

  @Test
  void nothingListeningIsNoServerAnswering() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    StatusRuntimeException e = describeAt("127.0.0.1:" + port);
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().startsWith("no fgbg server answers at 127.0.0.1:"
        + port + " (ConnectException: "), e.getStatus().getDescription());
    assertTrue(e.getStatus().getDescription().endsWith(TransportWords.START_HINT));
  }

  @Test
  void anHttpServerIsNotGrpc() throws Exception {
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.start();
    try {
      String target = "127.0.0.1:" + http.getAddress().getPort();
      StatusRuntimeException e = describeAt(target);
      assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
      assertTrue(e.getStatus().getDescription().startsWith(target + " does not speak gRPC ("),
          e.getStatus().getDescription());
    } finally {
      http.stop(0);
    }
  }

  @Test
  void aBareHostIsFgbgsPortNotGrpcsDefault() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertTrue(describeAt("localhost").getStatus().getDescription()
        .startsWith("no fgbg server answers at localhost:50051 ("));
    assertTrue(describeAt("127.0.0.1:" + port).getStatus().getDescription()
        .startsWith("no fgbg server answers at 127.0.0.1:" + port + " ("));
  }

  @Test
  void aServersOwnMessagePassesUnchanged() {
    Status own = Status.UNAVAILABLE.withDescription("the server is shutting down");
    assertEquals(own, new TransportWords("h:1").worded(own));
    Status notFound = Status.NOT_FOUND.withDescription("dataset 'x' not found");
    assertEquals(notFound, new TransportWords("h:1").worded(notFound));
  }
}
