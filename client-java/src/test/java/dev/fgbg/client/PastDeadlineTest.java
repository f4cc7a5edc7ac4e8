package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.StatsRequest;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A call that had a connection to a real server and ran past its deadline says so in the
 * client's words, naming the call, the target, the deadline's length and the builder's method
 * that sets it: before, grpc-java's own ("deadline exceeded after 1.99s. [closed=[],
 * open=[[remote_addr=/127.0.0.1:…]]]"). The server is a real process, connected to, then
 * stopped (SIGSTOP): every call after reaches it and none is answered, as from a busy one.
 */
class PastDeadlineTest {
  private static final List<String> WORLD = List.of("--builtin-size", "64", "--builtin-counts",
      "10:20", "--builtin-placements", "4", "--workers", "1");

  @Test
  void aConnectedCallPastItsDeadlineNamesTheCallItsDeadlineAndTheBuildersMethod()
      throws Exception {
    StreamEpochRequest stream = StreamEpochRequest.newBuilder().setDataset("builtin")
        .setBatchSize(8).build();
    ServerProcess server = new ServerProcess(WORLD);
    ManagedChannel channel = Grpc.newChannelBuilder(server.target(),
        InsecureChannelCredentials.create()).build();
    try (FgbgClient c = FgbgClient.builder().channel(channel).sharedMemory(false)
        .deadline(Duration.ofMillis(1500)).streamDeadline(Duration.ofSeconds(1)).build()) {
      String target = server.target();
      // Connected, under the default deadline (a busy machine's first connection can take
      // longer than the short one): the calls below go on this connection.
      try (FgbgClient warm = FgbgClient.builder().channel(channel).build()) {
        warm.describe("builtin");
      }
      server.pause();
      assertPast("Describe", target, "1.5 s", "deadline", () -> c.describe("builtin"));
      assertPast("Stats", target, "1 s", "streamDeadline",
          () -> c.stats(StatsRequest.newBuilder().setDataset("builtin").build()));
      try (BatchIterator it = c.streamEpoch(stream)) {
        assertPast("StreamEpoch", target, "1 s", "streamDeadline", it::hasNext);
      }
      try (ProgressIterator<?> it = c.export(ExportRequest.newBuilder().setDataset("builtin")
          .setDestination("past").build())) {
        assertPast("Export", target, "1 s", "streamDeadline", it::hasNext);
      }
      try (FgbgReplicas one = FgbgReplicas.of(target, c);
           FailoverBatchIterator it = one.streamEpoch(stream)) {
        assertPast("StreamEpoch", target, "1 s", "streamDeadline", it::hasNext);
      }
    } finally {
      channel.shutdownNow();
      server.close();
    }
  }

  private static void assertPast(String call, String target, String length, String setter,
      Executable run) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, run);
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode(), e.toString());
    assertEquals(call + " to " + target + " did not finish within its deadline of " + length
        + ": the server was connected but had not finished the call by then (a cold depth cache "
        + "or a busy server can take longer); raise FgbgClient.builder()." + setter
        + "(Duration) / --deadline", e.getStatus().getDescription());
  }
}
