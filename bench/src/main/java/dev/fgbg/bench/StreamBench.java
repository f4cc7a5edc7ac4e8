package dev.fgbg.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.fgbg.client.Batch;
import dev.fgbg.client.BatchIterator;
import dev.fgbg.client.FgbgClient;
import dev.fgbg.common.SampleDigest;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Starts a server in a separate JVM on a free loopback port and streams the built-in dataset
 * (image + mask + float16 depth, 224×224) to a Java client in this JVM: once per combination of
 * path, access, render threads and idle streams asked for, each with a server of its own, and
 * the ratio of each run's rate to the first run's.
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
    description = "Loopback streaming throughput from a separate server process.")
final class StreamBench implements Callable<Integer> {
  @Option(names = "--samples", description = "Samples to stream after the warm-up. "
      + "Default: 100000.")
  long samples = 100_000;

  @Option(names = "--warmup", description = "Samples streamed first, not counted. Default: 20000.")
  long warmup = 20_000;

  @Option(names = "--batch-size", description = "Default: 64.")
  int batchSize = 64;

  @Option(names = "--shuffle", description = "Shuffled order. Default: true.", negatable = true)
  boolean shuffle = true;

  @Option(names = "--digest", description = "Also compute the stream digest in the client "
      + "(always with --idle-streams, where runs must agree on it).")
  boolean digest;

  @Option(names = "--access", split = ",", description = "How the client connects, one run each "
      + "in this order: plain, tls, token (e.g. plain,tls,token). Default: plain.")
  List<AccessMode> access = List.of(AccessMode.PLAIN);

  @Option(names = "--path", split = ",", description = "How batches travel: ring (a shared-"
      + "memory ring, the Java client's choice on this host: it copies each batch out of its "
      + "slot), ring-views (the ring read in place, as a trainer feeding a GPU or the Python "
      + "client reads it: plain access only) or network (gRPC messages), one run each (e.g. "
      + "ring,ring-views,network). Default: ring.", converter = RouteConverter.class)
  List<Route> paths = List.of(Route.RING);

  @Option(names = "--render-threads", split = ",", description = "The server's render threads "
      + "(--workers), one run each (e.g. 1,2); the server's default when not given.")
  List<Integer> threads = new ArrayList<>();

  @Option(names = "--idle-streams", split = ",", description = "Streams that never read one "
      + "message, opened on another connection before the measured stream, one run each (e.g. "
      + "0,50,200). Default: 0.")
  List<Integer> idle = List.of(0);

  @Mixin
  ServerJar serverJar;

  /** The path batches take. */
  enum Route {
    RING, RING_VIEWS, NETWORK;

    String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** {@code ring-views} as well as {@code RING_VIEWS}. */
  static final class RouteConverter implements CommandLine.ITypeConverter<Route> {
    @Override
    public Route convert(String value) {
      return Route.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
  }

  /** One run's settings, as printed. */
  record Run(Route path, AccessMode access, Integer threads, int idle) {
    String label() {
      return String.join(" ", path.label(),
          access.name().toLowerCase(Locale.ROOT),
          threads == null ? "" : "render-threads=" + threads,
          idle == 0 ? "" : "idle-streams=" + idle).replaceAll(" +", " ").trim();
    }
  }

  /** What a run measured. */
  record Result(double rate, double seconds, String digest) {}

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("fgbg-bench-access");
    List<Run> runs = new ArrayList<>();
    for (Route p : paths) {
      for (AccessMode a : access) {
        for (Integer t : threads.isEmpty() ? Collections.<Integer>singletonList(null)
            : threads) {
          for (int i : idle) {
            runs.add(new Run(p, a, t, i));
          }
        }
      }
    }
    Result first = null;
    for (Run run : runs) {
      Result r = run(run, dir);
      if (r == null) {
        return 2;
      }
      first = first == null ? r : first;
      if (runs.size() == 1) {
        System.out.printf(Locale.ROOT, "samples/s: %.0f%n", r.rate);
        continue;
      }
      System.out.printf(Locale.ROOT, "samples/s %s: %.0f (%.3f of %s)", run.label(), r.rate,
          r.rate / first.rate, runs.get(0).label());
      if (run.idle > 0) {
        System.out.printf(Locale.ROOT, "; %d samples in %.2f s, %.2fx the time of %s; digest %s",
            samples, r.seconds, r.seconds / first.seconds, runs.get(0).label(),
            r.digest.equals(first.digest) ? "the same" : "DIFFERENT: " + r.digest);
      }
      System.out.println();
    }
    return 0;
  }

