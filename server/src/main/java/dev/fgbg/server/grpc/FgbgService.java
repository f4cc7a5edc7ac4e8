package dev.fgbg.server.grpc;

import dev.fgbg.server.FgbgException;
import dev.fgbg.server.dataset.Dataset;
import dev.fgbg.server.dataset.DatasetRegistry;
import dev.fgbg.server.dataset.Outputs;
import dev.fgbg.server.dataset.RenderedBatch;
import dev.fgbg.server.sampling.ChunkCursor;
import dev.fgbg.server.sampling.EpochPermutation;
import dev.fgbg.server.sampling.EpochPlan;
import dev.fgbg.server.synth.DepthEncoding;
import dev.fgbg.server.stats.Gallery;
import dev.fgbg.server.stats.Stats;
import dev.fgbg.server.stats.StatsCalculator;
import dev.fgbg.v1.ChannelStats;
import dev.fgbg.v1.DatasetInfo;
import dev.fgbg.v1.ExportProgress;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.GalleryRequest;
import dev.fgbg.v1.GalleryResponse;
import dev.fgbg.v1.StatsRequest;
import dev.fgbg.v1.StatsResponse;
import dev.fgbg.v1.DatasetSummary;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.ListDatasetsRequest;
import dev.fgbg.v1.ListDatasetsResponse;
import dev.fgbg.v1.Output;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;

/** The fgbg.v1.Fgbg service: validates requests, renders through the core, maps errors. */
final class FgbgService extends FgbgGrpc.FgbgImplBase {
  private final DatasetRegistry registry;
  private final Executor pool;
  private final int window;
  private final Limits limits;
  private final StreamStats stats;

  private final ExportService exports;
  private final StatsCalculator statsCalculator;

  private final java.util.List<dev.fgbg.server.depth.DepthRuntime> depth;

  FgbgService(DatasetRegistry registry, Executor pool, int window, Limits limits,
      StreamStats stats, ExportService exports, StatsCalculator statsCalculator,
      java.util.List<dev.fgbg.server.depth.DepthRuntime> depth) {
    this.depth = java.util.List.copyOf(depth);
    this.registry = registry;
    this.pool = pool;
    this.window = window;
    this.limits = limits;
    this.stats = stats;
    this.exports = exports;
    this.statsCalculator = statsCalculator;
  }

  @Override
  public void serverStats(dev.fgbg.v1.ServerStatsRequest request,
      StreamObserver<dev.fgbg.v1.ServerStatsResponse> response) {
    dev.fgbg.v1.ServerStatsResponse.Builder b = dev.fgbg.v1.ServerStatsResponse.newBuilder()
        .setStreamsStarted(stats.streamsStarted()).setStreamsCancelled(stats.streamsCancelled())
        .setSamplesSent(stats.samplesSent());
    for (dev.fgbg.server.depth.DepthRuntime r : depth) {
      var s = r.stats();
      b.addDepth(dev.fgbg.v1.DepthModelStats.newBuilder().setModel(r.name())
          .setDevice(r.device()).setMemoryHits(s.memoryHits()).setDiskHits(s.diskHits())
          .setMisses(s.misses()).setDiskCorrupt(s.diskCorrupt()).setInferences(s.inferred())
          .setRuns(s.runs()).setMeanBatch(s.meanBatch()).setMaxBatch(s.maxBatchSeen())
          .setMeanQueueDelayMs(s.meanQueueDelayMillis())
          .setMaxQueueDelayMs(s.maxQueueDelayMillis()).setRejected(s.rejected())
          .setQueued(r.queued()).setDiskBytes(r.diskBytes())
          .setInferenceSeconds(s.inferenceSeconds()));
    }
    response.onNext(b.build());
    response.onCompleted();
  }

  @Override
  public void export(ExportRequest request, StreamObserver<ExportProgress> response) {
    exports.export(request, response);
  }

  @Override
  public void stats(StatsRequest request, StreamObserver<StatsResponse> response) {
    ServerCallStreamObserver<StatsResponse> call = (ServerCallStreamObserver<StatsResponse>) response;
    try {
      Dataset d = registry.get(request.getDataset());
      if (request.getOutputsList().contains(Output.OUTPUT_META)) {
        throw FgbgException.invalidArgument("outputs: stats are computed for "
            + "image, mask and depth; OUTPUT_META has none");
      }
      Outputs outputs = ProtoMapping.outputs(request.getOutputsList(), d);
      long end = request.getEnd() == 0 ? d.size() : request.getEnd();
      Stats s = statsCalculator.compute(d, request.getSeed(), request.getStart(), end, outputs,
          call::isCancelled);
      StatsResponse.Builder b = StatsResponse.newBuilder().setSamples(s.samples())
          .setFingerprint(d.fingerprint());
      if (outputs.image()) {
        b.setImage(ChannelStats.newBuilder().setUnit("[0,1]")
            .addAllMean(java.util.Arrays.stream(s.imageMean()).boxed().toList())
            .addAllStd(java.util.Arrays.stream(s.imageStd()).boxed().toList()));
      }
      if (outputs.mask()) {
        b.setMask(ChannelStats.newBuilder().setUnit("[0,1]").addMean(s.maskMean())
            .addStd(s.maskStd()));
      }
      if (outputs.depth()) {
        b.setDepth(ChannelStats.newBuilder().setUnit("metres").addMean(s.depthMean())
            .addStd(s.depthStd()));
      }
      response.onNext(b.build());
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(Statuses.toStatus(e));
    }
  }

