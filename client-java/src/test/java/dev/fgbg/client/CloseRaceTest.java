package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.StreamEpochRequest;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** A stream closed by another thread (its own close or its client's) while its reader reads. */
class CloseRaceTest {
  @Test
  void aCloseBetweenAMessageAndItsCopyOutOfTheRingSaysClosedNotEveryBatchWasRead()
      throws Exception {
    // Closed after the reader took a shared-memory message but before it copied the slot out,
    // the ring was gone, and the iterator said "the stream ended: every batch was read" (a
    // watchdog's close seen as a whole epoch, about 1 in 8). The path's INFO line is logged
    // between the two: there a watchdog thread closes it, deterministically.
    AtomicReference<BatchIterator> reading = new AtomicReference<>();
    Handler watchdog = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getMessage().contains("batches through shared memory")) {
          Thread t = new Thread(() -> reading.get().close(), "watchdog");
          t.start();
          try {
            t.join();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }

      @Override
      public void flush() { }

      @Override
      public void close() { }
    };
    Logger log = Logger.getLogger(BatchIterator.class.getName());
    Level was = log.getLevel();
    log.setLevel(Level.INFO); // the CLI's tests, in this JVM, quiet it to WARNING
    log.addHandler(watchdog);
    try (TestServer server = TestServer.netty(TestDatasets.registry(), 2);
         FgbgClient c = FgbgClient.builder().target("localhost:" + server.server().port())
             .sharedMemory(true).build()) {
      BatchIterator it = c.streamEpoch(StreamEpochRequest.newBuilder().setDataset("builtin")
          .setSeed(5).setBatchSize(64).setLimit(50000).build());
      reading.set(it);
      assertFalse(it.hasNext());
      assertEquals("no next batch: this BatchIterator was closed (by its close() or its "
          + "FgbgClient's)", assertThrows(NoSuchElementException.class, it::next).getMessage());
    } finally {
      log.removeHandler(watchdog);
      log.setLevel(was);
    }
  }

  @Test
  void aFailoverStreamWhoseReplicasAreClosedMidStreamSaysSoNotEveryBatchWasRead()
      throws Exception {
    // The replicas' close ends their streams quietly, and next() said "the stream ended: every
    // batch was read". Closed by another thread between two batches: deterministic. The stream
    // reads a withReconnect copy: closing either closes the same clients.
    try (TestServer server = TestServer.netty(TestDatasets.registry(), 2);
         FgbgReplicas replicas = FgbgReplicas.of("localhost:" + server.server().port(),
             FgbgClient.builder().target("localhost:" + server.server().port()).build());
         FailoverBatchIterator it = replicas.withReconnect(Duration.ofSeconds(60))
             .streamEpoch(StreamEpochRequest.newBuilder().setDataset("builtin").setSeed(5)
                 .setBatchSize(64).setLimit(50000).build())) {
      assertEquals(0, it.next().batchIndex());
      Thread t = new Thread(replicas::close, "watchdog");
      t.start();
      t.join();
      assertFalse(it.hasNext());
      assertEquals("no next batch: its FgbgReplicas was closed",
          assertThrows(NoSuchElementException.class, it::next).getMessage());
    }
  }
}
