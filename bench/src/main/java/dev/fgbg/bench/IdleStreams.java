package dev.fgbg.bench;

import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.ServerStatsRequest;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Streams that never read one message, on a connection of their own from this host: what a
 * careless (or hostile) client leaves open while others train. Open once the server has
 * started every one of them; closing cancels them.
 */
final class IdleStreams implements AutoCloseable {
  private final ManagedChannel channel;
  private final List<ClientCall<StreamEpochRequest, SampleBatch>> calls = new ArrayList<>();

  IdleStreams(int port, int n, int batchSize) throws InterruptedException {
    this.channel = Grpc.newChannelBuilder("127.0.0.1:" + port,
        InsecureChannelCredentials.create()).maxInboundMessageSize(64 << 20).build();
    if (n == 0) {
      return;
    }
    FgbgGrpc.FgbgBlockingStub stub = FgbgGrpc.newBlockingStub(channel);
    long before = stub.serverStats(ServerStatsRequest.getDefaultInstance()).getStreamsStarted();
    for (int i = 0; i < n; i++) {
      ClientCall<StreamEpochRequest, SampleBatch> call = channel.newCall(
          FgbgGrpc.getStreamEpochMethod(), CallOptions.DEFAULT);
      call.start(new ClientCall.Listener<>() {}, new Metadata());
      call.sendMessage(StreamEpochRequest.newBuilder().setDataset("builtin").setEpoch(100 + i)
          .setShuffle(true).setBatchSize(batchSize).build());
      call.halfClose(); // and never call.request(): not one message is read
      calls.add(call);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (stub.serverStats(ServerStatsRequest.getDefaultInstance()).getStreamsStarted()
        < before + n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the server did not start " + n + " idle streams");
      }
      Thread.sleep(20); // a benchmark's setup, polled over the wire
    }
  }

  @Override
  public void close() throws InterruptedException {
    calls.forEach(c -> c.cancel("the benchmark is done", null));
    channel.shutdownNow();
    channel.awaitTermination(10, TimeUnit.SECONDS);
  }
}
