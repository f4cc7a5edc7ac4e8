package dev.fgbg.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * A bad --target is one line naming the flag, before any call; a target that never answers is
 * named as such (no server needed).
 */
class TargetWordsTest {
  @Test
  void aPortOutOfRangeOrNotANumberIsOneLineNamingTheFlag() {
    // Before: a trace from grpc-default-executor-0, then DEADLINE_EXCEEDED after the deadline.
    String[] big = CliRun.run("describe", "--target", "localhost:99999", "--deadline", "3s");
    assertEquals("1", big[0], big[2]);
    assertEquals("fgbg: error: --target 'localhost:99999' must be host:port (or a bare host, "
        + "port 50051): its port '99999' is not a number from 1 to 65535\n", big[2]);
    assertEquals("", big[1]);
    String[] typo = CliRun.run("stats", "--target", "localhost:4714o", "--deadline", "3s");
    assertEquals("1", typo[0], typo[2]);
    assertEquals("fgbg: error: --target 'localhost:4714o' must be host:port (or a bare host, "
        + "port 50051): its port '4714o' is not a number from 1 to 65535\n", typo[2]);
    String[] url = CliRun.run("describe", "--target", "http://localhost:4714");
    assertEquals("fgbg: error: --target 'http://localhost:4714' is a URL: give host:port "
        + "(localhost:4714) or dns:///host:port; fgbg speaks gRPC, not http\n", url[2]);
  }

  @Test
  void aDeadlineBeforeAnyConnectionSaysNoServerAnsweredNotABusyServer() throws Exception {
    // A listener that never answers keeps the client connecting, as gRPC's back-off after
    // refusals does: "a cold depth cache or a busy server can take longer" sent users astray.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String target = "127.0.0.1:" + silent.getLocalPort();
      String[] r = CliRun.run("describe", "--target", target, "--deadline", "1s");
      assertEquals("1", r[0], r[2]);
      assertTrue(r[2].startsWith("fgbg: error: DEADLINE_EXCEEDED: no fgbg server answered at "
          + target + " within --deadline 1s: the client was still connecting ("), r[2]);
      assertTrue(r[2].trim().endsWith("give a server that starts slowly a longer --deadline"),
          r[2]);
    }
  }

  @Test
  void aStreamToASilentTargetSaysItDoesNotAnswerNotABusyServer() throws Exception {
    // The stream's start asks for the dataset to size its shared-memory ring: that Describe's
    // words are the client's own, and the CLI passed them over for "a busy server".
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String target = "127.0.0.1:" + silent.getLocalPort();
      String[] r = CliRun.run("stream", "--target", target, "--batch-size", "4", "--limit", "8",
          "--deadline", "1s");
      assertEquals("1", r[0], r[2]);
      assertTrue(r[2].startsWith("fgbg: error: DEADLINE_EXCEEDED: " + target + " does not "
          + "answer: no reply to the Describe that sizes the stream's shared-memory ring within "
          + "1 s, the client's deadline ("), r[2]);
      assertTrue(r[2].trim().endsWith("; raise --deadline for a server that is only slow"), r[2]);
      assertFalse(r[2].contains("a cold depth cache or a busy server"), r[2]);
    }
  }

  @Test
  void aBareIpv6WithAPortAndAnEmptyEntryAreOneLineSayingWhatToWrite() {
    // Before: "Invalid DNS name: ::1:47150", and "names several servers" for one.
    String[] v6 = CliRun.run("describe", "--target", "::1:47150");
    assertEquals("1", v6[0], v6[2]);
    assertEquals("fgbg: error: --target '::1:47150' has an IPv6 address without brackets: "
        + "write [::1]:47150 (or [::1:47150] for that address on port 50051)\n", v6[2]);
    String[] comma = CliRun.run("describe", "--target", "localhost:47150,");
    assertEquals("1", comma[0], comma[2]);
    assertEquals("fgbg: error: --target 'localhost:47150,' has an empty entry (a stray comma?): "
        + "give one server, host:port\n", comma[2]);
  }

  @Test
  void aHostThatDoesNotResolveIsSaidSoNamingIt() {
    // Before: "no fgbg server answers at …; start one with ./fgbg serve".
    String[] r = CliRun.run("describe", "--target", "nohost.invalid:47150", "--deadline", "5s");
    assertEquals("1", r[0], r[2]);
    assertTrue(r[2].startsWith("fgbg: error: UNAVAILABLE: cannot resolve host 'nohost.invalid' "
        + "of target nohost.invalid:47150 ("), r[2]);
    assertTrue(r[2].contains("check the name (a typo?"), r[2]);
  }
}
