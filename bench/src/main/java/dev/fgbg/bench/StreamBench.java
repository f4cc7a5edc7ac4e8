package dev.fgbg.bench;

import dev.fgbg.client.Batch;
import dev.fgbg.client.BatchIterator;
import dev.fgbg.client.FgbgClient;
import dev.fgbg.v1.SampleDigest;
import dev.fgbg.v1.StreamEpochRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Starts a server in a separate JVM on a free loopback port and streams the built-in dataset
 * (image + mask + float16 depth, 224×224) to a Java client in this JVM.
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
    description = "Loopback streaming throughput from a separate server process.")
final class StreamBench implements Callable<Integer> {
  private static final Pattern LISTENING = Pattern.compile("listening on [^:]+:(\\d+)");

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

  @Option(names = "--server-jar", description = "Default: server/target/fgbg-server.jar.")
  Path serverJar = Path.of("server/target/fgbg-server.jar");

  @Option(names = "--server-args", split = " ", description = "Extra server flags.")
  List<String> serverArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(serverJar)) {
      System.err.println("fgbg bench: error: " + serverJar + " not found; run ./fgbg bench from "
          + "the repository root");
      return 2;
    }
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
        "java").toString(), "-jar", serverJar.toString(), "--port", "0"));
    cmd.addAll(serverArgs);
    Process server = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      int port = awaitPort(server);
      try (FgbgClient c = FgbgClient.builder().target("localhost:" + port).build()) {
        stream(c, 0, warmup);
        java.time.Duration serverCpu0 = server.info().totalCpuDuration().orElse(null);
        long clientCpu0 = clientCpuNanos();
        long t0 = System.nanoTime();
        long got = stream(c, 1, samples);
        double secs = (System.nanoTime() - t0) / 1e9;
        java.time.Duration serverCpu1 = server.info().totalCpuDuration().orElse(null);
        double clientCpu = (clientCpuNanos() - clientCpu0) / 1e9;
        System.err.printf(Locale.ROOT, "streamed %d samples in %.2f s, batch %d, shuffle %b,"
            + " digest %b%n", got, secs, batchSize, shuffle, digest);
        if (serverCpu0 != null && serverCpu1 != null) {
          double serverCpu = serverCpu1.minus(serverCpu0).toNanos() / 1e9;
          System.err.printf(Locale.ROOT, "cpu: server %.2f core-s (%.1f us/sample), client %.2f"
              + " core-s (%.1f us/sample), wall %.2f s on %d cores%n", serverCpu,
              serverCpu * 1e6 / got, clientCpu, clientCpu * 1e6 / got, secs,
              Runtime.getRuntime().availableProcessors());
        }
        System.out.printf(Locale.ROOT, "samples/s: %.0f%n", got / secs);
      }
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
    }
    return 0;
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
    java.lang.management.OperatingSystemMXBean os =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  private static int awaitPort(Process server) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
        StandardCharsets.UTF_8));
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        String line;
        while ((line = out.readLine()) != null) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          }
        }
        port.completeExceptionally(new IllegalStateException("server exited before listening"));
      } catch (java.io.IOException e) {
        port.completeExceptionally(e);
      }
    }, "server-log");
    reader.setDaemon(true);
    reader.start();
    return port.get(60, TimeUnit.SECONDS);
  }
}
