package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server out of file descriptors, in a JVM of its own under a low limit: Netty fails each
 * accept (EMFILE) about once a second, which was a WARNING with a trace each time; now one
 * WARNING line a minute names the limit and what to do, and the server serves again once the
 * connections go.
 */
class FileDescriptorsTest {
  @Test
  void runningOutOfFileDescriptorsIsOneLineNamingTheLimit(@TempDir Path exports)
      throws Exception {
    List<Socket> held = new ArrayList<>();
    try (ServerJvm s = ServerJvm.withFileLimit(400, "--builtin-counts", "4:4", "--workers",
        "1", "--export-root", exports.toString())) {
      // A call first: its classes are loaded (from files: none can be opened later).
      assertEquals("builtin", describe(s));
      for (int k = 0; k < 500; k++) {
        held.add(new Socket("127.0.0.1", s.port)); // the kernel accepts them into the backlog
      }
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!s.log().contains("out of file descriptors") && System.nanoTime() < until) {
        Thread.sleep(100);
      }
      Thread.sleep(3000); // Netty tries again each second
      close(held);
      try {
        assertEquals("builtin", describe(s));
      } catch (RuntimeException e) {
        throw new AssertionError("the server serves again once they go: " + s.log(), e);
      }
      String log = s.log();
      assertFalse(log.contains("Too many open files") || log.contains("\tat "), log);
      List<String> lines = log.lines().filter(l -> l.contains("file descriptors")).toList();
      assertEquals(1, lines.size(), log);
      assertTrue(lines.get(0).contains("cannot accept a connection: the server is out of file "
          + "descriptors (") && lines.get(0).contains("(limit 400): raise its limit (ulimit -n"),
          lines.get(0));
    } finally {
      close(held);
    }
  }

  private static String describe(ServerJvm s) throws InterruptedException {
    ManagedChannel c = s.channel();
    try {
      return FgbgGrpc.newBlockingStub(c).withDeadlineAfter(60, TimeUnit.SECONDS)
          .describe(DescribeRequest.newBuilder().setDataset("builtin").build()).getName();
    } finally {
      c.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static void close(List<Socket> sockets) throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
  }
}
