package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.LogLines;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.StatsRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Unary calls over two server processes on loopback: a call whose replica was stopped goes to
 * the other one, with the same answer; a refusal is not retried; a frozen replica's deadline
 * moves the call on. Before FailoverCalls, a {@link FgbgReplicas} client's GetSamples asked its
 * one replica and failed UNAVAILABLE once that one stopped.
 */
class FailoverCallsTest {
  private static final List<String> WORLD = List.of("--builtin-size", "32", "--builtin-counts",
      "4:10", "--builtin-placements", "4", "--workers", "1");

  private static GetSamplesRequest samples(long... indices) {
    GetSamplesRequest.Builder r = GetSamplesRequest.newBuilder().setDataset("builtin").setSeed(3);
    for (long i : indices) {
      r.addIndices(i);
    }
    return r.build();
  }

  private static FgbgReplicas replicas(ServerProcess a, ServerProcess b, Duration deadline) {
    Function<String, FgbgClient> client = t -> FgbgClient.builder().target(t).deadline(deadline)
        .build();
    return FgbgReplicas.connect(a.target() + "," + b.target(), client);
  }

  @Test
  void aCallWhoseReplicaStoppedGoesToTheNextWithTheSameAnswer() throws Exception {
    try (ServerProcess a = new ServerProcess(WORLD);
         ServerProcess b = new ServerProcess(WORLD);
         FgbgReplicas replicas = replicas(a, b, Duration.ofSeconds(30));
         LogLines log = LogLines.capture(FailoverCalls.class.getName())) {
      int home = replicas.targets().indexOf(a.target());
      FailoverCalls calls = replicas.calls(home, "rank 0");
      Batch before = calls.getSamples(samples(0, 7, 159));
      assertEquals(home, calls.replica());
      a.stop(); // SIGTERM: the replica is gone, its port refuses connections
      Batch after = calls.getSamples(samples(0, 7, 159));
      assertEquals(1 - home, calls.replica(), "moved to the other replica");
      assertEquals(1, calls.failovers());
      assertEquals(before.images(), after.images());
      assertEquals(before.depth(), after.depth());
      assertEquals(before.fingerprint(), after.fingerprint());
      assertTrue(log.lines().stream().anyMatch(l -> l.contains("rank 0: " + a.target()
          + " is unavailable (") && l.endsWith("; asking " + b.target()
          + " for the same GetSamples call")), log.lines().toString());
      // The other unary calls, from a home that is down, by the same rule.
      FailoverCalls fresh = replicas.calls(home, "rank 1");
      assertEquals(320, fresh.describe("builtin").getSize());
      assertEquals(1, fresh.failovers());
      assertEquals("builtin", fresh.listDatasets().get(0).getName());
      assertEquals(16, fresh.stats(StatsRequest.newBuilder().setDataset("builtin").setEnd(16)
          .build()).getSamples());
    }
  }

  @Test
  void aRefusalIsNotRetriedAndEveryReplicaDownNamesThemAll() throws Exception {
    try (ServerProcess a = new ServerProcess(WORLD);
         ServerProcess b = new ServerProcess(WORLD);
         FgbgReplicas replicas = replicas(a, b, Duration.ofSeconds(30))) {
      FailoverCalls calls = replicas.calls(0, "rank 0");
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> calls.getSamples(samples(0, 100_000)));
      assertTrue(e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT
          || e.getStatus().getCode() == Status.Code.OUT_OF_RANGE, e.toString());
      e = assertThrows(StatusRuntimeException.class, () -> calls.describe("nope"));
      assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e.toString());
      assertEquals(0, calls.failovers(), "a refusal is the same on every replica");
      a.stop();
      b.stop();
      e = assertThrows(StatusRuntimeException.class, () -> calls.getSamples(samples(1)));
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
      String said = e.getStatus().getDescription();
      assertTrue(said.startsWith("no fgbg server answers at " + String.join(", ",
          replicas.targets()) + " ("), said);
    }
  }

  @Test
  void aFrozenReplicasDeadlineMovesTheCallOn() throws Exception {
    try (ServerProcess a = new ServerProcess(WORLD);
         ServerProcess b = new ServerProcess(WORLD);
         FgbgReplicas replicas = replicas(a, b, Duration.ofSeconds(5))) {
      int home = replicas.targets().indexOf(a.target());
      FailoverCalls calls = replicas.calls(home, "rank 0");
      Batch before = calls.getSamples(samples(3));
      replicas.client(1 - home).describe("builtin"); // connected: its deadline is the call's
      a.pause(); // SIGSTOP: connected, answers nothing
      try {
        Batch after = calls.getSamples(samples(3));
        assertEquals(1 - home, calls.replica());
        assertEquals(before.images(), after.images());
      } finally {
        a.resume();
      }
    }
  }
}
