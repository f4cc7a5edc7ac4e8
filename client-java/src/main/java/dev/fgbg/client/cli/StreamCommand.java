package dev.fgbg.client.cli;

import dev.fgbg.client.Batch;
import dev.fgbg.client.FailoverBatchIterator;
import dev.fgbg.client.FgbgReplicas;
import dev.fgbg.common.Durations;
import dev.fgbg.common.SampleDigest;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.StatusRuntimeException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fgbg stream}: streams an epoch (or a shard of it) and ends with exactly three lines:
 * {@code samples: N}, {@code samples/s: X} and {@code digest: HEX} (see {@link SampleDigest});
 * progress and ETA on stderr, as export and stats show theirs (a cold depth cache can make the
 * first batches take minutes, and a whole dataset hours).
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
    description = "Stream an epoch and print samples, samples/s and the order-independent digest;"
        + " progress and ETA on stderr.")
final class StreamCommand implements Callable<Integer>, SoFar.Tallied {
  @Mixin
  Connection connection;

  @Mixin
  DatasetChoice which;

  @Option(names = "--epoch", description = "Default: 0.")
  long epoch;

  @Option(names = "--shuffle", description = "Shuffle the epoch (keyed by seed and epoch).")
  boolean shuffle;

  @Option(names = "--batch-size", description = "Default: 64.")
  int batchSize = 64;

  @Option(names = "--rank", description = "Default: 0.")
  int rank;

  @Option(names = "--world-size", description = "Default: 1.")
  int worldSize = 1;

  @Option(names = "--start-batch", description = "Resume at this batch of the rank. Default: 0.")
  long startBatch;

  @Option(names = "--start-position", description = "Global position to start from. Default: 0.")
  long startPosition;

  @Option(names = "--drop-last", description = "Every rank gets the same whole number of batches.")
  boolean dropLast;

  @Option(names = "--limit", description = "At most this many samples. Default: no limit.")
  long limit;

  @Option(names = "--outputs", split = ",", description = "Any of image,mask,depth,meta,"
      + "instances,background,background_depth. Default: image, mask, depth (if any) and meta.")
  List<String> outputs;

  @Option(names = "--depth-dtype", description = "float16 (default) or float32.")
  String depthDtype = "float16";

  @Option(names = "--reconnect", converter = DurationConverter.class,
      description = "When the server stops answering (e.g. it restarts), keep trying this long "
          + "(e.g. 60s) and resume the stream exactly. Default: 0, give up at once.")
  Duration reconnect = Duration.ZERO;

  /** The progress line; what was received is {@link #got}, kept with its digest. */
  private final Tally tally = new Tally("samples received");

  /**
   * Whole batches and samples received so far, and the digest of those samples, for the words
   * and partial lines of a stream that ends mid-way (read by the stop hook's thread too, so one
   * volatile record: the count, the resume point and the digest always agree).
   */
  private volatile Got got = new Got(0, 0, BigInteger.ZERO, 0);

  private record Got(long batches, long samples, BigInteger digest, long at) {}

  /** When the stream began (System.nanoTime), for the rate of a complete or a partial stream. */
  private volatile long t0;
  /** The stream's samples as the server counts them, once its first batch said (0 before). */
  private volatile long streamTotal;
  private boolean summarized;

