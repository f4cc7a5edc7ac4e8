package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.DatasetInfo;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ConnectBound} on a real connection: a relay of a real server that answers slowly (a
 * cold depth batch, an admission wait) is no silent socket. grpc-java's call has its remote
 * address only once response headers came, and an fgbg server sends them with the first
 * message: before, a stream whose first batch took longer than the client's deadline was
 * cancelled as "sent no HTTP/2 settings". SilentTargetTest keeps the silent socket's end.
 */
class ConnectBoundTest {
  private static final Duration DELAY = Duration.ofSeconds(3);
  private static TestServer backend;
  private static Server slow;
  /** Counted down as the relay's Describe is called; it answers once {@link #answer} is. */
  private static final CountDownLatch describing = new CountDownLatch(1);
  private static final CountDownLatch answer = new CountDownLatch(1);

  @BeforeAll
  static void start() throws Exception {
    backend = TestServer.netty(TestDatasets.registry(), 2);
    // Passes the backend's replies on once DELAY passed.
    slow = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(new FgbgGrpc.FgbgImplBase() {
          @Override
          public void streamEpoch(StreamEpochRequest request,
              StreamObserver<SampleBatch> response) {
            sleep();
            FgbgGrpc.newBlockingStub(backend.channel()).withDeadlineAfter(60, TimeUnit.SECONDS)
                .streamEpoch(request).forEachRemaining(response::onNext);
            response.onCompleted();
          }

          @Override
          public void describe(DescribeRequest request, StreamObserver<DatasetInfo> response) {
            describing.countDown();
            try {
              answer.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            response.onNext(FgbgGrpc.newBlockingStub(backend.channel()).describe(request));
            response.onCompleted();
          }
        }).build().start();
  }

  private static void sleep() {
    try {
      Thread.sleep(DELAY.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    slow.shutdownNow();
    backend.close();
  }

  private static StreamEpochRequest request() {
    return StreamEpochRequest.newBuilder().setDataset("tiny").setBatchSize(8).setLimit(40)
        .setRank(0).setWorldSize(1).build();
  }

  @Test
  @Timeout(60)
  void aStreamWhoseFirstBatchComesAfterTheDeadlineOnAConnectionIsNotCut() {
    try (FgbgClient c = FgbgClient.builder().target("127.0.0.1:" + slow.getPort())
        .deadline(Duration.ofSeconds(1)).sharedMemory(false).build();
         BatchIterator it = c.streamEpoch(request())) {
      long samples = 0;
      while (it.hasNext()) { // before: UNAVAILABLE "... sent no HTTP/2 settings within 1 s"
        samples += it.next().size();
      }
      assertEquals(40, samples);
    }
  }

  @Test
  @Timeout(60)
  void aUnaryCallWithTheDefaultDeadlineHasNoCheck() throws Exception {
    try (FgbgClient c = FgbgClient.builder().target("127.0.0.1:" + slow.getPort())
        .sharedMemory(false).build()) {
      CompletableFuture<DatasetInfo> info = CompletableFuture.supplyAsync(
          () -> c.describe("tiny"));
      try {
        describing.await();
        // Before: each unary call of a 30 s deadline had a check, held 20 s with its reply.
        assertEquals(0, ConnectBound.TIMER.getQueue().size(), "checks of a Describe under way");
      } finally {
        answer.countDown();
      }
      assertEquals("tiny", info.get().getName());
    }
  }

  @Test
  void aCallEndedWithinItsStartLeavesNoCheckBehind() throws Exception {
    String target = "127.0.0.1:" + backend.server().port();
    // A direct executor runs the end of a call whose context is cancelled within its start.
    ManagedChannel managed = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create())
        .directExecutor().build();
    try {
      Channel channel = ClientInterceptors.intercept(managed,
          new ConnectBound(target, Duration.ofSeconds(30)));
      // A first call resolves the target: a call before that is held, and starts later.
      FgbgGrpc.newBlockingStub(channel).describe(DescribeRequest.newBuilder()
          .setDataset("tiny").build());
      CompletableFuture<Status> end = new CompletableFuture<>();
      Context.CancellableContext context = Context.current().withCancellation();
      context.cancel(null);
      context.run(() -> FgbgGrpc.newStub(channel).streamEpoch(request(),
          new StreamObserver<>() {
            @Override
            public void onNext(SampleBatch batch) {}

            @Override
            public void onError(Throwable t) {
              end.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
              end.complete(Status.OK);
            }
          }));
      assertEquals(Status.Code.CANCELLED, end.get(10, TimeUnit.SECONDS).getCode());
      // Before: the check was scheduled after the start, past the end that cancels it.
      assertTrue(ConnectBound.TIMER.getQueue().isEmpty(), "checks left: "
          + ConnectBound.TIMER.getQueue().size());
    } finally {
      managed.shutdownNow();
    }
  }
}
