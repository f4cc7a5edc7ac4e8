package dev.fgbg.bench;

import dev.fgbg.client.Batch;
import dev.fgbg.client.BatchIterator;
import dev.fgbg.client.FgbgClient;
import dev.fgbg.v1.StreamEpochRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Several trainers streaming from one server at once (each its own channel and epoch, the same
 * batch and outputs), against one trainer alone on the same server: aggregate and per-trainer
 * samples/s, and how evenly the server shared itself.
 */
@Command(name = "trainers", mixinStandardHelpOptions = true,
    description = "N trainers streaming at once from one server process.")
final class TrainersBench implements Callable<Integer> {
  @Option(names = "--n", description = "Trainers streaming together. Default: 4.")
  int n = 4;

  @Option(names = "--seconds", description = "Measured seconds, alone and together. Default: 20.")
  int seconds = 20;

  @Option(names = "--warmup", description = "Samples streamed first by all the trainers, not "
      + "counted (fills the server's resampled-foreground cache). Default: 20000.")
  long warmup = 20_000;

  @Option(names = "--batch-size", description = "Default: 64.")
  int batchSize = 64;

  @Mixin
  ServerJar serverJar;

  @Override
  public Integer call() throws Exception {
    ServerProcess started = serverJar.start();
    if (started == null) {
      return 2;
    }
    try (ServerProcess server = started) {
      String target = "localhost:" + server.port();
      run(target, n, 0, warmup, 0);
      double alone = run(target, 1, seconds, 0, 100)[0];
      double[] each = run(target, n, seconds, 0, 200);
      double sum = 0;
      double min = Double.MAX_VALUE;
      double max = 0;
      for (int t = 0; t < n; t++) {
        System.out.printf(Locale.ROOT, "trainer %d samples/s: %.0f%n", t, each[t]);
        sum += each[t];
        min = Math.min(min, each[t]);
        max = Math.max(max, each[t]);
      }
      System.out.printf(Locale.ROOT, "one trainer alone samples/s: %.0f%n", alone);
      System.out.printf(Locale.ROOT, "aggregate / alone: %.2f%n", sum / alone);
      System.out.printf(Locale.ROOT, "fairness: shares %.1f%% .. %.1f%% (1/%d = %.1f%%),"
          + " spread (max - min) / mean %.1f%%%n", 100 * min / sum, 100 * max / sum, n,
          100.0 / n, 100 * (max - min) / (sum / n));
      System.out.printf(Locale.ROOT, "samples/s: %.0f%n", sum);
    }
    return 0;
  }

  /**
   * Streams with {@code k} trainers, once every one has its first batch, for {@code secs} or
   * (when {@code secs} is 0) until they have {@code samples} together; returns each one's
   * samples/s over that time.
   */
  private double[] run(String target, int k, int secs, long samples, int epochBase)
      throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch started = new CountDownLatch(k);
    List<AtomicLong> counts = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < k; t++) {
      AtomicLong count = new AtomicLong();
      counts.add(count);
      StreamEpochRequest request = StreamEpochRequest.newBuilder().setDataset("builtin")
          .setEpoch(epochBase + t).setShuffle(true).setBatchSize(batchSize).build();
      Thread th = new Thread(() -> trainer(target, request, count, started, stop),
          "trainer-" + t);
      threads.add(th);
      th.start();
    }
    if (!started.await(120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the trainers did not start");
    }
    long[] before = counts.stream().mapToLong(AtomicLong::get).toArray();
    long t0 = System.nanoTime();
    if (secs > 0) {
      TimeUnit.SECONDS.sleep(secs);
    } else {
      while (counts.stream().mapToLong(AtomicLong::get).sum() < samples) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    double[] rates = new double[k];
    for (int t = 0; t < k; t++) {
      rates[t] = (counts.get(t).get() - before[t]) / elapsed;
    }
    stop.set(true);
    for (Thread th : threads) {
      th.join();
    }
    return rates;
  }

  private static void trainer(String target, StreamEpochRequest request, AtomicLong count,
      CountDownLatch started, AtomicBoolean stop) {
    boolean first = true;
    try (FgbgClient c = FgbgClient.builder().target(target).build();
        BatchIterator it = c.streamEpoch(request)) {
      while (!stop.get() && it.hasNext()) {
        Batch b = it.next();
        count.addAndGet(b.size());
        if (first) {
          started.countDown();
          first = false;
        }
      }
    }
  }
}
