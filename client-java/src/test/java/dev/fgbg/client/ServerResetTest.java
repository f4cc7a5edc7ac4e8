package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.common.SampleDigest;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.StatsRequest;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A server that resets a call mid-way (RST_STREAM, as one whose shutdown grace ran out does)
 * before its deadline: the call ends UNAVAILABLE in words, which failover retries; the client's
 * own cancel stays CANCELLED. The server is a relay to a real one on loopback that resets.
 */
class ServerResetTest {
  private static TestServer backend;
  private static ExecutorService pool;

  @BeforeAll
  static void start() {
    backend = TestServer.netty(TestDatasets.registry(), 2);
    pool = Executors.newCachedThreadPool();
  }

  @AfterAll
  static void stop() throws Exception {
    pool.shutdownNow();
    backend.close();
  }

  private static FgbgClient client(String target) {
    return FgbgClient.builder().target(target).sharedMemory(false).build();
  }

  /** 224x224 samples, 8 a batch: each batch is more than gRPC buffers, so it is mid-way. */
  private static StreamEpochRequest stream(long limit) {
    return StreamEpochRequest.newBuilder().setDataset("builtin").setSeed(5).setShuffle(true)
        .setBatchSize(8).setLimit(limit).build();
  }

  /** Every channel mean of the 400,000 builtin samples: seconds of work, reset long before. */
  private static final StatsRequest ALL = StatsRequest.newBuilder().setDataset("builtin")
      .build();

  @Test
  void aStreamResetBeforeItsDeadlineIsAServerThatWentAway() throws Exception {
    try (ResettingRelay relay = new ResettingRelay(backend.channel());
         FgbgClient c = client(relay.target());
         BatchIterator it = c.streamEpoch(stream(0))) {
      it.next();
      relay.reset();
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> {
        while (it.hasNext()) {
          it.next();
        }
      });
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
      assertEquals(relay.target() + " went away during the call (RST_STREAM closed stream. "
          + "HTTP/2 error code: CANCEL): the server stopped or restarted (its shutdown grace ran "
          + "out under the call), ended it as this client did not read its replies while others "
          + "waited, or a proxy between ended the call; retry once it is back",
          e.getStatus().getDescription());
    }
  }

  @Test
  void aUnaryCallResetBeforeItsDeadlineIsAServerThatWentAway() throws Exception {
    try (ResettingRelay relay = new ResettingRelay(backend.channel());
         FgbgClient c = client(relay.target())) {
      Future<?> stats = pool.submit(() -> c.stats(ALL));
      relay.awaitCall();
      relay.reset();
      StatusRuntimeException e = failure(stats);
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
      assertTrue(e.getStatus().getDescription().startsWith(relay.target() + " went away during "
          + "the call (RST_STREAM closed stream."), e.getStatus().getDescription());
    }
  }

  @Test
  void theClientsOwnCancelStaysCancelled() throws Exception {
    try (ResettingRelay relay = new ResettingRelay(backend.channel());
         FgbgClient c = client(relay.target())) {
      Context.CancellableContext ctx = Context.current().withCancellation();
      Future<?> stats = pool.submit(() -> ctx.call(() -> c.stats(ALL)));
      relay.awaitCall();
      ctx.cancel(null);
      StatusRuntimeException e = failure(stats);
      assertEquals(Status.Code.CANCELLED, e.getStatus().getCode(), e.getStatus().toString());
    }
  }

  @Test
  void failoverRetriesAStreamTheServerReset() throws Exception {
    String direct = "127.0.0.1:" + backend.application().port();
    StreamEpochRequest limited = stream(160);
    SampleDigest unbroken = new SampleDigest();
    try (FgbgClient c = client(direct); BatchIterator it = c.streamEpoch(limited)) {
      it.forEachRemaining(b -> unbroken.add(b.indices(), b.images(), b.masks(), b.depth()));
    }
    try (ResettingRelay relay = new ResettingRelay(backend.channel());
         FgbgReplicas replicas = FgbgReplicas.connect(relay.target() + "," + direct,
             ServerResetTest::client);
         FailoverBatchIterator it = replicas.streamEpoch(limited)) {
      assertEquals(0, it.replica(), "rank 0 starts on the relay");
      SampleDigest resumed = new SampleDigest();
      long next = 0;
      while (it.hasNext()) {
        Batch b = it.next();
        assertEquals(next++, b.batchIndex(), "no batch lost or repeated");
        resumed.add(b.indices(), b.images(), b.masks(), b.depth());
        if (next == 3) {
          relay.reset(); // mid-stream: 24 of the 160 samples delivered
        }
      }
      assertEquals(1, it.failovers(), "the reset was retried on the other replica");
      assertEquals(1, it.replica());
      assertEquals(160, resumed.count());
      assertEquals(unbroken.hex(), resumed.hex(), "the same samples as the unbroken stream");
    }
  }

  private static StatusRuntimeException failure(Future<?> call) throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> call.get(30, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof StatusRuntimeException, String.valueOf(e.getCause()));
    return (StatusRuntimeException) e.getCause();
  }
}
