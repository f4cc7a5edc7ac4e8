package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fgbg.common.SampleDigest;
import dev.fgbg.core.LogLines;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two server processes on loopback serving other data under one dataset name: one job keeps to
 * one fingerprint on every rank, stream and epoch, whatever each rank's home replica.
 */
class ReplicaDataTest {
  private static final List<String> WORLD = List.of("--builtin-size", "32", "--builtin-counts",
      "4:10", "--builtin-placements", "4", "--workers", "1");

  private static StreamEpochRequest request(int rank, int world) {
    return StreamEpochRequest.newBuilder().setDataset("builtin").setSeed(3).setEpoch(2)
        .setShuffle(true).setBatchSize(8).setRank(rank).setWorldSize(world).build();
  }

  private static List<String> other() {
    List<String> other = new ArrayList<>(WORLD);
    other.set(other.indexOf("4"), "3"); // placements: another fingerprint, the same name
    return other;
  }

  /** Every batch of {@code it}, each of fingerprint {@code fingerprint}, into {@code into}. */
  private static void read(FailoverBatchIterator it, String fingerprint, SampleDigest into) {
    while (it.hasNext()) {
      Batch b = it.next();
      assertEquals(fingerprint, b.fingerprint(), "batch " + b.batchIndex() + " of rank data");
      into.add(b.indices(), b.images(), b.masks(), b.depth());
    }
  }

  @Test
  void everyRankStreamsTheFirstReplicasDataWhateverItsHomeReplica() throws Exception {
    try (ServerProcess a = new ServerProcess(WORLD);
         ServerProcess b = new ServerProcess(other());
         FgbgReplicas replicas = FgbgReplicas.connect(a.target() + "," + b.target())) {
      String f = replicas.client(0).describe("builtin").getFingerprint();
      String g = replicas.client(1).describe("builtin").getFingerprint();
      assertNotEquals(f, g, "the two servers serve other data");
      SampleDigest one = new SampleDigest();
      try (BatchIterator it = replicas.client(0).streamEpoch(request(0, 1))) {
        it.forEachRemaining(x -> one.add(x.indices(), x.images(), x.masks(), x.depth()));
      }
      // Rank 1 starts on its home, b, which serves other data: it was streamed from b, its
      // first batch setting the fingerprint, and the job mixed two datasets without an error.
      SampleDigest job = new SampleDigest();
      try (FailoverBatchIterator r0 = replicas.streamEpoch(request(0, 2));
           FailoverBatchIterator r1 = replicas.streamEpoch(request(1, 2))) {
        assertEquals(1, r1.replica(), "rank 1 starts on its home replica");
        read(r0, f, job);
        read(r1, f, job);
        assertEquals(0, r0.failovers());
        assertEquals(1, r1.failovers(), "b was skipped like a dead replica");
        assertEquals(0, r1.replica());
      }
      assertEquals(one.hex(), job.hex(), "the job's samples are a's epoch, each once");
      assertEquals(f, replicas.fingerprint("builtin"));
      // A caller's own fingerprint: rank 0 skips its home a for b's data.
      SampleDigest theirs = new SampleDigest();
      try (FailoverBatchIterator r0 = replicas.streamEpoch(request(0, 1), g)) {
        read(r0, g, theirs);
        assertEquals(1, r0.replica());
      }
      assertThrows(IllegalArgumentException.class,
          () -> replicas.streamEpoch(request(0, 1), ""));
    }
  }

