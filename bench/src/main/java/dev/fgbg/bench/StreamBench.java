package dev.fgbg.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.fgbg.client.Batch;
import dev.fgbg.client.BatchIterator;
import dev.fgbg.client.FgbgClient;
import dev.fgbg.common.SampleDigest;
import dev.fgbg.v1.StreamEpochRequest;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Starts a server in a separate JVM on a free loopback port and streams the built-in dataset
 * (image + mask + float16 depth, 224×224) to a Java client in this JVM.
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
    description = "Loopback streaming throughput from a separate server process.")
final class StreamBench implements Callable<Integer> {
  @Option(names = "--samples", description = "Samples to stream after the warm-up. Default: 100000.")
  long samples = 100_000;

  @Option(names = "--warmup", description = "Samples streamed first, not counted. Default: 20000.")
  long warmup = 20_000;

  @Option(names = "--batch-size", description = "Default: 64.")
  int batchSize = 64;

  @Option(names = "--shuffle", description = "Shuffled order. Default: true.", negatable = true)
  boolean shuffle = true;

  @Option(names = "--digest", description = "Also compute the stream digest in the client.")
  boolean digest;

  @Option(names = "--access", split = ",", description = "How the client connects, one run each "
      + "in this order: plain, tls, token (e.g. plain,tls,token). Default: plain.")
  List<AccessMode> access = List.of(AccessMode.PLAIN);

  @Mixin
  ServerJar serverJar;

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("fgbg-bench-access");
    Double first = null;
    for (AccessMode mode : access) {
      Double rate = run(mode, dir);
      if (rate == null) {
        return 2;
      }
      first = first == null ? rate : first;
      if (access.size() > 1) {
        System.out.printf(Locale.ROOT, "samples/s %s: %.0f (%.3f of %s)%n",
            mode.name().toLowerCase(Locale.ROOT), rate, rate / first,
            access.get(0).name().toLowerCase(Locale.ROOT));
      } else {
        System.out.printf(Locale.ROOT, "samples/s: %.0f%n", rate);
      }
    }
    return 0;
  }

  /** One server and client in {@code mode}; samples/s, or null when there is no server jar. */
  private Double run(AccessMode mode, Path dir) throws Exception {
    List<String> modeArgs = mode.serverArgs(dir);
    serverJar.args.addAll(modeArgs);
    ServerProcess started;
    try {
      started = serverJar.start();
    } finally {
      serverJar.args.subList(serverJar.args.size() - modeArgs.size(), serverJar.args.size())
          .clear();
    }
    if (started == null) {
      return null;
    }
    try (ServerProcess server = started) {
      try (FgbgClient c = mode.client(FgbgClient.builder(), dir)
          .target("localhost:" + server.port()).build()) {
        stream(c, 0, warmup);
        Duration serverCpu0 = server.cpu();
        long clientCpu0 = clientCpuNanos();
        long t0 = System.nanoTime();
        long got = stream(c, 1, samples);
        double secs = (System.nanoTime() - t0) / 1e9;
        Duration serverCpu1 = server.cpu();
        double clientCpu = (clientCpuNanos() - clientCpu0) / 1e9;
        System.err.printf(Locale.ROOT, "%s: streamed %d samples in %.2f s, batch %d, shuffle %b,"
            + " digest %b%n", mode, got, secs, batchSize, shuffle, digest);
        if (serverCpu0 != null && serverCpu1 != null) {
          double serverCpu = serverCpu1.minus(serverCpu0).toNanos() / 1e9;
          System.err.printf(Locale.ROOT, "cpu: server %.2f core-s (%.1f us/sample), client %.2f"
              + " core-s (%.1f us/sample), wall %.2f s on %d cores%n", serverCpu,
              serverCpu * 1e6 / got, clientCpu, clientCpu * 1e6 / got, secs,
              Runtime.getRuntime().availableProcessors());
        }
        return got / secs;
      }
    }
  }

  private long stream(FgbgClient c, long epoch, long n) {
    SampleDigest d = new SampleDigest();
    long got = 0;
    long touched = 0;
    try (BatchIterator it = c.streamEpoch(StreamEpochRequest.newBuilder().setDataset("builtin")
        .setEpoch(epoch).setShuffle(shuffle).setBatchSize(batchSize).setLimit(n).build())) {
      while (it.hasNext()) {
        Batch b = it.next();
        got += b.size();
        if (digest) {
          d.add(b.indices(), b.images(), b.masks(), b.depth());
        } else {
          touched += b.images().byteAt(b.images().size() - 1) + b.depth().size();
        }
      }
    }
    if (touched == Long.MIN_VALUE) {
      System.err.println(touched);
    }
    return got;
  }

  private static long clientCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean sun
        ? sun.getProcessCpuTime() : 0;
  }
}
