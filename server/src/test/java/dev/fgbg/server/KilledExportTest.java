package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FileTrees;
import dev.fgbg.v1.ExportFormat;
import dev.fgbg.v1.ExportProgress;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server process killed (SIGKILL) mid-export; the rerun on a new process gives the same files. */
class KilledExportTest {
  private static final Pattern PORT = Pattern.compile("listening on [^:]+:(\\d+)");

  @TempDir
  Path root;

  private Process start() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "--port", "0", "--export-root", root.toString(),
        "--builtin-size", "64", "--builtin-counts", "6:10", "--builtin-placements", "4",
        "--workers", "2").redirectErrorStream(true).start();
    return p;
  }

  private static int port(Process p) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8));
    String line;
    while ((line = r.readLine()) != null) {
      Matcher m = PORT.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> {
          try {
            while (r.readLine() != null) {
              // keep the pipe flowing
            }
          } catch (IOException ignored) {
            // process gone
          }
        });
        drain.setDaemon(true);
        drain.start();
        return Integer.parseInt(m.group(1));
      }
    }
    throw new IllegalStateException("server did not start");
  }

  private static ExportRequest request(String dest) {
    return ExportRequest.newBuilder().setDataset("builtin").setSeed(5)
        .setFormat(ExportFormat.EXPORT_FORMAT_FOLDERS).setDestination(dest).build();
  }

  private static ExportProgress runToEnd(ManagedChannel ch, String dest) {
    Iterator<ExportProgress> it = FgbgGrpc.newBlockingStub(ch)
        .withDeadlineAfter(300, TimeUnit.SECONDS).export(request(dest));
    ExportProgress last = null;
    while (it.hasNext()) {
      last = it.next();
    }
    return last;
  }

  @Test
  void killedMidExportResumesToIdenticalFiles() throws Exception {
    Process first = start();
    int port = port(first);
    ManagedChannel ch = Grpc.newChannelBuilder("localhost:" + port,
        InsecureChannelCredentials.create()).build();
    Iterator<ExportProgress> it = FgbgGrpc.newBlockingStub(ch)
        .withDeadlineAfter(300, TimeUnit.SECONDS).export(request("killed"));
    // 6 backgrounds x 80 samples; kill once at least two shards are done.
    while (it.hasNext()) {
      ExportProgress p = it.next();
      if (p.getShardsDone() >= 2 && !p.getFinished()) {
        break;
      }
    }
    first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    ch.shutdownNow();

    Process second = start();
    try {
      int port2 = port(second);
      ManagedChannel ch2 = Grpc.newChannelBuilder("localhost:" + port2,
          InsecureChannelCredentials.create()).build();
      try {
        ExportProgress resumed = runToEnd(ch2, "killed");
        assertTrue(resumed.getFinished());
        assertTrue(resumed.getShardsSkipped() >= 1, "shards finished before the kill are kept");
        ExportProgress clean = runToEnd(ch2, "clean");
        assertEquals(clean.getDigest(), resumed.getDigest());
        assertEquals(FileTrees.tree(root.resolve("clean")),
            FileTrees.tree(root.resolve("killed")));
      } finally {
        ch2.shutdownNow();
      }
    } finally {
      second.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
