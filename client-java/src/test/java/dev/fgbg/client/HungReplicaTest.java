package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.common.SampleDigest;
import dev.fgbg.server.transport.NettyListener;
import dev.fgbg.v1.StreamEpochRequest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A replica that hangs (SIGSTOP) rather than dies: its connection stays open and silent, so
 * only the client's keepalive notices, and the stream fails over exactly as for a dead one.
 */
class HungReplicaTest {
  // 1600 samples of 64x64: rank 1 of 2 streams 50 batches, far more than is buffered.
  private static final List<String> WORLD = List.of("--builtin-size", "64", "--builtin-counts",
      "10:20", "--builtin-placements", "4", "--workers", "1");
  private static final Duration PING = Keepalive.MIN_TIME;
  private static final Duration ANSWER = Duration.ofSeconds(3);

  @Test
  void aStoppedReplicaIsNoticedByKeepaliveAndTheStreamResumesExactlyOnTheNext()
      throws Exception {
    ServerProcess a = new ServerProcess(WORLD);
    ServerProcess b = new ServerProcess(WORLD);
    StreamEpochRequest request = StreamEpochRequest.newBuilder().setDataset("builtin")
        .setSeed(5).setEpoch(1).setShuffle(true).setBatchSize(16).setRank(1).setWorldSize(2)
        .build();
    try (FgbgReplicas replicas = FgbgReplicas.connect(a.target() + "," + b.target(),
        t -> FgbgClient.builder().target(t).keepalive(PING, ANSWER).build())) {
      SampleDigest unbroken = new SampleDigest();
      try (BatchIterator it = replicas.client(0).streamEpoch(request)) {
        it.forEachRemaining(x -> unbroken.add(x.indices(), x.images(), x.masks(), x.depth()));
      }
      SampleDigest resumed = new SampleDigest();
      long stoppedAt = 0;
      long noticedAfter = 0;
      long next = 0;
      try (FailoverBatchIterator it = replicas.streamEpoch(request)) {
        assertEquals(1, it.replica(), "rank 1's home replica");
        while (it.hasNext()) {
          Batch x = it.next();
          assertEquals(next++, x.batchIndex(), "each batch once, in order");
          resumed.add(x.indices(), x.images(), x.masks(), x.depth());
          if (x.batchIndex() == 2) {
            b.pause(); // mid-stream, its connection open and silent
            stoppedAt = System.nanoTime();
          }
          if (noticedAfter == 0 && it.failovers() == 1) {
            noticedAfter = System.nanoTime() - stoppedAt;
          }
        }
        assertEquals(1, it.failovers());
        assertEquals(0, it.replica());
      }
      assertEquals(unbroken.hex(), resumed.hex(), "the same samples as the unbroken stream");
      // A ping after PING of silence, then ANSWER for its reply; the rest is slack.
      Duration took = Duration.ofNanos(noticedAfter);
      assertTrue(took.compareTo(PING.plus(ANSWER).plusSeconds(15)) < 0, "noticed after " + took);
    } finally {
      b.resume();
      a.close();
      b.close();
    }
  }

  @Test
  void rankZeroWhoseHomeReplicaAcceptsAndNeverAnswersStreamsFromTheNext() throws Exception {
    Duration wait = Duration.ofSeconds(4);
    // The hung home replica's stream sends no first reply within the stream deadline.
    Function<String, FgbgClient> client =
        t -> FgbgClient.builder().target(t).deadline(wait).streamDeadline(wait).build();
    StreamEpochRequest request = StreamEpochRequest.newBuilder().setDataset("builtin")
        .setBatchSize(8).setLimit(16).setRank(0).setWorldSize(1).build();
    // The kernel completes its connections; nothing ever accepts or answers them.
    try (ServerProcess live = new ServerProcess(WORLD);
         ServerSocket silent = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
      String targets = "127.0.0.1:" + silent.getLocalPort() + "," + live.target();
      String fingerprint; // given: the job's Describe would remember the silent one first
      try (FgbgClient c = FgbgClient.builder().target(live.target()).build()) {
        fingerprint = c.describe("builtin").getFingerprint();
      }
      try (FgbgReplicas replicas = FgbgReplicas.connect(targets, client);
           FailoverBatchIterator it = replicas.streamEpoch(request, fingerprint)) {
        assertEquals(0, it.replica(), "rank 0's home replica: the silent one");
        long samples = 0;
        while (it.hasNext()) {
          samples += it.next().size();
        }
        assertEquals(16, samples);
        assertEquals(1, it.replica());
        assertEquals(1, it.failovers());
      }
    }
  }

  @Test
  void keepaliveSettingsAreCheckedAndTheServerPermitsTheLeast() {
    assertEquals(NettyListener.PERMIT_KEEPALIVE_TIME, Keepalive.MIN_TIME,
        "the client may ping as often as the server permits, no more often");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FgbgClient.builder().keepalive(Duration.ofSeconds(5), ANSWER));
    assertTrue(e.getMessage().startsWith("keepalive time must be at least 20 s"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> FgbgClient.builder().keepalive(PING, Duration.ZERO));
    assertTrue(e.getMessage().startsWith("keepalive timeout must be a positive"), e.getMessage());
    FgbgClient.builder().keepalive(Duration.ZERO, null).build().close(); // off
  }
}
