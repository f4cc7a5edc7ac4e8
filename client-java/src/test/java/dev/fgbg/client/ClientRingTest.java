package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.common.RingFormat;
import dev.fgbg.common.SampleDigest;
import dev.fgbg.core.LogLines;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.TestServer;
import dev.fgbg.server.admission.LoadOptions;
import dev.fgbg.server.rpc.StreamStats;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
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
    long accepted = stats.snapshot().ringsAccepted();
    String network;
    try (FgbgClient plain = client(server, false)) {
      network = digest(plain);
    }
    assertEquals(accepted, stats.snapshot().ringsAccepted(), "sharedMemory(false) offers nothing");
    try (FgbgClient c = client(server, null)) {
      assertEquals(network, digest(c));
    }
    assertEquals(accepted + 1, stats.snapshot().ringsAccepted());
    assertEquals(List.of(), myRings());
  }

  @Test
  void aStreamThatEndsKeepsItsRingForTheClientsNextStream() throws Exception {
    String network;
    try (FgbgClient plain = client(server, false)) {
      network = digest(plain);
    }
    StreamStats stats = server.server().stats();
    long accepted = stats.snapshot().ringsAccepted();
    try (FgbgClient c = client(server, true)) {
      assertEquals(network, digest(c));
      List<Path> first = myRings();
      assertEquals(1, first.size(), "kept after the stream");
      assertEquals(network, digest(c));
      assertEquals(network, digest(c));
      assertEquals(first, myRings(), "the same ring carried every stream");
      assertEquals(accepted + 3, stats.snapshot().ringsAccepted());
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
    long refused = off.server().stats().snapshot().ringsRefused();
    try (FgbgClient c = client(off, null)) {
      assertEquals(network, digest(c));
    }
    assertEquals(refused + 1, off.server().stats().snapshot().ringsRefused());
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

  @Test
  void anotherThreadMayCloseAStreamWhileItsReaderCopiesOutOfTheRing() throws Exception {
    // The JVM died (SIGSEGV in the copy) when close() unmapped the ring under the reader.
    // Batches of 1024 small samples: the reader spends most of its time copying.
    StreamEpochRequest big = StreamEpochRequest.newBuilder().setDataset("builtin").setSeed(5)
        .setBatchSize(1024).setLimit(40_960).build();
    try (ServerProcess small = new ServerProcess(List.of("--builtin-size", "64",
        "--builtin-counts", "10:10"));
        FgbgClient c = FgbgClient.builder().target(small.target()).sharedMemory(true).build()) {
      for (int round = 0; round < 24; round++) {
        BatchIterator it = c.streamEpoch(big);
        AtomicLong read = new AtomicLong();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread reader = new Thread(() -> {
          try {
            while (it.hasNext()) {
              read.addAndGet(it.next().size());
            }
          } catch (Throwable t) {
            failed.set(t);
          }
        });
        reader.start();
        Thread.sleep(20 + 13 * round);
        it.close();
        reader.join(30_000);
        assertFalse(reader.isAlive(), "the reader saw the end");
        assertNull(failed.get(), "a close is the end of the stream, not an error");
        assertFalse(it.hasNext());
      }
    }
    assertEquals(List.of(), myRings());
  }

  @Test
  void nextPastTheEndOrAfterACloseSaysWhichItWas() {
    // Both threw NoSuchElementException with no message at all.
    String ended = "no next batch: the stream ended: every batch was read (hasNext() answers "
        + "false)";
    try (FgbgClient c = client(server, false)) {
      BatchIterator whole = c.streamEpoch(epoch());
      whole.forEachRemaining(b -> { });
      assertEquals(ended, assertThrows(NoSuchElementException.class, whole::next).getMessage());
      BatchIterator cut = c.streamEpoch(epoch());
      assertEquals(40, cut.next().size());
      cut.close();
      assertEquals("no next batch: this BatchIterator was closed (by its close() or its "
          + "FgbgClient's)", assertThrows(NoSuchElementException.class, cut::next).getMessage());
    }
    try (FgbgReplicas replicas = FgbgReplicas.connect("localhost:" + server.server().port())) {
      FailoverBatchIterator whole = replicas.streamEpoch(epoch());
      whole.forEachRemaining(b -> { });
      assertEquals(ended, assertThrows(NoSuchElementException.class, whole::next).getMessage());
      FailoverBatchIterator cut = replicas.streamEpoch(epoch());
      assertEquals(40, cut.next().size());
      cut.close();
      assertEquals("no next batch: this FailoverBatchIterator was closed",
          assertThrows(NoSuchElementException.class, cut::next).getMessage());
    }
  }

  @Test
  void closingTheClientClosesItsOpenStreamsAndRefusesNewCalls() throws Exception {
    FgbgClient c = client(server, true);
    BatchIterator open = c.streamEpoch(epoch().toBuilder().setLimit(400).build());
    assertEquals(40, open.next().size());
    assertEquals(1, myRings().size());
    c.close();
    assertEquals(List.of(), myRings(), "the open stream's ring is removed with the client");
    assertFalse(open.hasNext());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> c.streamEpoch(epoch()));
    assertEquals("this FgbgClient is closed", e.getMessage());
    assertEquals(List.of(), myRings(), "a closed client makes no ring");
    assertThrows(IllegalStateException.class, () -> c.describe("builtin"));
  }

  @Test
  void aClientNeverClosedHasItsRingsRemovedWhenItsJvmExits() throws Exception {
    // A program that ended without closing its client left the ring it kept in /dev/shm. The
    // server sweeps rings of dead clients only when it starts: only the exiting JVM removes it.
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"),
        UnclosedClient.class.getName(), "localhost:" + server.server().port())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    List<Path> rings = out.lines().filter(l -> l.startsWith("ring "))
        .map(l -> Path.of(l.substring(5))).toList();
    assertTrue(out.contains("samples 200"), out);
    assertEquals(1, rings.size(), "the ring it kept for its next stream: " + out);
    assertFalse(Files.exists(rings.get(0)), "the ring went with the JVM");
  }

  @Test
  void idleRingStreamsOfOneClientLeaveRoomForANewcomer() throws Exception {
    // Rings cannot give their bytes back while their streams last: a client whose ring streams
    // stopped reading once held the whole budget, and a newcomer's GetSamples waited for ever.
    StreamEpochRequest small = StreamEpochRequest.newBuilder().setDataset("builtin").setSeed(9)
        .setBatchSize(16).build();
    long ring;
    try (FgbgClient probe = client(server, false)) {
      ring = RingFormat.HEADER_BYTES + ClientRings.SLOTS * ClientRing.rounded(
          RingChoice.slotBytes(probe.describe("builtin"), small));
    }
    LoadOptions load = LoadOptions.builder().memoryBudgetBytes(6 * ring + (1 << 20))
        .maxStreams(100).maxStreamsPerClient(100).build();
    List<FgbgClient> hogs = new ArrayList<>();
    List<BatchIterator> stalled = new ArrayList<>(); // kept: a dropped one would be cleaned
    try (TestServer tight = TestServer.netty(TestDatasets.registry(),
        TestServer.options(2).load(load).build())) {
      long accepted = tight.server().stats().snapshot().ringsAccepted();
      for (int i = 0; i < 10; i++) {
        FgbgClient hog = client(tight, true);
        hogs.add(hog);
        BatchIterator it = hog.streamEpoch(small.toBuilder().setEpoch(i).build());
        stalled.add(it);
        assertEquals(16, it.next().size()); // and then it reads no more
      }
      assertEquals(4, tight.server().stats().snapshot().ringsAccepted() - accepted,
          "rings hold at most three quarters of the budget");
      try (FgbgClient newcomer = FgbgClient.builder().target("localhost:"
          + tight.server().port()).sharedMemory(false).deadline(Duration.ofSeconds(20))
          .streamDeadline(Duration.ofSeconds(60)).build()) {
        assertEquals(8, newcomer.getSamples("builtin", 0, 0, 1, 2, 3, 4, 5, 6, 7).size());
        long samples = 0;
        try (BatchIterator it = newcomer.streamEpoch(small.toBuilder().setBatchSize(64)
            .setLimit(640).build())) {
          while (it.hasNext()) {
            samples += it.next().size();
          }
        }
        assertEquals(640, samples);
      }
    } finally {
      hogs.forEach(FgbgClient::close);
    }
    assertEquals(List.of(), myRings());
  }

  @Test
  void aRingWithoutRoomForItsPagesIsRefusedSayingWhere() throws Exception {
    // /dev/full answers every write with ENOSPC, as a full /dev/shm does; before, the sparse
    // ring was offered and the server failed the stream at its first write to a missing page.
    try (FileChannel full = FileChannel.open(Path.of("/dev/full"), StandardOpenOption.WRITE)) {
      IOException e = assertThrows(IOException.class, () -> ClientRing.allocate(full, 3 << 20));
      assertTrue(e.getMessage().startsWith("/dev/shm has no room for a ring of 3.0 MiB ("),
          e.getMessage());
    }
  }

  @Test
  void aRefusedRingIsRemovedAtTheRefusalNotAtTheStreamsEnd() throws Exception {
    // The refused ring stayed in /dev/shm for the whole network-path stream.
    try (FgbgClient c = client(off, true);
        BatchIterator it = c.streamEpoch(epoch().toBuilder().setLimit(400).build())) {
      assertEquals(40, it.next().size());
      assertEquals(List.of(), myRings(), "removed while the stream goes on over the network");
      long samples = 40;
      while (it.hasNext()) {
        samples += it.next().size();
      }
      assertEquals(400, samples);
    }
  }

  /** Starts {@code n} streams, reads a batch of each and drops them unclosed. */
  private static void dropUnclosed(FgbgClient c, int n) {
    for (int i = 0; i < n; i++) {
      BatchIterator it = c.streamEpoch(epoch().toBuilder().setEpoch(i).setLimit(400).build());
      assertEquals(40, it.next().size());
    }
  }

  @Test
  void aStreamDroppedUnclosedIsCancelledAndItsRingRemovedOnceUnreachable() throws Exception {
    // It held its server stream and its ring in /dev/shm until the JVM exited.
    StreamStats stats = server.server().stats();
    try (LogLines logged = LogLines.capture(BatchIterator.class.getName());
         FgbgClient c = client(server, true)) {
      long cancelled = stats.snapshot().streamsCancelled();
      long accepted = stats.snapshot().ringsAccepted();
      dropUnclosed(c, 3);
      assertEquals(accepted + 3, stats.snapshot().ringsAccepted(),
          "each through a ring of its own");
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      boolean gone = false;
      while (!gone && System.nanoTime() < end) {
        System.gc();
        gone = stats.await(() -> stats.snapshot().streamsCancelled() >= cancelled + 3 && noRings(),
            Duration.ofMillis(200));
      }
      assertTrue(gone,
          "server streams cancelled: " + (stats.snapshot().streamsCancelled() - cancelled)
          + " of 3; rings left: " + myRings());
      List<String> warned = logged.containing("without being closed").stream()
          .filter(l -> l.startsWith("WARNING ")).toList();
      assertEquals(1, warned.size(), "said once per client: " + warned);
      assertTrue(warned.get(0).contains("close it (try-with-resources)"), warned.get(0));
      assertFalse(c.listDatasets().isEmpty(), "the client goes on");
    }
  }

  private static boolean noRings() {
    try {
      return myRings().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theNetworkPathIsSaidOncePerClientNamingWhy() throws Exception {
    // It was said at FINE only: a trainer never learned why its batches did not use a ring.
    List<String> said;
    // The CLI's tests, in this JVM, quiet the client's loggers to WARNING (as the CLI does).
    Logger log = Logger.getLogger(BatchIterator.class.getName());
    Level was = log.getLevel();
    log.setLevel(Level.INFO);
    try (LogLines logged = LogLines.capture(BatchIterator.class.getName());
         FgbgClient c = client(server, false)) {
      digest(c);
      digest(c);
      said = logged.lines();
    } finally {
      log.setLevel(was);
    }
    assertEquals(List.of("INFO fgbg StreamEpoch: batches over the network (shared memory off: "
        + "sharedMemory(false))"), said);
  }

  @Test
  void theSharedMemoryPathIsSaidOncePerClient() throws Exception {
    // It was an INFO line (two in JUL's default format) for every stream: a trainer's epochs.
    List<String> said;
    try (LogLines logged = LogLines.capture(BatchIterator.class.getName());
         FgbgClient c = client(server, true)) {
      digest(c);
      digest(c);
      said = logged.containing("batches through shared memory");
    }
    assertEquals(1, said.size(), "said once per client: " + said);
    assertTrue(said.get(0).startsWith("INFO fgbg StreamEpoch: batches through shared memory ("),
        said.get(0));
  }
}