  @Override
  public Integer call() {
    if (worldSize < 1) {
      // On the wire 0 means 1 (an unset field); a user who typed 0 made a mistake.
      throw new IllegalArgumentException("--world-size " + worldSize
          + " must be at least 1 (the number of ranks)");
    }
    StreamEpochRequest.Builder r = StreamEpochRequest.newBuilder()
        .setSeed(which.seed).setEpoch(epoch).setShuffle(shuffle)
        .setBatchSize(batchSize).setRank(rank).setWorldSize(worldSize).setStartBatch(startBatch)
        .setStartPosition(startPosition).setDropLast(dropLast).setLimit(limit)
        .setDepthDtype(Args.depthDtype(depthDtype));
    if (outputs != null) {
      r.addAllOutputs(Args.outputs(outputs, true));
    }
    SampleDigest digest = new SampleDigest();
    ProgressPrinter progress = tally.progress();
    t0 = System.nanoTime();
    // The one server as the only replica: with --reconnect its stream rides through a restart.
    try (FgbgReplicas c = reconnecting(FgbgReplicas.of(connection.target, connection.client()))) {
      long total = 0;
      double rate = 0;
      r.setDataset(which.nameWaiting(c.client(0)));
      try (FailoverBatchIterator it = c.streamEpoch(r.build())) {
        while (it.hasNext()) {
          Batch b = it.next();
          total = it.streamSamples();
          streamTotal = total;
          digest.add(b.indices(), b.images(), b.masks(), b.depth(), b.instances(), b.backgrounds(),
              b.backgroundDepths(), b.backgroundRows());
          long now = System.nanoTime();
          got = new Got(got.batches() + 1, digest.count(), digest.value(), now);
          long samples = got.samples();
          // Since the call began, as the final samples/s (Rates): the first line waits for the
          // second batch, the first one's rate being mostly the start-up.
          rate = Rates.perSecond(samples, now - t0);
          if (got.batches() > 1) {
            progress.update(samples, Math.max(total, samples), rate,
                Rates.eta(samples, total, now - t0), "", false);
          }
        }
      } catch (StatusRuntimeException e) {
        if (!complete()) {
          throw e;
        }
        // Every sample asked for had come before the call failed (a server stopping just
        // then): the stream is whole, and resuming it would only stream more.
      }
      long samples = got.samples();
      progress.update(samples, Math.max(total, samples), rate, 0, "", true);
    } finally {
      progress.end();
    }
    summary();
    return 0;
  }

  /** Whether every sample asked for (--limit, else the stream's own count) has come. */
  @Override
  public boolean complete() {
    long samples = got.samples();
    long total = limit > 0 ? limit : streamTotal;
    return total > 0 && samples >= total;
  }

  /** The three lines of a whole stream, once: its own thread's or a stop's. */
  @Override
  public synchronized void summary() {
    if (summarized) {
      return;
    }
    summarized = true;
    Got g = got;
    lines(g.samples(), g.at() - t0, SampleDigest.toHex(g.digest()), "")
        .forEach(System.out::println);
    System.out.flush();
  }

  /**
   * {@code one} with the {@code --reconnect} window. The client's rule (zero or positive, at
   * most 36,500 days) is the one check: the duration parser takes "-5s"; a negative window, the
   * usual slip, is refused here in the flag's words.
   */
  private FgbgReplicas reconnecting(FgbgReplicas one) {
    try {
      return one.withReconnect(reconnect);
    } catch (IllegalArgumentException e) {
      one.close();
      throw !reconnect.isNegative() ? e : new IllegalArgumentException("--reconnect "
          + Durations.words(reconnect) + " must be zero (off) or positive; e.g. --reconnect 60s");
    }
  }

  /** The three lines a stream ends with; {@code mark} follows each of a partial one's. */
  private static List<String> lines(long samples, long nanos, String hex, String mark) {
    return List.of("samples: " + samples + mark,
        String.format(Locale.ROOT, "samples/s: %.1f", Rates.perSecond(samples, nanos)) + mark,
        "digest: " + hex + mark);
  }

  /**
   * The same three lines over the whole batches received, each marked "(partial)": the digest
   * rule is a sum, so this digest plus that of the resumed rest is the whole stream's.
   */
  @Override
  public List<String> partial() {
    Got g = got;
    return lines(g.samples(), g.at() - t0, SampleDigest.toHex(g.digest()), PARTIAL);
  }

  /** What follows each line of a stream that ended mid-way. */
  static final String PARTIAL = " (partial)";

  @Override
  public Tally tally() {
    return tally;
  }

  @Override
  public long received() {
    return got.samples();
  }

  /** The same stream from the first batch not received whole (README: resuming a stream). */
  @Override
  public String resume() {
    Got g = got;
    // Given twice, picocli refuses a flag: the hint says which of the user's it replaces.
    String replaced = (startBatch > 0 ? " --start-batch " + startBatch : "")
        + (limit > 0 ? " --limit " + limit : "");
    return "run the same stream with --start-batch " + (startBatch + g.batches())
        + (limit > 0 ? " --limit " + (limit - g.samples()) : "")
        + (replaced.isEmpty() ? "" : " in place of" + replaced);
  }
}
