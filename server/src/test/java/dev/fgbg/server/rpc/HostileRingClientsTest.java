package dev.fgbg.server.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.fgbg.common.RingFormat;
import dev.fgbg.common.SampleDigest;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.shm.RingOffer;
import dev.fgbg.core.shm.TestRings;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.Output;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.SharedMemoryOffer;
import dev.fgbg.v1.SharedMemorySlot;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that break their shared-memory ring under a real server on loopback: shrink it, write
 * garbage into its state words, unlink or replace it, never free a slot. Each such stream ends
 * with a status naming the problem (or goes on, where nothing is wrong for the server), the
 * server gives back its slot, its budget and its ring, no server thread is hurt, and nothing
 * is logged as a warning or with a stack trace.
 */
class HostileRingClientsTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir
  static Path rings;
  private static TestServer server;
  private final List<LogRecord> loud = new ArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord r) {
      if (r.getLevel().intValue() >= Level.WARNING.intValue() || r.getThrown() != null) {
        synchronized (loud) {
          loud.add(r);
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeAll
  static void start() {
    server = TestServer.netty(TestDatasets.registry(), TestServer.options(2).window(4)
        .ringDirectory(rings).build());
  }

  @AfterAll
  static void stop() throws InterruptedException {
    server.close();
  }

  @BeforeEach
  void listen() {
    Logger.getLogger("").addHandler(handler);
  }

  @AfterEach
  void quietAndHoldingNothing() throws Exception {
    Logger.getLogger("").removeHandler(handler);
    synchronized (loud) {
      assertEquals(List.of(), loud.stream().map(r -> r.getLevel() + " " + r.getMessage() + " "
          + r.getThrown()).toList(), "nothing loud in the log");
    }
    StreamStats stats = server.server().stats();
    assertTrue(stats.await(() -> server.server().streams().count() == 0, WAIT),
        "every stream was closed on the server");
    // A GetSamples reply sent over the network holds its bytes until the transport says the
    // call closed, which may come a moment after the client has the reply (18,432 bytes, three
    // tiny samples, were still held once on a fast machine).
    assertTrue(stats.await(() -> server.server().budget().used() == 0, WAIT),
        "every byte came back: " + server.server().budget().used() + " still in use");
    // Still serving, with the same bytes.
    assertEquals(FgbgServiceTest.digest(list(stub().streamEpoch(epoch(70).build()))),
        ringDigest(epoch(70), "after"));
  }

  private static FgbgGrpc.FgbgBlockingStub stub() {
    return FgbgGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  private static StreamEpochRequest.Builder epoch(int limit) {
    return StreamEpochRequest.newBuilder().setDataset("tiny").setSeed(11).setEpoch(2)
        .setShuffle(true).setBatchSize(7).setLimit(limit);
  }

  private static List<SampleBatch> list(Iterator<SampleBatch> it) {
    List<SampleBatch> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  /** Slot bytes of 7 tiny samples (32×32 image, mask, float16 depth). */
  private static final long SLOT = RingFormat.slotBytes(7 * 3072, 7 * 1024, 7 * 2048);

  private static SharedMemoryOffer offer(RingOffer r) {
    return SharedMemoryOffer.newBuilder().setPath(r.path().toString()).setSlots(r.slots())
        .setSlotBytes(r.slotBytes()).setNonce(ByteString.copyFrom(r.nonce())).setSlot(-1)
        .build();
  }

  /** Reads a ring batch's samples into {@code d} from the client's file and frees its slot. */
  private static void take(SampleDigest d, FileChannel ch, SampleBatch b) throws IOException {
    take(d, ch, SLOT, b);
  }

  private static void take(SampleDigest d, FileChannel ch, long slotBytes, SampleBatch b)
      throws IOException {
    SharedMemorySlot at = b.getSharedMemory();
    int slot = at.getSlot();
    d.add(b.getIndicesList(), bytes(ch, slotBytes, slot, at.getImagesOffset(),
        at.getImagesLength()), bytes(ch, slotBytes, slot, at.getMasksOffset(),
        at.getMasksLength()), bytes(ch, slotBytes, slot, at.getDepthOffset(),
        at.getDepthLength()));
    TestRings.free(ch, slot);
  }

  private static ByteString bytes(FileChannel ch, long slotBytes, int slot, long offset,
      long length) throws IOException {
    return ByteString.copyFrom(TestRings.read(ch, slotBytes, slot, offset, (int) length));
  }

  /** The digest of {@code request} streamed through a fresh, well-kept ring. */
  private static String ringDigest(StreamEpochRequest.Builder request, String name)
      throws IOException {
    RingOffer r = TestRings.create(rings, name + System.nanoTime(), 3, SLOT);
    SampleDigest d = new SampleDigest();
    try (FileChannel ch = TestRings.open(r)) {
      Iterator<SampleBatch> it = stub().streamEpoch(request.setSharedMemory(offer(r)).build());
      while (it.hasNext()) {
        take(d, ch, it.next());
      }
    }
    return d.hex();
  }

  private static StatusRuntimeException readUntilItEnds(Iterator<SampleBatch> it, FileChannel ch)
      throws IOException {
    return readUntilItEnds(it, ch, SLOT);
  }

  private static StatusRuntimeException readUntilItEnds(Iterator<SampleBatch> it, FileChannel ch,
      long slotBytes) throws IOException {
    SampleDigest ignored = new SampleDigest();
    try {
      while (it.hasNext()) {
        take(ignored, ch, slotBytes, it.next());
      }
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the stream ended normally");
  }

  @Test
  void aRingShrunkMidStreamEndsThatStreamNamingItAndFreesEverything() throws Exception {
    for (int round = 0; round < 4; round++) {
      RingOffer r = TestRings.create(rings, "shrunk" + round, 3, SLOT);
      try (FileChannel ch = TestRings.open(r)) {
        Iterator<SampleBatch> it = stub().streamEpoch(epoch(700).setSharedMemory(offer(r))
            .build());
        SampleDigest d = new SampleDigest();
        for (int k = 0; k <= round; k++) {
          take(d, ch, it.next());
        }
        ch.truncate(4096); // to the header page
        StatusRuntimeException e = readUntilItEnds(it, ch);
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.toString());
        assertTrue(e.getStatus().getDescription().contains("shrank"), e.toString());
      }
      StreamStats stats = server.server().stats();
      assertTrue(stats.await(() -> !Files.exists(r.path()), WAIT), "its ring was removed");
    }
  }

  @Test
  void aRingShrunkWhileTheServerCopiesIntoItEndsCleanlyToo() throws Exception {
    // The built-in world's masks: an epoch long enough for the shrink to land mid-stream.
    long slot = RingFormat.slotBytes(0, 7 * 224 * 224, 0);
    for (int round = 0; round < 6; round++) {
      RingOffer r = TestRings.create(rings, "race" + round, 3, slot);
      try (FileChannel ch = TestRings.open(r)) {
        Iterator<SampleBatch> it = stub().streamEpoch(epoch(70_000).setDataset("builtin")
            .addOutputs(Output.OUTPUT_MASK).setSharedMemory(offer(r)).build());
        // The ring is accepted (a shrink before the handshake is only a refused ring, and the
        // stream would go on over the network), then shrunk a moment later.
        SampleBatch first = it.next();
        assertTrue(first.hasSharedMemory(), "the ring was accepted");
        take(new SampleDigest(), ch, slot, first);
        long delay = 1 + round * 3;
        Thread shrink = new Thread(() -> {
          try {
            TimeUnit.MILLISECONDS.sleep(delay); // a moment mid-stream, whatever the server does
            ch.truncate(0);
          } catch (InterruptedException | IOException e) {
            Thread.currentThread().interrupt();
          }
        });
        shrink.start();
        StatusRuntimeException e = readUntilItEnds(it, ch, slot);
        shrink.join();
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.toString());
      }
    }
  }

  @Test
  void aStateWordWithGarbageEndsTheStreamNamingIt() throws Exception {
    RingOffer r = TestRings.create(rings, "garbage", 3, SLOT);
    try (FileChannel ch = TestRings.open(r)) {
      Iterator<SampleBatch> it = stub().streamEpoch(epoch(700).setSharedMemory(offer(r))
          .build());
      SampleDigest d = new SampleDigest();
      take(d, ch, it.next());
      take(d, ch, it.next());
      SampleBatch third = it.next(); // its slot is not freed: garbage is written there instead
      ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 7),
          RingFormat.stateOffset(third.getSharedMemory().getSlot()));
      StatusRuntimeException e = readUntilItEnds(it, ch);
      assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.toString());
      assertTrue(e.getStatus().getDescription().contains("holds 7"), e.toString());
    }
  }

  @Test
  void aRingUnlinkedOrReplacedMidStreamDeliversEverythingAndTheReplacementStays()
      throws Exception {
    String want = FgbgServiceTest.digest(list(stub().streamEpoch(epoch(140).build())));
    for (boolean replace : new boolean[] {false, true}) {
      RingOffer r = TestRings.create(rings, "unlinked" + replace, 3, SLOT);
      SampleDigest d = new SampleDigest();
      try (FileChannel ch = TestRings.open(r)) {
        Iterator<SampleBatch> it = stub().streamEpoch(epoch(140).setSharedMemory(offer(r))
            .build());
        take(d, ch, it.next());
        Files.delete(r.path());
        if (replace) {
          Files.writeString(r.path(), "the client's other file");
        }
        while (it.hasNext()) {
          take(d, ch, it.next());
        }
      }
      assertEquals(want, d.hex(), "the server wrote on into the file it had accepted");
      assertEquals(replace, Files.exists(r.path()), "a replacement is the client's");
    }
  }

  @Test
  void slotsNeverFreedHoldTheRingUntilTheDeadlineThenEverythingComesBack() throws Exception {
    RingOffer r = TestRings.create(rings, "held", 3, SLOT);
    try (FileChannel ch = TestRings.open(r)) {
      Iterator<SampleBatch> it = FgbgGrpc.newBlockingStub(server.channel())
          .withDeadlineAfter(3, TimeUnit.SECONDS).streamEpoch(epoch(700)
              .setSharedMemory(offer(r)).build());
      for (int k = 0; k < 3; k++) {
        it.next(); // and never freed
      }
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, it::next);
      assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
    }
    StreamStats stats = server.server().stats();
    assertTrue(stats.await(() -> !Files.exists(r.path()), WAIT), "its ring was removed");
  }

  @Test
  void getSamplesIntoARingThatShrankSinceTheLastCallFallsBackSayingWhy() throws Exception {
    GetSamplesRequest.Builder req = GetSamplesRequest.newBuilder().setDataset("tiny").setSeed(4)
        .addIndices(3).addIndices(0).addIndices(9);
    SampleBatch plain = stub().getSamples(req.build());
    RingOffer r = TestRings.create(rings, "get", 2, SLOT);
    try (FileChannel ch = TestRings.open(r)) {
      SharedMemoryOffer.Builder o = offer(r).toBuilder();
      SampleBatch first = stub().getSamples(req.setSharedMemory(o.setSlot(0)).build());
      assertTrue(first.hasSharedMemory());
      ch.truncate(4096);
      SampleBatch second = stub().getSamples(req.setSharedMemory(o.setSlot(1)).build());
      assertFalse(second.hasSharedMemory());
      assertTrue(second.getSharedMemoryRefused().contains("4096 bytes"),
          second.getSharedMemoryRefused());
      assertEquals(plain.getImages(), second.getImages());
    }
  }
}
