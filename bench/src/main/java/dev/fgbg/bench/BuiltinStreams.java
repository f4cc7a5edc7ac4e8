package dev.fgbg.bench;

import dev.fgbg.client.BatchIterator;
import dev.fgbg.client.FgbgClient;
import dev.fgbg.v1.Output;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Streams of the built-in dataset in index order, with its depth or without, read two ways. */
final class BuiltinStreams {
  private BuiltinStreams() {}

  /** Samples [start, start + n) through the Java client (each batch copied out of its slot). */
  static long count(FgbgClient c, long start, long n, boolean depth) {
    long got = 0;
    try (BatchIterator it = c.streamEpoch(request(start, n, depth).build())) {
      while (it.hasNext()) {
        got += it.next().size();
      }
    }
    return got;
  }

  /** Samples [0, n), the ring's slots read in place ({@link RingViews}). */
  static long views(int port, long n, boolean depth) {
    ManagedChannel ch = Grpc.newChannelBuilder("localhost:" + port,
        InsecureChannelCredentials.create()).maxInboundMessageSize(64 << 20).build();
    try {
      return RingViews.stream(ch, request(0, n, depth).build(), null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      ch.shutdownNow();
    }
  }

  private static StreamEpochRequest.Builder request(long start, long n, boolean depth) {
    StreamEpochRequest.Builder r = StreamEpochRequest.newBuilder().setDataset("builtin")
        .setBatchSize(64).setStartPosition(start).setLimit(n);
    if (!depth) {
      r.addOutputs(Output.OUTPUT_IMAGE).addOutputs(Output.OUTPUT_MASK)
          .addOutputs(Output.OUTPUT_META);
    }
    return r;
  }
}
