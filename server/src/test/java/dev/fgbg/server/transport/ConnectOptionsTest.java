package dev.fgbg.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.server.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectOptionsTest {
  @TempDir
  Path dir;

  private static String refusal(ConnectOptions.Builder b) {
    return assertThrows(IllegalArgumentException.class, b::build).getMessage();
  }

  @Test
  void beyondLoopbackNeedsTlsTokensOrInsecure() {
    assertEquals("--host 0.0.0.0 listens beyond loopback without TLS or tokens: give --tls-cert "
        + "and --tls-key, or --token-file, or --insecure to serve anyone who can reach the port "
        + "in plaintext", refusal(ConnectOptions.builder().host("0.0.0.0")));
    ConnectOptions insecure = ConnectOptions.builder().host("0.0.0.0").insecure(true).build();
    assertTrue(insecure.beyondLoopback());
    assertTrue(insecure.plaintextBeyondLoopback());
    ConnectOptions tokens = ConnectOptions.builder().host("::").tokens(AccessTokens.parse(
        List.of("0123456789abcdef"), "t")).build();
    assertFalse(tokens.plaintextBeyondLoopback());
    TestCertificates c = TestCertificates.write(dir);
    assertTrue(ConnectOptions.builder().host("0.0.0.0").tls(c.serverCert(), c.serverKey())
        .build().tls());
    for (String loopback : List.of("127.0.0.1", "::1", "localhost")) {
      assertFalse(ConnectOptions.builder().host(loopback).build().beyondLoopback(), loopback);
    }
    assertFalse(ConnectOptions.builder().build().beyondLoopback());
  }

  @Test
  void badValuesFailNamingTheFlag() {
    TestCertificates c = TestCertificates.write(dir);
    assertEquals("--tls-cert and --tls-key go together: give both or neither",
        refusal(ConnectOptions.builder().tls(c.serverCert(), null)));
    assertTrue(refusal(ConnectOptions.builder().tlsClientCa(c.ca()))
        .startsWith("--tls-client-ca needs --tls-cert and --tls-key"));
    Path missing = dir.resolve("missing.pem");
    assertEquals("--tls-key " + missing + ": no such file",
        refusal(ConnectOptions.builder().tls(c.serverCert(), missing)));
    assertEquals("--keepalive-time 0s must be positive",
        refusal(ConnectOptions.builder().keepaliveTime(Duration.ZERO)));
    assertEquals("--max-connection-age -1s must be positive",
        refusal(ConnectOptions.builder().maxConnectionAge(Duration.ofSeconds(-1))));
    assertEquals("--max-connection-idle 0s must be positive",
        refusal(ConnectOptions.builder().maxConnectionIdle(Duration.ZERO)));
    assertEquals("--handshake-timeout 0s must be positive",
        refusal(ConnectOptions.builder().handshakeTimeout(Duration.ZERO)));
    assertEquals("--max-connections-per-client 0 must be at least 1",
        refusal(ConnectOptions.builder().maxConnectionsPerClient(0)));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> ConnectOptions.builder().host("no-such-host.invalid")).getMessage()
        .startsWith("--host no-such-host.invalid: no such address or host"));
  }
}
