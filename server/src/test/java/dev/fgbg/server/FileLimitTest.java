package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

/** The open-files limit's words, and a listen that failed for want of a file handle. */
class FileLimitTest {
  @Test
  void aLimitBelowTheFloorIsOneLineNamingUlimit() {
    assertNull(FileLimit.startLine(FileLimit.MIN_FILES));
    assertNull(FileLimit.startLine(-1), "unknown: nothing to say");
    assertEquals("the open-files limit (ulimit -n) is 100, too low to serve: an idle server "
        + "holds about 70 and each connection, stream and export more; raise it to 256 or more "
        + "(ulimit -n 65536; docker run --ulimit nofile=65536)", FileLimit.startLine(100));
    assertTrue(FileLimit.canStart(100));
    assertFalse(FileLimit.canStart(64));
    assertTrue(FileLimit.max() > 0, "this JVM's own limit is read");
  }

  @Test
  void aBindThatFailedForWantOfFileHandlesDoesNotBlameThePort() {
    // grpc-netty's shape: its IOException, the channel's failure, the socket's EMFILE
    IOException e = new IOException("Failed to bind to addresses [/127.0.0.1:50051]",
        new IllegalStateException("failed to create a child event loop",
            new SocketException("Too many open files")));
    String why = ListenFailures.cannotListen("127.0.0.1:50051", "--port", e).getMessage();
    assertTrue(why.startsWith("cannot listen on 127.0.0.1:50051: the process is out of file "
        + "handles (its open-files limit, ulimit -n, is "), why);
    assertFalse(why.contains("Failed to bind") || why.contains("--port"), why);
  }
}