  @Override
  public void gallery(GalleryRequest request, StreamObserver<GalleryResponse> response) {
    try {
      Dataset d = registry.get(request.getDataset());
      long[] indices = request.getIndicesCount() > 0
          ? request.getIndicesList().stream().mapToLong(Long::longValue).toArray()
          : Gallery.spread(d, request.getCount());
      java.awt.image.BufferedImage img = Gallery.render(d, request.getSeed(), indices);
      GalleryResponse.Builder b = GalleryResponse.newBuilder()
          .setPng(com.google.protobuf.ByteString.copyFrom(Gallery.png(img)))
          .setWidth(img.getWidth()).setHeight(img.getHeight());
      for (long i : indices) {
        b.addIndices(i);
      }
      response.onNext(b.build());
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(Statuses.toStatus(e));
    }
  }

  @Override
  public void listDatasets(ListDatasetsRequest request,
      StreamObserver<ListDatasetsResponse> response) {
    ListDatasetsResponse.Builder b = ListDatasetsResponse.newBuilder();
    for (Dataset d : registry.all()) {
      b.addDatasets(DatasetSummary.newBuilder().setName(d.name()).setSize(d.size())
          .setFingerprint(d.fingerprint()));
    }
    response.onNext(b.build());
    response.onCompleted();
  }

  @Override
  public void describe(DescribeRequest request, StreamObserver<DatasetInfo> response) {
    try {
      DatasetInfo info = ProtoMapping.info(registry.get(request.getDataset()), limits);
      response.onNext(info);
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(Statuses.toStatus(e));
    }
  }

  @Override
  public void getSamples(GetSamplesRequest request, StreamObserver<SampleBatch> response) {
    try {
      Dataset d = registry.get(request.getDataset());
      Outputs outputs = ProtoMapping.outputs(request.getOutputsList(), d);
      DepthEncoding enc = ProtoMapping.encoding(request.getDepthDtype());
      int n = request.getIndicesCount();
      if (n == 0) {
        throw FgbgException.invalidArgument("indices is empty; give at least one index");
      }
      int max = limits.getSamplesCount(ProtoMapping.sampleBytes(d, outputs, enc));
      if (n > max) {
        throw FgbgException.invalidArgument("indices has " + n + " entries; at most " + max
            + " fit in one GetSamples response for dataset '" + d.name()
            + "' with these outputs (use StreamEpoch or several calls)");
      }
      long[] indices = new long[n];
      for (int s = 0; s < n; s++) {
        indices[s] = request.getIndices(s);
        d.checkIndex(indices[s]);
      }
      RenderedBatch r = RenderedBatch.render(d, request.getSeed(), indices, outputs, enc,
          () -> false);
      response.onNext(ProtoMapping.batch(d, r, outputs).setChunkCount(1).build());
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(Statuses.toStatus(e));
    }
  }

  @Override
  public void streamEpoch(StreamEpochRequest request, StreamObserver<SampleBatch> response) {
    ServerCallStreamObserver<SampleBatch> call = (ServerCallStreamObserver<SampleBatch>) response;
    try {
      Dataset d = registry.get(request.getDataset());
      Outputs outputs = ProtoMapping.outputs(request.getOutputsList(), d);
      DepthEncoding enc = ProtoMapping.encoding(request.getDepthDtype());
      int world = request.getWorldSize() == 0 ? 1 : request.getWorldSize();
      EpochPlan plan = new EpochPlan(d.size(), request.getBatchSize(), request.getRank(), world,
          request.getStartPosition(), request.getStartBatch(), request.getDropLast(),
          request.getLimit());
      EpochPermutation perm = new EpochPermutation(d.size(), request.getSeed(),
          request.getEpoch(), request.getShuffle());
      long seed = request.getSeed();
      ChunkCursor cursor = new ChunkCursor(plan,
          limits.chunkSamples(ProtoMapping.sampleBytes(d, outputs, enc)));
      EpochStreamer streamer = new EpochStreamer(call, cursor, (chunk, cancelled) -> {
        long[] indices = new long[chunk.count()];
        for (int s = 0; s < indices.length; s++) {
          indices[s] = perm.indexAt(plan.position(chunk.localStart() + s));
        }
        return RenderedBatch.renderAsync(d, seed, indices, outputs, enc, cancelled, false)
            .thenApply(r -> r == null ? null : ProtoMapping.batch(d, r, outputs)
                .setBatchIndex(chunk.batchIndex())
                .setChunkIndex(chunk.chunkIndex())
                .setChunkCount(chunk.chunkCount())
                .setFirstPosition(plan.position(chunk.localStart()))
                .build());
      }, pool, window, stats);
      streamer.start();
    } catch (RuntimeException e) {
      call.onError(Statuses.toStatus(e));
    }
  }
}
