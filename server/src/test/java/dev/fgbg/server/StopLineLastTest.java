package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.ListDatasetsRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The stop line is the stop's last act: nothing the JVM's exit waits for runs after it. The
 * transport's event loops sat in epoll_wait, in native code, for a second after gRPC's server
 * terminated (its shared loops), and the exit waits up to 300 ms for such threads: a server
 * that said "stopped after 0.05 s" exited 0.35 s later here (1.7 s on the tester's machine,
 * the JIT compiling meanwhile). Its own loops end before the line.
 */
class StopLineLastTest {
  @Test
  void theTransportsEventLoopsAreGoneWhenTheStopLineIsSaid() throws Exception {
    Logger log = Logger.getLogger(FgbgApplication.class.getName());
    List<String> atTheLine = new ArrayList<>();
    Set<Thread> before = loops(); // another test's, ending within a second of its server's end
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getMessage().startsWith("stopped after")) {
          atTheLine.add(r.getMessage());
          loops().stream().filter(t -> !before.contains(t)).map(Thread::getName)
              .forEach(atTheLine::add);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    log.addHandler(h);
    try (TestServer s = TestServer.netty(TestDatasets.registry(), 1)) {
      FgbgGrpc.newBlockingStub(s.channel()).listDatasets(ListDatasetsRequest.getDefaultInstance());
    } finally {
      log.removeHandler(h);
    }
    assertEquals(1, atTheLine.size(), atTheLine::toString);
  }

  /**
   * Live threads of servers' event loops: the server's own, or gRPC's shared ones (a boss loop
   * is a server's; the client's channel, still open at the line, has worker loops of gRPC's).
   */
  private static Set<Thread> loops() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .filter(t -> t.getName().startsWith("fgbg-netty-")
            || t.getName().startsWith("grpc-default-boss")).collect(Collectors.toSet());
  }
}