  /** One server and client; null when there is no server jar. */
  private Result run(Run run, Path dir) throws Exception {
    List<String> extra = new ArrayList<>(run.access.serverArgs(dir));
    if (run.threads != null) {
      extra.addAll(List.of("--workers", run.threads.toString()));
    }
    if ((run.idle > 0 || run.path == Route.RING_VIEWS) && run.access != AccessMode.PLAIN) {
      System.err.println("fgbg bench: error: --idle-streams and ring-views run in plain access"
          + " only");
      return null;
    }
    if (run.idle > 0) {
      String cap = Integer.toString(run.idle + 16);
      extra.addAll(List.of("--max-streams", cap, "--max-streams-per-client", cap));
    }
    serverJar.args.addAll(extra);
    ServerProcess started;
    try {
      started = serverJar.start();
    } finally {
      serverJar.args.subList(serverJar.args.size() - extra.size(), serverJar.args.size())
          .clear();
    }
    if (started == null) {
      return null;
    }
    try (ServerProcess server = started;
        FgbgClient client = run.access.client(FgbgClient.builder(), dir)
            .sharedMemory(run.path == Route.RING).streamDeadline(Duration.ofHours(1))
            .target("localhost:" + server.port()).build();
        Views views = new Views(run.path == Route.RING_VIEWS, server.port())) {
      Streamer c = views.on ? views : client::streamEpoch;
      stream(c, 0, warmup, false);
      try (IdleStreams idle = new IdleStreams(server.port(), run.idle, batchSize)) {
        Duration serverCpu0 = server.cpu();
        long clientCpu0 = clientCpuNanos();
        long t0 = System.nanoTime();
        String[] sum = new String[1];
        long got = stream(c, 1, samples, digest || !this.idle.equals(List.of(0)), sum);
        double secs = (System.nanoTime() - t0) / 1e9;
        Duration serverCpu1 = server.cpu();
        double clientCpu = (clientCpuNanos() - clientCpu0) / 1e9;
        System.err.printf(Locale.ROOT, "%s: streamed %d samples in %.2f s, batch %d, shuffle %b,"
            + " digest %b%n", run.label(), got, secs, batchSize, shuffle, sum[0] != null);
        if (serverCpu0 != null && serverCpu1 != null) {
          double serverCpu = serverCpu1.minus(serverCpu0).toNanos() / 1e9;
          System.err.printf(Locale.ROOT, "cpu: server %.2f core-s (%.1f us/sample), client %.2f"
              + " core-s (%.1f us/sample), wall %.2f s on %d cores%n", serverCpu,
              serverCpu * 1e6 / got, clientCpu, clientCpu * 1e6 / got, secs,
              Runtime.getRuntime().availableProcessors());
        }
        return new Result(got / secs, secs, sum[0] == null ? "" : sum[0]);
      }
    }
  }

  /** How a run reads a stream: the Java client, or a ring read in place. */
  interface Streamer {
    BatchIterator streamEpoch(StreamEpochRequest request) throws IOException;
  }

  /** A channel for ring-views runs (none otherwise). */
  private static final class Views implements Streamer, AutoCloseable {
    final boolean on;
    final ManagedChannel channel;
    SampleDigest digest;
    long samples;

    Views(boolean on, int port) {
      this.on = on;
      this.channel = on ? Grpc.newChannelBuilder("127.0.0.1:" + port,
          InsecureChannelCredentials.create()).maxInboundMessageSize(64 << 20).build() : null;
    }

    @Override
    public BatchIterator streamEpoch(StreamEpochRequest request) throws IOException {
      samples = RingViews.stream(channel, request, digest);
      return null;
    }

    @Override
    public void close() {
      if (channel != null) {
        channel.shutdownNow();
      }
    }
  }

  private long stream(Streamer c, long epoch, long n, boolean withDigest) throws IOException {
    return stream(c, epoch, n, withDigest, new String[1]);
  }

  /** Streams {@code n} samples of {@code epoch}; the digest goes in {@code sum[0]} if asked. */
  private long stream(Streamer c, long epoch, long n, boolean withDigest, String[] sum)
      throws IOException {
    SampleDigest d = new SampleDigest();
    StreamEpochRequest request = StreamEpochRequest.newBuilder().setDataset("builtin")
        .setEpoch(epoch).setShuffle(shuffle).setBatchSize(batchSize).setLimit(n).build();
    if (c instanceof Views v) {
      v.digest = withDigest ? d : null;
      v.streamEpoch(request);
      sum[0] = withDigest ? d.hex() : null;
      return v.samples;
    }
    long got = 0;
    long touched = 0;
    try (BatchIterator it = c.streamEpoch(request)) {
      while (it.hasNext()) {
        Batch b = it.next();
        got += b.size();
        if (withDigest) {
          d.add(b.indices(), b.images(), b.masks(), b.depth());
        } else {
          touched += b.images().byteAt(b.images().size() - 1) + b.depth().size();
        }
      }
    }
    if (touched == Long.MIN_VALUE) {
      System.err.println(touched);
    }
    sum[0] = withDigest ? d.hex() : null;
    return got;
  }

  private static long clientCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean sun
        ? sun.getProcessCpuTime() : 0;
  }
}
