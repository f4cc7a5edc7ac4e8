package dev.fgbg.server.admission;

import dev.fgbg.server.status.HeldByCall;
import dev.fgbg.server.transport.ClientIdentity;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthGrpc;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the health calls open at once, per client (peer address, {@link ClientIdentity#address};
 * health asks no token) and over the server, Watches and Checks in pools of their own: a Watch
 * stream never ends by itself and costs the server about 1.5 KB of heap for some 100 bytes
 * sent, so a peer with no token opening them by the ten thousand on each of many connections
 * ran the server out of memory; and Watches filling every place must not refuse the kubelet's
 * or load balancer's Checks (pods restarted). A call over either cap of its pool ends
 * RESOURCE_EXHAUSTED naming it. A Check counts while it waits for its request (a peer could
 * hold those open too); a probe's Check ends in microseconds.
 */
public final class HealthCaps implements ServerInterceptor {
  /** Calls of each kind one client may hold open: far more than a prober or balancer needs. */
  public static final int PER_CLIENT = 64;
  /** Calls of each kind the server holds open at once (Watches: about 1.5 MB of heap). */
  public static final int TOTAL = 1024;
  private static final String WATCH = HealthGrpc.getWatchMethod().getFullMethodName();

  private final Pool watches = new Pool("health Watch streams open", "end some Watch "
      + "streams before opening more");
  private final Pool checks = new Pool("health Checks waiting for their request",
      "send each Check's request, or end them");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String client = ClientIdentity.address(call.getAttributes()
        .get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    Pool pool = call.getMethodDescriptor().getFullMethodName().equals(WATCH) ? watches : checks;
    String refusal = pool.take(client);
    if (refusal != null) {
      call.close(Status.RESOURCE_EXHAUSTED.withDescription(refusal), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return HeldByCall.start(call, headers, next, () -> pool.release(client));
  }

  /** The places of one kind of health call, per client and over the server. */
  private static final class Pool {
    private final Map<String, Integer> open = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final String what;
    private final String remedy;

    Pool(String what, String remedy) {
      this.what = what;
      this.remedy = remedy;
    }

    /** Counts a call of {@code client}: null, or the words of the cap it would pass. */
    String take(String client) {
      if (total.incrementAndGet() > TOTAL) {
        total.decrementAndGet();
        return "the server has " + TOTAL + " " + what + ", the most it holds at once: "
            + remedy;
      }
      int[] now = new int[1];
      open.compute(client, (c, n) -> {
        now[0] = n == null ? 1 : n + 1;
        return now[0] > PER_CLIENT ? n : (Integer) now[0];
      });
      if (now[0] > PER_CLIENT) {
        total.decrementAndGet();
        return "client " + client + " has " + PER_CLIENT + " " + what + ", the most one "
            + "client may: " + remedy;
      }
      return null;
    }

    void release(String client) {
      open.computeIfPresent(client, (c, n) -> n <= 1 ? null : n - 1);
      total.decrementAndGet();
    }
  }
}
