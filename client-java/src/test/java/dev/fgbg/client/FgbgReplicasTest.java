package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.common.SampleDigest;
import dev.fgbg.core.LogLines;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Three server processes on loopback as replicas: spread ranks, and fail over exactly. */
class FgbgReplicasTest {
  // 10 bg x 20 fg x 2 x 4 = 1600 samples of 64x64: each rank's quarter (~10 MB) is far more
  // than gRPC buffers, so a rank is mid-stream when its replica dies.
  private static final List<String> WORLD = List.of("--builtin-size", "64", "--builtin-counts",
      "10:20", "--builtin-placements", "4", "--workers", "1");
  private static final int N = 1600;
  private static final int RANKS = 4;

  private static StreamEpochRequest request(int rank, int world) {
    return StreamEpochRequest.newBuilder().setDataset("builtin").setSeed(3).setEpoch(2)
        .setShuffle(true).setBatchSize(16).setRank(rank).setWorldSize(world).build();
  }

  /**
   * Words that do not name the last replica (a stopping server's, GOAWAY) came from a server
   * that answered: "none answered" is only for a deadline (the Python client's words too).
   */
  @Test
  void replicasAskedInTurnAreSaidToHaveAnsweredUnlessADeadlinePassed() {
    List<String> asked = List.of("a:1", "b:2");
    assertEquals("GOAWAY received (asked a:1, b:2 in turn)", FgbgReplicas.noneAnswered(
        Status.UNAVAILABLE.withDescription("GOAWAY received").asRuntimeException(), "b:2", asked)
        .getStatus().getDescription());
    assertEquals("Deadline Exceeded (asked a:1, b:2 in turn: none answered)",
        FgbgReplicas.noneAnswered(Status.DEADLINE_EXCEEDED.withDescription("Deadline Exceeded")
            .asRuntimeException(), "b:2", asked).getStatus().getDescription());
  }

