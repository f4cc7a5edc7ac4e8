package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.LogLines;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * What a stream over replicas says and does when they fail: every replica named when none
 * serves, the move's reason in its log line, and a close that ends a Describe in flight.
 */
class ReplicaFailuresTest {
  private static final List<String> WORLD = List.of("--builtin-size", "32", "--builtin-counts",
      "4:10", "--builtin-placements", "4", "--workers", "1");

  private static StreamEpochRequest request(int rank, int world) {
    return StreamEpochRequest.newBuilder().setDataset("builtin").setSeed(3).setEpoch(2)
        .setBatchSize(8).setRank(rank).setWorldSize(world).build();
  }

  private static List<String> other() {
    List<String> other = new ArrayList<>(WORLD);
    other.set(other.indexOf("4"), "3"); // placements: another fingerprint, the same name
    return other;
  }

  /** A loopback target where nothing listens. */
  private static String closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  private static StatusRuntimeException failing(Runnable r) {
    return assertThrows(StatusRuntimeException.class, r::run);
  }

  @Test
  void whenNoReplicaServesTheErrorNamesEveryOneAndWhy() throws Exception {
    String d1 = closedPort();
    String d2 = closedPort();
    try (ServerProcess a = new ServerProcess(WORLD);
         ServerProcess c = new ServerProcess(other());
         FgbgReplicas down = FgbgReplicas.connect(d1 + "," + d2);
         FgbgReplicas three = FgbgReplicas.connect(d1 + "," + d2 + "," + c.target())) {
      String f = fingerprint(a);
      String g = three.client(2).describe("builtin").getFingerprint();
      assertNotEquals(f, g);
      // Every replica down: the job's Describe, and a stream given the job's fingerprint.
      // Before: only d2, the last one tried, was named.
      StatusRuntimeException e = failing(() -> down.fingerprint("builtin"));
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
      String said = e.getStatus().getDescription();
      assertTrue(said.startsWith("no fgbg server answers at " + d1 + ", " + d2 + " ("), said);
      try (FailoverBatchIterator it = down.streamEpoch(request(0, 1), f)) {
        e = failing(it::hasNext);
        said = e.getStatus().getDescription();
        assertTrue(said.startsWith("no fgbg server answers at " + d1 + ", " + d2 + " ("), said);
      }
      // Two down and one of other data: each named with its reason.
      try (FailoverBatchIterator it = three.streamEpoch(request(0, 1), f)) {
        e = failing(() -> it.forEachRemaining(x -> { }));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertEquals("no replica serves dataset 'builtin' with fingerprint " + f + ", the data "
            + "this stream has: " + d1 + " is unavailable; " + d2 + " is unavailable; "
            + c.target() + " serves fingerprint " + g + "; the replicas serve different data "
            + "(a rolling update, another config or model?), and their samples cannot be "
            + "mixed", e.getStatus().getDescription());
      }
    }
  }

  @Test
  void theMovesLogLineSaysWhetherTheReplicaIsDownOrServesOtherData() throws Exception {
    String d = closedPort();
    try (ServerProcess a = new ServerProcess(WORLD);
         ServerProcess c = new ServerProcess(other());
         LogLines log = LogLines.capture(FailoverBatchIterator.class.getName());
         FgbgReplicas replicas = FgbgReplicas.connect(a.target() + "," + c.target() + "," + d)) {
      String f = fingerprint(a);
      String g = replicas.client(1).describe("builtin").getFingerprint();
      // Rank 1's home, c, serves other data; then d is down; a serves the job's data.
      try (FailoverBatchIterator it = replicas.streamEpoch(request(1, 3))) {
        it.forEachRemaining(b -> assertEquals(f, b.fingerprint()));
        assertEquals(0, it.replica());
      }
      List<String> moves = log.containing("resuming at batch");
      assertEquals(2, moves.size(), moves.toString());
      // Before: "... is unavailable (... serves dataset 'builtin' with fingerprint ...)".
      assertEquals("INFO rank 1: " + c.target() + " serves other data (fingerprint " + g
          + ", not " + f + "); resuming at batch 0 on " + d, moves.get(0));
      assertTrue(moves.get(1).startsWith("INFO rank 1: " + d + " is unavailable (no fgbg "
          + "server answers at " + d + " ("), moves.get(1));
      assertTrue(moves.get(1).endsWith("); resuming at batch 0 on " + a.target()),
          moves.get(1));
    }
  }

  @Test
  void closeEndsADescribeInFlightOnAHungReplica() throws Exception {
    try (ServerProcess a = new ServerProcess(WORLD);
         ServerProcess b = new ServerProcess(WORLD);
         // No keepalive, an hour's deadline: only a close can end a call to the hung a soon.
         FgbgReplicas replicas = FgbgReplicas.connect(a.target() + "," + b.target(),
             t -> FgbgClient.builder().target(t).keepalive(Duration.ZERO, null)
                 .deadline(Duration.ofHours(1)).sharedMemory(true).build())) {
      String f = fingerprint(a);
      a.pause();
      try {
        // The job's Describe (a first in the targets' order), and with the job's fingerprint
        // given, the Describe that sizes the home replica's shared-memory ring.
        List<Supplier<FailoverBatchIterator>> streams = List.of(
            () -> replicas.streamEpoch(request(0, 1)),
            () -> replicas.streamEpoch(request(0, 1), f));
        for (Supplier<FailoverBatchIterator> stream : streams) {
          FailoverBatchIterator it = stream.get();
          CompletableFuture<Boolean> reading = new CompletableFuture<>();
          Thread reader = new Thread(() -> {
            try {
              reading.complete(it.hasNext());
            } catch (RuntimeException e) {
              reading.completeExceptionally(e);
            }
          });
          reader.start();
          while (!describing(reader)) {
            assertTrue(reader.isAlive(), "the reader ended before its Describe");
            Thread.sleep(50); // until its Describe waits for the hung replica
          }
          it.close();
          // Before: the reader waited out the Describe's deadline (an hour), then a close
          // threw CANCELLED. Now it ends at once with no more batches, as Python's does.
          assertFalse(reading.get(60, TimeUnit.SECONDS), "closed");
          assertFalse(it.hasNext(), "closed");
        }
      } finally {
        a.resume();
      }
    }
  }

  /** The fingerprint of what {@code server} serves. */
  private static String fingerprint(ServerProcess server) {
    try (FgbgClient c = FgbgClient.builder().target(server.target()).build()) {
      return c.describe("builtin").getFingerprint();
    }
  }

  /** Whether {@code t} waits in a Describe call. */
  private static boolean describing(Thread t) {
    return Arrays.stream(t.getStackTrace()).anyMatch(s -> s.getMethodName().equals("describe")
        && s.getClassName().equals(FgbgClient.class.getName()));
  }
}
