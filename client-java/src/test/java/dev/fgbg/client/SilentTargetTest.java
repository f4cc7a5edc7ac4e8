package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A target whose socket accepts connections and never answers (no HTTP/2 settings, no reply),
 * with only the unary deadline set: a stream's wait is bounded by that deadline, not by the
 * 24 h stream deadline. The timeouts only guard against the old forever-wait.
 */
class SilentTargetTest {
  static final List<String> WORLD = List.of("--builtin-size", "32", "--builtin-counts",
      "4:10", "--builtin-placements", "4", "--workers", "1");
  private static final Duration WAIT = Duration.ofSeconds(4); // a loaded machine connects slowly

  static StreamEpochRequest request(int limit) {
    return StreamEpochRequest.newBuilder().setDataset("builtin").setBatchSize(8)
        .setLimit(limit).setRank(0).setWorldSize(1).build();
  }

  /** A loopback port whose connections the kernel completes and nothing ever answers. */
  static ServerSocket silent() throws Exception {
    return SilentPort.open();
  }

  static Function<String, FgbgClient> clients(boolean sharedMemory) {
    return t -> FgbgClient.builder().target(t).deadline(WAIT).sharedMemory(sharedMemory)
        .build();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  @Timeout(60)
  void aStreamToASilentTargetFailsNamingItAndSayingItDoesNotAnswer(boolean sharedMemory)
      throws Exception {
    try (ServerSocket socket = SilentPort.open()) {
      String target = "127.0.0.1:" + socket.getLocalPort();
      try (FgbgClient c = clients(sharedMemory).apply(target)) {
        // With shared memory the ring's Describe fails the start, else the first read.
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> {
          try (BatchIterator it = c.streamEpoch(request(16))) {
            it.hasNext();
          }
        });
        String said = e.getStatus().getDescription();
        if (sharedMemory) { // the ring's Describe is not answered: the Python client's end
          assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode(), said);
          assertTrue(said.startsWith(target + " does not answer: no reply to the Describe "
              + "that sizes the stream's shared-memory ring within 4 s"), said);
        } else { // no HTTP/2 settings: UNAVAILABLE, as grpcio's connect timeout says it
          assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), said);
          assertTrue(said.startsWith("no fgbg server answered at " + target + " within 4 s, "
              + "the sooner of the client's deadline and 20 s: the client was still connecting ("),
              said);
        }
      }
    }
  }

  /**
   * A unary deadline longer than the bound on a stream's wait for a connection (as the default
   * 30 s is than 20 s, here 4 s and 2 s): the ring's Describe is a unary call, ended by its own
   * deadline, and fails the stream's start. Before, it was bounded too, ended UNAVAILABLE, and
   * the stream went on over the network to wait for its connection as long again.
   */
  @Test
  @Timeout(60)
  void theRingDescribeToASilentTargetEndsAtTheUnaryDeadlineNotAtTheStreamsBound()
      throws Exception {
    ConnectBound.most = Duration.ofSeconds(2);
    try (ServerSocket socket = SilentPort.open();
         FgbgClient c = clients(true).apply("127.0.0.1:" + socket.getLocalPort())) {
      String target = "127.0.0.1:" + socket.getLocalPort();
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> {
        try (BatchIterator it = c.streamEpoch(request(16))) {
          it.hasNext();
        }
      });
      String said = e.getStatus().getDescription();
      assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode(), said);
      assertTrue(said.startsWith(target + " does not answer: no reply to the Describe that "
          + "sizes the stream's shared-memory ring within 4 s"), said);
    } finally {
      ConnectBound.most = ConnectBound.MOST;
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  @Timeout(60)
  void aSilentHomeReplicaIsPassedOverWithinTheUnaryDeadline(boolean sharedMemory)
      throws Exception {
    try (ServerProcess live = new ServerProcess(WORLD)) {
      SilentPort.passedOver(live, clients(sharedMemory), request(16));
    }
  }
}