  @Test
  void aLaterEpochKeepsToTheJobsDataAndSaysWhatEachReplicaServes() throws Exception {
    try (ServerProcess a = new ServerProcess(WORLD);
         ServerProcess b = new ServerProcess(other());
         FgbgReplicas replicas = FgbgReplicas.connect(a.target() + "," + b.target())) {
      String f = replicas.client(0).describe("builtin").getFingerprint();
      String g = replicas.client(1).describe("builtin").getFingerprint();
      try (FailoverBatchIterator r0 = replicas.streamEpoch(request(0, 1))) {
        read(r0, f, new SampleDigest()); // epoch 1: the job's data is a's
      }
      a.kill();
      // Epoch 2 on its own stream: it took b's data (its first batch), mixing the job.
      try (FailoverBatchIterator r0 = replicas.streamEpoch(request(0, 1))) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
            () -> r0.forEachRemaining(x -> { }));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertEquals("no replica serves dataset 'builtin' with fingerprint " + f + ", the data "
            + "this stream has: " + a.target() + " is unavailable; " + b.target() + " serves "
            + "fingerprint " + g + "; the replicas serve different data (a rolling update, "
            + "another config or model?), and their samples cannot be mixed",
            e.getStatus().getDescription());
      }
    }
  }

  /** A loopback target where nothing listens. */
  private static String closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  @Test
  void aStreamClosedWhileTheJobsDataIsAwaitedEndsWithoutWaitingOutTheWindow() throws Exception {
    try (LogLines log = LogLines.capture("dev.fgbg.client");
         FgbgReplicas replicas = FgbgReplicas.connect(closedPort() + "," + closedPort())
             .withReconnect(Duration.ofSeconds(60));
         FailoverBatchIterator it = replicas.streamEpoch(request(0, 1))) {
      CompletableFuture<Boolean> reading = CompletableFuture.supplyAsync(it::hasNext);
      while (log.containing("(reconnect window)").isEmpty()) {
        Thread.sleep(50); // until the Describe of every replica failed and the window waits
      }
      it.close();
      // Before: the reader went on asking until the 60 s window had passed, then threw the
      // last status (or CANCELLED). Now the close ends the iteration, with no exception.
      assertFalse(reading.get(20, TimeUnit.SECONDS), "closed");
    }
  }

  @Test
  void aHungFirstReplicaIsPassedOverWhenTheJobsDataIsDecided() throws Exception {
    try (ServerProcess a = new ServerProcess(WORLD);
         ServerProcess b = new ServerProcess(other());
         FgbgReplicas replicas = FgbgReplicas.connect(a.target() + "," + b.target(),
             t -> FgbgClient.builder().target(t).deadline(Duration.ofSeconds(2)).build())) {
      String g = replicas.client(1).describe("builtin").getFingerprint();
      a.pause(); // its connections accepted, nothing answered: Describe's deadline passes
      try {
        // Before: the Describe's DEADLINE_EXCEEDED ended every rank's stream.
        SampleDigest job = new SampleDigest();
        try (FailoverBatchIterator r1 = replicas.streamEpoch(request(1, 2))) {
          read(r1, g, job);
          assertEquals(1, r1.replica());
        }
        assertEquals(g, replicas.fingerprint("builtin"));
      } finally {
        a.resume();
      }
    }
  }

  @Test
  void oneReplicaRestartedWithOtherDataFailsTheNextEpochOfTheSameReplicas() throws Exception {
    ServerProcess a = new ServerProcess(WORLD);
    ServerProcess b = null;
    try (FgbgReplicas one =
        FgbgReplicas.connect(a.target()).withReconnect(Duration.ofSeconds(30))) {
      String f = one.client(0).describe("builtin").getFingerprint();
      try (FailoverBatchIterator epoch1 = one.streamEpoch(request(0, 1))) {
        read(epoch1, f, new SampleDigest());
      }
      a.kill();
      b = new ServerProcess(other(), a.port());
      String g = one.client(0).describe("builtin").getFingerprint();
      assertNotEquals(f, g, "the restarted server serves other data");
      // Before: epoch 2 took its own first batch's fingerprint and streamed the other data.
      try (FailoverBatchIterator epoch2 = one.streamEpoch(request(0, 1))) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
            () -> epoch2.forEachRemaining(x -> { }));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertEquals("no replica serves dataset 'builtin' with fingerprint " + f + ", the data "
            + "this stream has: " + a.target() + " serves fingerprint " + g + "; the replicas "
            + "serve different data (a rolling update, another config or model?), and their "
            + "samples cannot be mixed", e.getStatus().getDescription());
      }
    } finally {
      a.close();
      if (b != null) {
        b.close();
      }
    }
  }
}
