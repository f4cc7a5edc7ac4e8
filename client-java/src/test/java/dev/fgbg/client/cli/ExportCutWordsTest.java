package dev.fgbg.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.v1.ExportProgress;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * An export whose server went away mid-way says how many shards were complete and how many
 * samples they hold: a resume keeps whole shards only, so the samples of the shard cut mid-way
 * (written, 1700 here) are not counted: the server's end line counts the same 1500.
 */
class ExportCutWordsTest {
  @Test
  void aCutExportNamesItsCompleteShards() throws Exception {
    Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(new FgbgGrpc.FgbgImplBase() {
          @Override
          public void export(ExportRequest request, StreamObserver<ExportProgress> response) {
            response.onNext(ExportProgress.newBuilder().setDone(1700).setKept(1500).setTotal(4000)
                .setShardsDone(1).setShardsTotal(4).build());
            response.onError(Status.UNAVAILABLE.withDescription("the server is shutting down")
                .asRuntimeException());
          }
        }).build().start();
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = FgbgCli.run(new String[] {"export", "--target", "127.0.0.1:" + server.getPort(),
          "--dest", "e", "--format", "npy", "--range", "0:4000", "--shard-size", "1000"});
    } finally {
      System.setErr(old);
      server.shutdownNow();
    }
    String said = err.toString(StandardCharsets.UTF_8);
    assertEquals(1, code, said);
    assertTrue(said.contains("(1500 samples kept, 1 of 4 shards complete); to go on from "
        + "there: run the same export again: it resumes, keeping the shards already complete"),
        said);
  }
}
