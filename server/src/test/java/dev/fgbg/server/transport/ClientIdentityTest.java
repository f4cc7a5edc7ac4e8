package dev.fgbg.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Context;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ClientIdentityTest {
  @Test
  void aPeerIsItsIpAddressWhateverItsPort() throws Exception {
    InetAddress local = InetAddress.getByName("127.0.0.1");
    assertEquals("127.0.0.1", ClientIdentity.address(new InetSocketAddress(local, 50123)));
    assertEquals("127.0.0.1", ClientIdentity.address(new InetSocketAddress(local, 40000)));
  }

  @Test
  void anAuthenticatedIdentityWinsOverThePeer() throws Exception {
    assertEquals("unknown", ClientIdentity.current());
    String id = Context.current().withValue(ClientIdentity.AUTHENTICATED, "token:alice")
        .call(ClientIdentity::current);
    assertEquals("token:alice", id);
  }
}
