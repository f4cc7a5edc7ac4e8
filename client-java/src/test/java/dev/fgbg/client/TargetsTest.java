package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Targets read as the Python client reads them (fgbg.replicas), in the same words. */
class TargetsTest {
  @Test
  void goodTargetsAreTakenABareHostGettingThePort() {
    assertEquals("localhost:4714", Targets.checked("localhost:4714"));
    assertEquals("localhost:65535", Targets.checked(" localhost:65535 "));
    assertEquals("example.org:50051", Targets.checked("example.org"));
    assertEquals("[::1]:50051", Targets.checked("[::1]"));
    assertEquals("[::1]:1", Targets.checked("[::1]:1"));
    assertEquals("dns:///svc.ns:50051", Targets.checked("dns:///svc.ns"));
    assertEquals("dns:///svc.ns:7000", Targets.checked("dns:///svc.ns:7000"));
    assertEquals("unix:/tmp/fgbg.sock", Targets.checked("unix:/tmp/fgbg.sock"));
    assertEquals("unix-abstract:fgbg", Targets.checked("unix-abstract:fgbg"));
  }

  @Test
  void aPortThatIsNotOneTo65535IsRefusedInThePythonClientsWords() {
    // gRPC took these: 99999 failed on its executor thread, 4714o was read as a DNS name.
    for (String[] t : new String[][] {{"localhost:99999", "99999"}, {"localhost:4714o", "4714o"},
        {"localhost:0", "0"}, {"localhost:", ""}, {"[::1]:65536", "65536"},
        {"localhost:-1", "-1"}, {"localhost:123456", "123456"}}) {
      assertEquals("target '" + t[0] + "' must be host:port (or a bare host, port 50051): its "
          + "port '" + t[1] + "' is not a number from 1 to 65535",
          assertThrows(IllegalArgumentException.class, () -> Targets.checked(t[0])).getMessage());
    }
    assertEquals("target ':50051' must be host:port (or a bare host, port 50051): its port "
        + "'50051' is not a number from 1 to 65535",
        assertThrows(IllegalArgumentException.class, () -> Targets.checked(":50051"))
            .getMessage());
    assertEquals("target 'dns:///svc:70000' must be host:port (or a bare host, port 50051): "
        + "its port '70000' is not a number from 1 to 65535",
        assertThrows(IllegalArgumentException.class,
            () -> FgbgClient.builder().target("dns:///svc:70000")).getMessage());
  }

  @Test
  void aBareIpv6WithAPortAndAnEmptyEntryAreRefusedSayingWhatToWrite() {
    assertEquals("target '::1:47150' has an IPv6 address without brackets: write [::1]:47150 "
        + "(or [::1:47150] for that address on port 50051)",
        assertThrows(IllegalArgumentException.class, () -> Targets.checked("::1:47150"))
            .getMessage());
    assertEquals("target 'dns:///localhost:99999' must be host:port (or a bare host, port "
        + "50051): its port '99999' is not a number from 1 to 65535",
        assertThrows(IllegalArgumentException.class,
            () -> Targets.checked("dns:///localhost:99999")).getMessage());
    assertEquals("targets 'localhost:47150,' have an empty entry (a stray comma?): give "
        + "host:port,host:port",
        assertThrows(IllegalArgumentException.class,
            () -> FgbgReplicas.resolve("localhost:47150,")).getMessage());
  }

  @Test
  void aUrlIsStillRefusedAsOne() {
    assertEquals("target 'http://h:1/x' is a URL: give host:port (h:1) or dns:///host:port; "
        + "fgbg speaks gRPC, not http",
        assertThrows(IllegalArgumentException.class, () -> Targets.checked("http://h:1/x"))
            .getMessage());
  }
}
