package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fgbg.common.SampleDigest;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
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
}
