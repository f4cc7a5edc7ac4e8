package dev.fgbg.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.v1.DatasetInfo;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.ListDatasetsRequest;
import dev.fgbg.v1.ListDatasetsResponse;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A verb that names no dataset asks the server which it serves (to say it read builtin): a
 * server that does not answer that within the deadline ends the verb with the deadline's words,
 * over real gRPC. Before, the check's failure was passed over and the verb's own call waited
 * the whole deadline again on the same silent server.
 */
class UnansweredDatasetCheckTest {
  @TempDir
  Path out;

  /** A server that takes every call and answers none, noting which arrived. */
  private static final class Silent extends FgbgGrpc.FgbgImplBase {
    final List<String> asked = new CopyOnWriteArrayList<>();

    @Override
    public void listDatasets(ListDatasetsRequest r, StreamObserver<ListDatasetsResponse> o) {
      asked.add("ListDatasets");
    }

    @Override
    public void describe(DescribeRequest r, StreamObserver<DatasetInfo> o) {
      asked.add("Describe");
    }
  }

  @Test
  void aServerThatDoesNotAnswerTheCheckIsNotWaitedForTwice() throws Exception {
    Silent silent = new Silent();
    Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(silent).build().start();
    try {
      String target = "127.0.0.1:" + server.getPort();
      String[] describe = CliRun.run("describe", "--target", target, "--deadline", "1s");
      assertEquals("1", describe[0], describe[2]);
      assertTrue(describe[2].startsWith("fgbg: error: DEADLINE_EXCEEDED: no reply within "
          + "--deadline 1s"), describe[2]);
      String[] get = CliRun.run("get", "--target", target, "--indices", "0", "--out",
          out.toString(), "--deadline", "1s");
      assertEquals("1", get[0], get[2]);
      assertEquals(List.of("ListDatasets", "ListDatasets"), silent.asked,
          "each verb waited out one call, not its own Describe after it");
    } finally {
      server.shutdownNow().awaitTermination();
    }
  }
}
