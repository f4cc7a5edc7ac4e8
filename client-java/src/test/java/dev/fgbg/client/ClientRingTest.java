package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fgbg.common.SampleDigest;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.TestServer;
import dev.fgbg.server.grpc.StreamStats;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Java client's shared-memory path against real loopback servers. */
class ClientRingTest {
  private static TestServer server;
  private static TestServer off;

  @BeforeAll
  static void start() {
    server = TestServer.netty(TestDatasets.registry(), 2);
    off = TestServer.netty(TestDatasets.registry(), TestServer.options(2).window(4)
        .sharedMemory(false).build());
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    off.close();
  }

  private static FgbgClient client(TestServer s, Boolean sharedMemory) {
    FgbgClient.Builder b = FgbgClient.builder().target("localhost:" + s.server().port());
    return (sharedMemory == null ? b : b.sharedMemory(sharedMemory)).build();
  }

  private static StreamEpochRequest epoch() {
    return StreamEpochRequest.newBuilder().setDataset("builtin").setSeed(5).setShuffle(true)
        .setBatchSize(40).setLimit(200).build();
  }

  /** The digest of a stream, every batch kept until the end (copies stay valid). */
  private static String digest(FgbgClient c) {
    List<Batch> kept = new ArrayList<>();
    try (BatchIterator it = c.streamEpoch(epoch())) {
      it.forEachRemaining(kept::add);
    }
    SampleDigest d = new SampleDigest();
    kept.forEach(b -> d.add(b.indices(), b.images(), b.masks(), b.depth()));
    assertEquals(200, d.count());
    return d.hex();
  }

  private static List<Path> myRings() throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(ClientRing.DIRECTORY,
        "fgbg-ring-" + ProcessHandle.current().pid() + "-*")) {
      s.forEach(out::add);
    }
    return out;
  }

  @Test
  void aLocalTargetGetsTheSameBytesThroughSharedMemoryAndLeavesNoRingOnceClosed()
      throws Exception {
    StreamStats stats = server.server().stats();
    long accepted = stats.ringsAccepted();
    String network;
    try (FgbgClient plain = client(server, false)) {
      network = digest(plain);
    }
    assertEquals(accepted, stats.ringsAccepted(), "sharedMemory(false) offers nothing");
    try (FgbgClient c = client(server, null)) {
      assertEquals(network, digest(c));
    }
    assertEquals(accepted + 1, stats.ringsAccepted());
    assertEquals(List.of(), myRings());
  }

  @Test
  void aStreamThatEndsKeepsItsRingForTheClientsNextStream() throws Exception {
    String network;
    try (FgbgClient plain = client(server, false)) {
      network = digest(plain);
    }
    StreamStats stats = server.server().stats();
    long accepted = stats.ringsAccepted();
    try (FgbgClient c = client(server, true)) {
      assertEquals(network, digest(c));
      List<Path> first = myRings();
      assertEquals(1, first.size(), "kept after the stream");
      assertEquals(network, digest(c));
      assertEquals(network, digest(c));
      assertEquals(first, myRings(), "the same ring carried every stream");
      assertEquals(accepted + 3, stats.ringsAccepted());
    }
    assertEquals(List.of(), myRings(), "closing the client removes its kept rings");
  }

  @Test
  void aFailedStreamRemovesItsRingWithoutBeingClosed() throws Exception {
    try (FgbgClient c = client(server, true)) {
      BatchIterator it = c.streamEpoch(epoch().toBuilder().setLimit(-1).build());
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, it::hasNext);
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
      assertEquals(List.of(), myRings(), "removed when the call failed");
      assertEquals(false, it.hasNext());
    }
  }

  @Test
  void aServerWithSharedMemoryOffAnswersOnTheNetwork() throws Exception {
    String network;
    try (FgbgClient plain = client(server, false)) {
      network = digest(plain);
    }
    long refused = off.server().stats().ringsRefused();
    try (FgbgClient c = client(off, null)) {
      assertEquals(network, digest(c));
    }
    assertEquals(refused + 1, off.server().stats().ringsRefused());
    assertEquals(List.of(), myRings(), "the client removed the refused ring");
  }

  @Test
  void closingEarlyRemovesTheRing() throws Exception {
    // Ten batches for four slots: the stream cannot finish (and remove the ring) by itself.
    try (FgbgClient c = client(server, true);
        BatchIterator it = c.streamEpoch(epoch().toBuilder().setLimit(400).build())) {
      assertEquals(40, it.next().size());
      assertEquals(1, myRings().size());
      it.close();
      assertEquals(List.of(), myRings(), "a stream closed early never gives its ring back");
    }
  }
}
