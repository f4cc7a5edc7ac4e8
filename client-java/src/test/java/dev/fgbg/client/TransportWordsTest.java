package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
  void aDeadlineBeforeAnyConnectionIsNoServerAnsweringNotABusyOne() throws Exception {
    // A listener that never answers: the channel is still connecting when the deadline passes
    // (as in gRPC's back-off after refusals). The words said grpc-java's own only.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        FgbgClient c = FgbgClient.builder().target("127.0.0.1:" + silent.getLocalPort())
            .deadline(Duration.ofSeconds(1)).build()) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> c.describe("builtin"));
      assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
      String said = e.getStatus().getDescription();
      assertTrue(said.startsWith("no fgbg server answered at 127.0.0.1:" + silent.getLocalPort()
          + " before the call's deadline: the client was still connecting ("), said);
    }
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

  /**
   * A listener that takes the client's first bytes and then closes ({@code reset}: with a TCP
   * reset), as a TLS server does to a plaintext client's preface.
   */
  private static void closedBeforeHttp2(boolean reset) throws Exception {
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread closer = new Thread(() -> {
        try (Socket c = s.accept()) {
          c.getInputStream().read(new byte[24]);
          if (reset) {
            c.setSoLinger(true, 0);
          }
        } catch (IOException e) {
          // the client gave up first: its status says so
        }
      });
      closer.start();
      StatusRuntimeException e = describeAt("127.0.0.1:" + s.getLocalPort());
      closer.join();
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
      String prefix = "could not talk to 127.0.0.1:" + s.getLocalPort() + ": the connection "
          + "closed before HTTP/2 began (";
      assertTrue(e.getStatus().getDescription().startsWith(prefix),
          e.getStatus().getDescription());
      assertTrue(e.getStatus().getDescription().contains("is it a TLS server? (use tls() / "
          + "--tls, or trust() / --tls-ca)"), e.getStatus().getDescription());
    }
  }

  @Test
  void aConnectionClosedBeforeHttp2AsksWhetherItIsTls() throws Exception {
    closedBeforeHttp2(false);
  }

  @Test
  void aConnectionResetBeforeHttp2AsksWhetherItIsTls() throws Exception {
    // grpc-java reports a reset as a reset or as a plain close, as the race between its read
    // and the reset goes (seen both ways on CI): each must be worded.
    closedBeforeHttp2(true);
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

  @Test
  void anUnansweredKeepalivePingIsAServerThatStoppedAnswering() {
    // grpc-java's words when a keepalive ping went unanswered (a hung replica, HungReplicaTest).
    Status s = new TransportWords("pod-1:50051").worded(Status.UNAVAILABLE.withDescription(
        "Keepalive failed. The connection is likely gone"), true);
    assertEquals(Status.Code.UNAVAILABLE, s.getCode());
    assertTrue(s.getDescription().startsWith("pod-1:50051 stopped answering (Keepalive failed. "
        + "The connection is likely gone): no reply to a keepalive ping"), s.getDescription());
  }

  @Test
  void aConnectionClosedForRapidResetSaysSo() {
    // grpc-java's words for Netty's rapid-reset GOAWAY, as a tester's client met them (32
    // threads with 20 ms deadlines on one channel): every call on the connection ends.
    Status s = new TransportWords("pod-1:50051").worded(Status.RESOURCE_EXHAUSTED
        .withDescription("Connection closed after GOAWAY. HTTP/2 error code: "
            + "ENHANCE_YOUR_CALM, debug data: too_many_rststreams"), true);
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, s.getCode());
    assertTrue(s.getDescription().startsWith("pod-1:50051 closed this client's connection for "
        + "rapid reset (Connection closed after GOAWAY."), s.getDescription());
    assertTrue(s.getDescription().contains("more than 1000 calls were reset on it within 10 s "
        + "(this process's cancels and passed deadlines count)"), s.getDescription());
  }

  @Test
  void aResetFromAServerBeforeTheDeadlineIsAServerThatWentAway() {
    // A server stopping past its grace resets the streams still busy (a cold depth batch):
    // grpc-java says CANCELLED, in words that name HTTP/2, not the server going away.
    TransportWords words = new TransportWords("pod-1:50051");
    Status reset = Status.CANCELLED.withDescription("RST_STREAM closed stream. HTTP/2 error "
        + "code: CANCEL");
    Status s = words.worded(reset, new TransportWords.Call(true, new Metadata(),
        Deadline.after(30, TimeUnit.SECONDS), false, "Stats", null));
    assertEquals(Status.Code.UNAVAILABLE, s.getCode(), "retried as a server that went away");
    assertEquals("pod-1:50051 went away during the call (RST_STREAM closed stream. HTTP/2 error "
        + "code: CANCEL): the server stopped or restarted (its shutdown grace ran out under the "
        + "call), ended it as this client did not read its replies while others waited, or a "
        + "proxy between ended the call; retry once it is back", s.getDescription());
    assertEquals(Status.Code.UNAVAILABLE, words.worded(reset, true).getCode(), "no deadline");
    Status ownCancel = Status.CANCELLED.withDescription("Context cancelled");
    assertEquals(ownCancel, words.worded(ownCancel, true), "the client's own cancel as it is");
    assertEquals(reset, words.worded(reset, new TransportWords.Call(true, new Metadata(), null,
        true, "Stats", null)), "a call this client cancelled stays CANCELLED, whatever came "
        + "first");
  }

  @Test
  void aResetFromAServerAtTheDeadlineIsTheDeadline() {
    // The server resets a call whose deadline passed; the reset can be read before the
    // client's own timer fires (the server's deadline may end up to grpc-timeout's rounding
    // sooner).
    Status reset = Status.CANCELLED.withDescription("RST_STREAM closed stream. HTTP/2 error "
        + "code: CANCEL");
    TransportWords words = new TransportWords("pod-1:50051");
    PastDeadline.Bound bound = new PastDeadline.Bound("streamDeadline", Duration.ofSeconds(2));
    for (Deadline d : List.of(Deadline.after(-1, TimeUnit.SECONDS),
        Deadline.after(5, TimeUnit.MILLISECONDS))) {
      Status s = words.worded(reset, new TransportWords.Call(true, new Metadata(), d, false,
          "Stats", bound));
      assertEquals(Status.Code.DEADLINE_EXCEEDED, s.getCode(), d.toString());
      assertEquals("Stats to pod-1:50051 did not finish within its deadline of 2 s: the server "
          + "was connected but had not finished the call by then (a cold depth cache or a busy "
          + "server can take longer; it reset the call as its deadline passed: RST_STREAM closed "
          + "stream. HTTP/2 error code: CANCEL); raise "
          + "FgbgClient.builder().streamDeadline(Duration) / --deadline", s.getDescription());
    }
    // A context's deadline cancels the context too: still the deadline, not the client's cancel.
    assertEquals(Status.Code.DEADLINE_EXCEEDED, words.worded(reset, new TransportWords.Call(true,
        new Metadata(), Deadline.after(-1, TimeUnit.SECONDS), true, "Stats", null)).getCode());
  }

  @Test
  void aServersOwnDeadlineWordsPassAndAContextsDeadlineIsNamedAsSuch() {
    TransportWords words = new TransportWords("pod-1:50051");
    TransportWords.Call call = new TransportWords.Call(true, new Metadata(),
        Deadline.after(-1, TimeUnit.SECONDS), false, "Describe", null);
    Status queued = Status.DEADLINE_EXCEEDED.withDescription("the deadline passed while the "
        + "request was queued behind 3 others");
    assertEquals(queued, words.worded(queued, call), "a server's own words are its own");
    // No bound: a sooner deadline of the caller's Context bounded the call, of unknown length.
    Status s = words.worded(Status.DEADLINE_EXCEEDED.withDescription("context timed out"), call);
    assertTrue(s.getDescription().startsWith("Describe to pod-1:50051 did not finish within its "
        + "deadline: the server was connected"), s.getDescription());
    assertTrue(s.getDescription().endsWith("; give it a later deadline (its Context's, or "
        + "FgbgClient.builder()'s deadline(Duration) / streamDeadline(Duration))"),
        s.getDescription());
  }
}
