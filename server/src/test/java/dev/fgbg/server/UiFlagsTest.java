package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code --ui-port} and {@code --ui-host} reach the web UI's options, checked at start-up. */
class UiFlagsTest {
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
