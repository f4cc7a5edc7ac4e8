package dev.fgbg.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.LoopbackClient;
import dev.fgbg.server.TestServer;
import dev.fgbg.server.admission.LoadOptions;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Real connections to a server on loopback from 127.0.0.1 and from ::1 (and, to a server on ::,
 * as ::ffff:127.0.0.1): one client, 127.0.0.1, whose one stream slot a stream from either
 * address takes, and whose streams the per-client count shows under one name.
 */
class LoopbackIsOneClientTest {
  private static StreamEpochRequest epoch() {
    return StreamEpochRequest.newBuilder().setDataset("builtin").setBatchSize(64).build();
  }

  private static boolean hasV6Loopback() throws Exception {
    return NetworkInterface.getByInetAddress(InetAddress.getByName("::1")) != null;
  }

  /** Opens a stream that is never read, and waits until the server counts it. */
  private static void hold(TestServer s, LoopbackClient c) throws InterruptedException {
    ClientCall<StreamEpochRequest, SampleBatch> call = c.channel().newCall(
        FgbgGrpc.getStreamEpochMethod(), CallOptions.DEFAULT);
    call.start(new ClientCall.Listener<>() { }, new Metadata());
    call.sendMessage(epoch());
    call.halfClose();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (s.server().streams().count() < 1 && System.nanoTime() < end) {
      Thread.sleep(20);
    }
  }

  /** The refusal of a stream of {@code c}, or "served". */
  private static String tryStream(LoopbackClient c) {
    try {
      FgbgGrpc.newBlockingStub(c.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
          .streamEpoch(epoch()).next();
      return "served";
    } catch (StatusRuntimeException e) {
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e::toString);
      return e.getStatus().getDescription();
    }
  }

  private static TestServer server(ConnectOptions connect) throws IOException {
    return TestServer.netty(TestDatasets.registry(), TestServer.options(1).port(port())
        .load(LoadOptions.builder().maxStreamsPerClient(1).build()).connect(connect).build());
  }

  /**
   * A port free now: with a port named and no host, a server listens on 127.0.0.1 and ::1, as
   * {@code fgbg serve} does by default (port 0 would give the two different ports).
   */
  private static int port() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A stream held from {@code first} refuses one from {@code second}: they are one client. */
  private static void oneClient(TestServer s, String first, String second) throws Exception {
    int port = s.server().port();
    try (LoopbackClient held = new LoopbackClient(first, port, 64 << 10);
         LoopbackClient other = new LoopbackClient(second, port, 64 << 10)) {
      hold(s, held);
      assertEquals(Map.of("127.0.0.1", 1), s.server().streams().openByClient(),
          "a stream from " + first + " is 127.0.0.1's");
      String said = tryStream(other);
      assertTrue(said.startsWith("client 127.0.0.1 has 1 stream open, the most one client may "
          + "have (--max-streams-per-client = 1)"), () -> second + " was told: " + said);
      held.release();
      other.release();
    }
  }

  @Test
  void twoIpv4LoopbackAddressesShareOneClientsCap() throws Exception {
    // Any machine has 127.0.0.0/8; a server on every address takes both.
    try (TestServer s = server(ConnectOptions.builder().host("0.0.0.0").insecure(true).build())) {
      oneClient(s, "127.0.0.1", "127.0.0.2");
      oneClient(s, "127.0.0.2", "127.0.0.1");
    }
  }

  @Test
  void ipv6LoopbackAndIpv4LoopbackShareOneClientsCap() throws Exception {
    // Where ::1 exists (a server then listens on it too by default); where it does not, the
    // IPv4 case above is what a client meets.
    if (!hasV6Loopback()) {
      try (TestServer s = server(ConnectOptions.builder().build());
           LoopbackClient c = new LoopbackClient("127.0.0.1", s.server().port(), 64 << 10)) {
        assertEquals("served", tryStream(c), "with no ::1 the default server answers on IPv4");
        c.release();
      }
      return;
    }
    try (TestServer s = server(ConnectOptions.builder().build())) {
      oneClient(s, "::1", "127.0.0.1");
    }
    try (TestServer s = server(ConnectOptions.builder().build())) {
      oneClient(s, "127.0.0.1", "::1");
    }
    // On a dual-stack :: socket, an IPv4 peer arrives as ::ffff:127.0.0.1 (with Netty's epoll).
    try (TestServer s = server(ConnectOptions.builder().host("::").insecure(true).build())) {
      oneClient(s, "127.0.0.1", "::1");
    }
  }

  @Test
  void theNameIsOneFunctionOfTheAddress() throws Exception {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
    assertEquals("127.0.0.1", ClientIdentity.client(Inet6Address.getByAddress(null, mapped, -1)));
    byte[] remote = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 1, 2, 3};
    assertEquals("10.1.2.3", ClientIdentity.client(Inet6Address.getByAddress(null, remote, -1)));
    assertEquals("127.0.0.1", ClientIdentity.client(InetAddress.getByName("::1")));
    assertEquals("127.0.0.1", ClientIdentity.client(InetAddress.getByName("127.8.9.10")));
    assertEquals("10.1.2.3", ClientIdentity.client(InetAddress.getByName("10.1.2.3")));
    assertEquals("2001:db8:0:0:0:0:0:1", ClientIdentity.client(InetAddress.getByName("2001:db8::1")));
  }
}
