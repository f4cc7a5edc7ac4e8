package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fgbg.v1.StreamEpochRequest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.function.Function;

/**
 * A loopback port whose connections the kernel completes and nothing ever accepts or answers,
 * and the failover from it as a first replica: what {@link SilentTargetTest} and
 * {@link HungReplicaTest} share.
 */
final class SilentPort {
  private SilentPort() {}

  static ServerSocket open() throws Exception {
    return new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
  }

  /**
   * Streams {@code request} (rank 0 of 1, with a limit) from a silent home replica, then
   * {@code live}: the silent one is passed over once, and every sample comes from the next.
   */
  static void passedOver(ServerProcess live, Function<String, FgbgClient> clients,
      StreamEpochRequest request) throws Exception {
    try (ServerSocket silent = open()) {
      String targets = "127.0.0.1:" + silent.getLocalPort() + "," + live.target();
      String fingerprint; // given: the job's Describe would remember the silent one first
      try (FgbgClient c = FgbgClient.builder().target(live.target()).build()) {
        fingerprint = c.describe(request.getDataset()).getFingerprint();
      }
      try (FgbgReplicas replicas = FgbgReplicas.connect(targets, clients);
           FailoverBatchIterator it = replicas.streamEpoch(request, fingerprint)) {
        assertEquals(0, it.replica(), "rank 0's home replica: the silent one");
        long samples = 0;
        while (it.hasNext()) {
          samples += it.next().size();
        }
        assertEquals(request.getLimit(), samples);
        assertEquals(1, it.replica());
        assertEquals(1, it.failovers());
      }
    }
  }
}
