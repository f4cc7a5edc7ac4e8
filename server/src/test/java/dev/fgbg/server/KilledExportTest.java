package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FileTrees;
import dev.fgbg.v1.ExportFormat;
import dev.fgbg.v1.ExportProgress;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A server process killed (SIGKILL) mid-export; the rerun on a new process gives the same files. */
class KilledExportTest {
  @TempDir
  Path root;

  private ServerJvm start() throws Exception {
    return new ServerJvm(List.of(), "--export-root", root.toString(), "--builtin-size", "64",
        "--builtin-counts", "6:10", "--builtin-placements", "4", "--workers", "2");
  }

  private static ExportRequest request(ExportFormat f, String dest) {
    return ExportRequest.newBuilder().setDataset("builtin").setSeed(5).setFormat(f)
        .setDestination(dest).build();
  }

  private static ExportProgress runToEnd(ManagedChannel ch, ExportFormat f, String dest) {
    Iterator<ExportProgress> it = FgbgGrpc.newBlockingStub(ch)
        .withDeadlineAfter(300, TimeUnit.SECONDS).export(request(f, dest));
    ExportProgress last = null;
    while (it.hasNext()) {
      last = it.next();
    }
    return last;
  }

  /** Folders (a file per sample) and zip (a container per shard, written through a stream). */
  @ParameterizedTest
  @EnumSource(value = ExportFormat.class, names = {"EXPORT_FORMAT_FOLDERS", "EXPORT_FORMAT_ZIP"})
  void killedMidExportResumesToIdenticalFiles(ExportFormat f) throws Exception {
    ServerJvm first = start();
    ManagedChannel ch = first.channel();
    Iterator<ExportProgress> it = FgbgGrpc.newBlockingStub(ch)
        .withDeadlineAfter(300, TimeUnit.SECONDS).export(request(f, "killed"));
    // 6 backgrounds x 80 samples; kill once at least two shards are done.
    while (it.hasNext()) {
      ExportProgress p = it.next();
      if (p.getShardsDone() >= 2 && !p.getFinished()) {
        break;
      }
    }
    first.close(); // SIGKILL
    ch.shutdownNow();

    try (ServerJvm second = start()) {
      ManagedChannel ch2 = second.channel();
      try {
        ExportProgress resumed = runToEnd(ch2, f, "killed");
        assertTrue(resumed.getFinished());
        assertTrue(resumed.getShardsSkipped() >= 1, "shards finished before the kill are kept");
        ExportProgress clean = runToEnd(ch2, f, "clean");
        assertEquals(clean.getDigest(), resumed.getDigest());
        assertEquals(FileTrees.tree(root.resolve("clean")),
            FileTrees.tree(root.resolve("killed")));
      } finally {
        ch2.shutdownNow();
      }
    }
  }
}
