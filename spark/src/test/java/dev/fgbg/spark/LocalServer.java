package dev.fgbg.spark;

import dev.fgbg.common.SampleDigest;
import dev.fgbg.server.FgbgApplication;
import dev.fgbg.server.options.ServerOptions;
import dev.fgbg.v1.DepthModelStats;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.ServerStatsRequest;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.concurrent.TimeUnit;

/** A real fgbg server application, in-process, for the digests the jobs must agree with. */
final class LocalServer implements AutoCloseable {
  private final FgbgApplication app;
  private final ManagedChannel channel;

  LocalServer(ServerOptions options) throws Exception {
    String name = InProcessServerBuilder.generateName();
    app = FgbgApplication.create(options).start(InProcessServerBuilder.forName(name));
    channel = InProcessChannelBuilder.forName(name).maxInboundMessageSize(64 << 20).build();
    app.warm().get(60, TimeUnit.SECONDS);
  }

  /** The {@code ./fgbg stream --start-position A --limit B-A} digest of [start, end). */
  String streamDigest(String dataset, long seed, long start, long end) {
    SampleDigest d = new SampleDigest();
    FgbgGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS)
        .streamEpoch(StreamEpochRequest.newBuilder().setDataset(dataset).setSeed(seed)
            .setBatchSize(32).setStartPosition(start).setLimit(end - start).build())
        .forEachRemaining(b -> d.add(b.getIndicesList(), b.getImages(), b.getMasks(),
            b.getDepth()));
    return d.hex();
  }

  /** The first depth model's counters, from the ServerStats RPC. */
  DepthModelStats depthStats() {
    return FgbgGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .serverStats(ServerStatsRequest.getDefaultInstance()).getDepth(0);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
    app.close();
  }
}
