package dev.fgbg.client;

import static dev.fgbg.client.SilentTargetTest.WORLD;
import static dev.fgbg.client.SilentTargetTest.clients;
import static dev.fgbg.client.SilentTargetTest.request;
import static dev.fgbg.client.SilentTargetTest.silent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.common.SampleDigest;
import dev.fgbg.core.LogLines;
import io.grpc.StatusRuntimeException;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A replica whose port accepts connections and never answers (a hung process) is remembered by
 * its {@link FgbgReplicas} for {@link SilentReplicas#REMEMBER}: the next Describes and streams
 * that would start on it ask the other replicas first, so each no longer waits out its bound;
 * it is still asked last, and first again once the time has passed (a fake ticker here).
 */
class RememberedSilentTest {
  private static String stream(FgbgReplicas replicas, int failovers) {
    SampleDigest d = new SampleDigest();
    try (FailoverBatchIterator it = replicas.streamEpoch(request(16))) {
      it.forEachRemaining(b -> d.add(b.indices(), b.images(), b.masks(), b.depth()));
      assertEquals(1, it.replica(), "the answering replica served");
      assertEquals(failovers, it.failovers(), "moves past the silent replica");
    }
    return d.hex();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  @Timeout(120)
  void aSilentReplicaIsAskedLastForAMinuteThenFirstAgain(boolean sharedMemory) throws Exception {
    AtomicLong now = new AtomicLong();
    try (ServerProcess live = new ServerProcess(WORLD); ServerSocket socket = silent()) {
      String hung = "127.0.0.1:" + socket.getLocalPort();
      SampleDigest unbroken = new SampleDigest();
      try (FgbgClient c = FgbgClient.builder().target(live.target()).build();
           BatchIterator it = c.streamEpoch(request(16))) {
        it.forEachRemaining(b -> unbroken.add(b.indices(), b.images(), b.masks(), b.depth()));
      }
      try (LogLines log = LogLines.capture("dev.fgbg.client");
           FgbgReplicas replicas = FgbgReplicas.connect(hung + "," + live.target(),
               clients(sharedMemory), now::get)) {
        // The job's Describe waits out the silent first replica once; rank 0's streams, whose
        // home it is, then start on the other one: before, each waited it out again.
        replicas.fingerprint("builtin");
        assertEquals(unbroken.hex(), stream(replicas, 0));
        assertEquals(unbroken.hex(), stream(replicas, 0));
        assertEquals(List.of("INFO " + SilentReplicas.words(hung)),
            log.containing("passing over"), "said once, not per stream");
        // A minute on, it is asked first again: still silent, passed over and remembered anew.
        now.addAndGet(SilentReplicas.REMEMBER.toNanos());
        assertEquals(unbroken.hex(), stream(replicas, 1));
        assertEquals(unbroken.hex(), stream(replicas, 0));
        // Asked last, not dropped: with the other one down, it is asked, and its words end it.
        live.stop();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
            () -> stream(replicas, 0));
        String said = e.getStatus().getDescription();
        assertTrue(said.contains("within 4 s"), "the silent replica's bound, last: " + said);
      }
    }
  }

  @Test
  void theSilentReplicasGoLastInRingOrderUntilTheyAnswerOrTheMinutePasses() {
    AtomicLong now = new AtomicLong();
    SilentReplicas s = new SilentReplicas(List.of("a:1", "b:1", "c:1"), now::get);
    s.mark(1);
    assertEquals(List.of(0, 2, 1), s.order(0));
    assertEquals(List.of(2, 0, 1), s.order(1));
    s.mark(0);
    assertEquals(List.of(2, 0, 1), s.order(0));
    s.mark(2);
    assertEquals(List.of(1, 2, 0), s.order(1), "every one silent: the ring order");
    s.answered(1);
    assertEquals(List.of(1, 0, 2), s.order(0));
    now.addAndGet(SilentReplicas.REMEMBER.toNanos());
    assertEquals(List.of(0, 1, 2), s.order(0), "a minute on: no longer remembered");
  }
}
