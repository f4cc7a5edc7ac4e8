package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.server.options.ServerOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --ui-port} and {@code --ui-host} reach the web UI's options, checked at start-up. */
class UiFlagsTest {
  @Test
  void theUiIsPartOfTheServersOptionsUnderItsConnectOptions() throws Exception {
    assertNull(Main.options().ui(), "no --ui-port: no web UI");
    ServerOptions o = Main.options("--ui-port", "8123", "--ui-host", "localhost");
    assertEquals(8123, o.ui().port());
    assertEquals(InetAddress.getByName("localhost"), o.ui().host());
    assertSame(o.connect(), o.ui().connect());
    assertEquals(List.of(), o.ui().allowedHosts());
    o = Main.options("--ui-port", "0", "--ui-allowed-host", "a.example,b.example",
        "--ui-allowed-host", "[::2]");
    assertEquals(List.of("a.example", "b.example", "[::2]"), o.ui().allowedHosts());
  }

  @Test
  void anAllowedHostWithAPortOrSpaceFailsAtStartUpNamingTheFlag() {
    StringWriter err = new StringWriter();
    assertEquals(2, Main.run(new PrintWriter(err, true), "--port", "0", "--ui-port", "0",
        "--ui-allowed-host", "proxy.example:443", "--builtin-size", "16", "--builtin-counts",
        "1:1"));
    assertTrue(err.toString().startsWith("fgbg: error: --ui-allowed-host 'proxy.example:443'"
        + " must be a host name or address as the browser names it, without port"),
        err.toString());
  }

  @Test
  void aUiBeyondLoopbackWithoutTlsOrTokensFailsAtStartUpNamingTheFlag() {
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(err, true), "--port", "0", "--ui-port", "0",
        "--ui-host", "0.0.0.0", "--builtin-size", "16", "--builtin-counts", "1:1");
    assertEquals(2, code);
    assertTrue(err.toString().startsWith("fgbg: error: --ui-host 0.0.0.0 listens beyond "
        + "loopback without TLS or tokens"), err.toString());
    err.getBuffer().setLength(0);
    assertEquals(2, Main.run(new PrintWriter(err, true), "--ui-port", "-3"));
    assertTrue(err.toString().contains("--ui-port -3 must be in [0, 65535]"), err.toString());
  }
}
