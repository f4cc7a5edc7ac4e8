package dev.fgbg.server.stop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.TestServer;
import dev.fgbg.server.rpc.FgbgServer;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A health Watch (a Kubernetes probe, a load balancer) does not hold a stopping server for its
 * grace: over real Netty on loopback, the watcher hears NOT_SERVING and the server stops soon.
 */
@ExtendWith(LogCapture.Clean.class)
class HealthShutdownTest {
  private static final Duration GRACE = Duration.ofSeconds(30);

  @Test
  void watchersHearNotServingAndDoNotDelayTheStop() throws Exception {
    TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(1)
        .shutdownGrace(GRACE).build());
    ManagedChannel watching = Grpc.newChannelBuilder("127.0.0.1:" + s.server().port(),
        InsecureChannelCredentials.create()).build();
    try {
      List<ServingStatus> heard = new CopyOnWriteArrayList<>();
      // One count per watcher: the stop comes once both hear SERVING (else the second Watch
      // may not have reached the server), and the asserts once both have ended (else the
      // second's NOT_SERVING may still be on its way when the first ends).
      List<String> services = List.of("", FgbgServer.SERVICE_NAME);
      CountDownLatch serving = new CountDownLatch(services.size());
      CountDownLatch ended = new CountDownLatch(services.size());
      for (String service : services) {
        HealthGrpc.newStub(watching).watch(HealthCheckRequest.newBuilder().setService(service)
            .build(), new StreamObserver<>() {
              @Override
              public void onNext(HealthCheckResponse r) {
                heard.add(r.getStatus());
                if (r.getStatus() == ServingStatus.SERVING) {
                  serving.countDown();
                }
              }

              @Override
              public void onError(Throwable t) {
                ended.countDown();
              }

              @Override
              public void onCompleted() {
                ended.countDown();
              }
            });
      }
      assertTrue(serving.await(30, TimeUnit.SECONDS), heard.toString());
      long start = System.nanoTime();
      s.close(); // stops the server with its 30 s grace
      long took = System.nanoTime() - start;
      assertTrue(ended.await(10, TimeUnit.SECONDS), "both Watches ended");
      assertTrue(took < TimeUnit.SECONDS.toNanos(10), "the stop took " + took / 1e9 + " s of "
          + "a " + GRACE.toSeconds() + " s grace");
      assertEquals(ServingStatus.NOT_SERVING, heard.get(heard.size() - 1), heard.toString());
      assertTrue(heard.stream().filter(h -> h == ServingStatus.NOT_SERVING).count() >= 2,
          "each watcher heard NOT_SERVING: " + heard);
    } finally {
      watching.shutdownNow();
      s.close();
    }
  }
}