  @Test
  void targetsAreAListOrEveryAddressOfADnsName() {
    assertEquals(List.of("a:1", "b:2", "c:3"), FgbgReplicas.resolve("a:1, b:2,c:3"));
    assertEquals(List.of("a:1"), FgbgReplicas.resolve("a:1,a:1"));
    assertTrue(FgbgReplicas.resolve("dns:///localhost:7").contains("127.0.0.1:7"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FgbgReplicas.resolve("a:1,b:x"));
    assertTrue(e.getMessage().contains("'b:x' must be host:port"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> FgbgReplicas.resolve("a:1,http://b:2"));
    assertTrue(e.getMessage().startsWith("target 'http://b:2' is a URL: give host:port (b:2)"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> FgbgReplicas.resolve("dns:///no-such-host.invalid:5"));
    assertTrue(e.getMessage().contains("does not resolve"), e.getMessage());
  }

  @Test
  void unixSocketTargetsAreTakenAsByTheClientAndThePythonReplicas() {
    // FgbgReplicas had a host:port parser of its own, which refused these ("must be host:port").
    assertEquals(List.of("unix:/tmp/fgbg.sock", "unix-abstract:fgbg", "a:1"),
        FgbgReplicas.resolve("unix:/tmp/fgbg.sock,unix-abstract:fgbg,a:1"));
  }

  @Test
  void aBareHostMeansPort50051AsInTheClient() {
    // FgbgReplicas.connect("localhost") threw "must be host:port"; README and FgbgClient say a
    // bare host means port 50051.
    assertEquals(List.of("a:50051", "b:2", "[::1]:50051"), FgbgReplicas.resolve("a,b:2,[::1]"));
    assertTrue(FgbgReplicas.resolve("dns:///localhost").contains("127.0.0.1:50051"));
    try (FgbgReplicas replicas = FgbgReplicas.connect("localhost")) {
      assertEquals(List.of("localhost:50051"), replicas.targets());
      assertEquals(1, replicas.size());
    }
  }

  @Test
  void fourRanksOverThreeReplicasGiveOneServersDigestAndSurviveAReplicaDying()
      throws Exception {
    List<ServerProcess> servers = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        servers.add(new ServerProcess(WORLD));
      }
      String targets = String.join(",", servers.stream().map(ServerProcess::target).toList());
      try (FgbgReplicas replicas = FgbgReplicas.connect(targets)) {
        assertEquals(3, replicas.size());
        SampleDigest one = new SampleDigest();
        try (BatchIterator it = replicas.client(2).streamEpoch(request(0, 1))) {
          it.forEachRemaining(b -> one.add(b.indices(), b.images(), b.masks(), b.depth()));
        }
        List<FailoverBatchIterator> ranks = new ArrayList<>();
        for (int r = 0; r < RANKS; r++) {
          ranks.add(replicas.streamEpoch(request(r, RANKS)));
          assertEquals(r % 3, ranks.get(r).replica(), "rank " + r + "'s home replica");
        }
        SampleDigest all = new SampleDigest();
        long[] next = new long[RANKS];
        int samples = 0;
        boolean killed = false;
        for (boolean more = true; more; ) {
          more = false;
          for (int r = 0; r < RANKS; r++) {
            FailoverBatchIterator it = ranks.get(r);
            if (!it.hasNext()) {
              continue;
            }
            more = true;
            Batch b = it.next();
            assertEquals(next[r]++, b.batchIndex(), "rank " + r + " resumes exactly");
            all.add(b.indices(), b.images(), b.masks(), b.depth());
            samples += b.size();
          }
          if (!killed && next[0] == 3) {
            servers.get(0).kill(); // ranks 0 and 3 are mid-epoch on it
            killed = true;
          }
        }
        assertEquals(N, samples);
        assertEquals(one.hex(), all.hex(), "the same samples as one server, each once");
        assertEquals(1, ranks.get(0).failovers());
        assertEquals(1, ranks.get(3).failovers());
        assertEquals(0, ranks.get(1).failovers() + ranks.get(2).failovers());
        ranks.forEach(FailoverBatchIterator::close);
      }
    } finally {
      for (ServerProcess s : servers) {
        s.close();
      }
    }
  }

  @Test
  void aLimitedStreamThatFailsOverDeliversExactlyTheUnbrokenStreamsSamples() throws Exception {
    List<ServerProcess> servers = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        servers.add(new ServerProcess(WORLD));
      }
      String targets = servers.get(0).target() + "," + servers.get(1).target();
      // Rank 1 of 2 from its batch 2, at most 500 samples (not a whole number of batches).
      StreamEpochRequest limited = request(1, 2).toBuilder().setStartBatch(2).setLimit(500)
          .build();
      try (FgbgReplicas replicas = FgbgReplicas.connect(targets)) {
        SampleDigest unbroken = new SampleDigest();
        long unbrokenSamples = 0;
        try (BatchIterator it = replicas.client(0).streamEpoch(limited)) {
          while (it.hasNext()) {
            Batch b = it.next();
            unbroken.add(b.indices(), b.images(), b.masks(), b.depth());
            unbrokenSamples += b.size();
          }
        }
        assertEquals(500, unbrokenSamples);
        SampleDigest resumed = new SampleDigest();
        long samples = 0;
        long next = 2;
        try (FailoverBatchIterator it = replicas.streamEpoch(limited)) {
          assertEquals(1, it.replica(), "rank 1's home replica");
          while (it.hasNext()) {
            Batch b = it.next();
            assertEquals(next++, b.batchIndex(), "the batch numbering goes on");
            resumed.add(b.indices(), b.images(), b.masks(), b.depth());
            samples += b.size();
            if (next == 5) {
              servers.get(1).kill(); // mid-stream: 48 of the 500 samples delivered
            }
          }
          assertEquals(1, it.failovers());
        }
        assertEquals(500, samples, "the rest was limited to what the limit had left");
        assertEquals(unbroken.hex(), resumed.hex(), "the same samples as the unbroken stream");
      }
    } finally {
      for (ServerProcess s : servers) {
        s.close();
      }
    }
  }

  @Test
  void aStreamWhoseHomeReplicaIsDownStartsOnTheNextAtOnce() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort(); // nothing listens there once closed
    }
    try (ServerProcess b = new ServerProcess(WORLD);
         LogLines log = LogLines.capture("dev.fgbg.client");
         FgbgReplicas replicas = FgbgReplicas.connect("127.0.0.1:" + closed + "," + b.target())
             .withReconnect(Duration.ofSeconds(60));
         FailoverBatchIterator it = replicas.streamEpoch(request(0, 1))) {
      long t0 = System.nanoTime();
      assertEquals(0, it.next().batchIndex());
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "not after a back-off");
      assertEquals(1, it.replica());
      assertEquals(List.of(), log.containing("not answering"), "no window was opened");
    }
  }

  @Test
  void whenEveryReplicaIsGoneTheLastStatusComesThrough() throws Exception {
    ServerProcess a = new ServerProcess(WORLD);
    ServerProcess b = new ServerProcess(WORLD);
    String targets = a.target() + "," + b.target();
    a.kill();
    b.kill();
    try (FgbgReplicas replicas = FgbgReplicas.connect(targets);
        FailoverBatchIterator it = replicas.streamEpoch(request(1, 2))) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, it::hasNext);
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
      // The job's Describe (in the targets' order) failed first: b's status, the last tried.
      assertTrue(e.getStatus().getDescription().contains(b.target()), e.getMessage());
      assertEquals(0, it.failovers(), "no stream was started");
    }
  }

  @Test
  void aReplicaServingOtherDataIsSkippedAndNeverMixedIn() throws Exception {
    List<String> other = new ArrayList<>(WORLD);
    other.set(other.indexOf("4"), "3"); // placements: another fingerprint
    ServerProcess a = new ServerProcess(WORLD);
    ServerProcess b = new ServerProcess(other);
    ServerProcess c = new ServerProcess(WORLD);
    try (FgbgReplicas replicas = FgbgReplicas.connect(String.join(",", a.target(), b.target(),
        c.target()))) {
      SampleDigest unbroken = new SampleDigest();
      try (BatchIterator it = replicas.client(2).streamEpoch(request(0, 1))) {
        it.forEachRemaining(x -> unbroken.add(x.indices(), x.images(), x.masks(), x.depth()));
      }
      SampleDigest resumed = new SampleDigest();
      try (FailoverBatchIterator it = replicas.streamEpoch(request(0, 1))) {
        while (it.hasNext()) {
          Batch x = it.next();
          resumed.add(x.indices(), x.images(), x.masks(), x.depth());
          if (x.batchIndex() == 2) {
            a.kill();
          }
        }
        assertEquals(2, it.failovers(), "past the replica of other data to the third");
        assertEquals(2, it.replica());
      }
      assertEquals(unbroken.hex(), resumed.hex());
    }
    // With only the replica of other data left, the stream ends with that reason.
    try (FgbgReplicas replicas = FgbgReplicas.connect(c.target() + "," + b.target());
        FailoverBatchIterator it = replicas.streamEpoch(request(0, 1))) {
      it.next();
      c.kill();
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> {
        while (it.hasNext()) {
          it.next();
        }
      });
      assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
      String said = e.getStatus().getDescription();
      assertTrue(said.startsWith("no replica serves dataset 'builtin' with fingerprint "), said);
      assertTrue(said.contains(c.target() + " is unavailable; " + b.target()
          + " serves fingerprint "), said);
    } finally {
      a.close();
      b.close();
      c.close();
    }
  }
}
