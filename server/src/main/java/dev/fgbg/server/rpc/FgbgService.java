package dev.fgbg.server.rpc;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.deliver.Plan;
import dev.fgbg.core.depth.DepthRuntime;
import dev.fgbg.core.epoch.EpochRequest;
import dev.fgbg.core.epoch.Epochs;
import dev.fgbg.core.render.BatchShape;
import dev.fgbg.core.sampling.Selection;
import dev.fgbg.core.stats.BackgroundStats;
import dev.fgbg.core.stats.GalleryGrid;
import dev.fgbg.core.stats.Stats;
import dev.fgbg.server.admission.LoadControl;
import dev.fgbg.server.status.Statuses;
import dev.fgbg.server.stop.RunningCall;
import dev.fgbg.v1.DatasetInfo;
import dev.fgbg.v1.DatasetSummary;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.ExportProgress;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.GalleryRequest;
import dev.fgbg.v1.GalleryResponse;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.ListDatasetsRequest;
import dev.fgbg.v1.ListDatasetsResponse;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.ServerStatsRequest;
import dev.fgbg.v1.ServerStatsResponse;
import dev.fgbg.v1.StatsProgress;
import dev.fgbg.v1.StatsRequest;
import dev.fgbg.v1.StatsResponse;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;

/**
 * The fgbg.v1.Fgbg service: validates requests, asks the core, maps the answers to messages and
 * sends them. Every error goes through {@link Statuses}. Render work runs on fair-scheduler lanes
 * (one per stream, one per client for its GetSamples calls, one for all Stats, one for all
 * exports, one per client for its galleries), rendered bytes are charged to the memory budget,
 * streams are capped, Stats, Export and Gallery are admitted ({@link LoadControl}).
 */
final class FgbgService extends FgbgGrpc.FgbgImplBase {
  private final DatasetRegistry registry;
  private final LoadControl load;
  private final Limits limits;
  private final StreamStats stats;
  private final SampleCalls samples;
  private final ExportService exports;
  private final StatsStreamer statsStreamer;
  private final GalleryCalls galleries;
  private final List<DepthRuntime> depth;

  FgbgService(DatasetRegistry registry, LoadControl load, Limits limits, StreamStats stats,
      SampleCalls samples, ExportService exports, StatsStreamer statsStreamer,
      GalleryCalls galleries, List<DepthRuntime> depth) {
    this.registry = registry;
    this.load = load;
    this.limits = limits;
    this.stats = stats;
    this.samples = samples;
    this.exports = exports;
    this.statsStreamer = statsStreamer;
    this.galleries = galleries;
    this.depth = List.copyOf(depth);
  }

  @Override
  public void serverStats(ServerStatsRequest request,
      StreamObserver<ServerStatsResponse> response) {
    reply(response, ProtoMapping.serverStats(stats, depth));
  }

  @Override
  public void export(ExportRequest request, StreamObserver<ExportProgress> response) {
    exports.export(request, response);
  }

  @Override
  public void stats(StatsRequest request, StreamObserver<StatsResponse> response) {
    admittedStats(request, response, "Stats call", (d, selection, outputs, run) -> {
      Stats s = statsStreamer.calculator().compute(d, request.getSeed(), selection,
          outputs.sampleOnly(), run.cancelled());
      StatsResponse reply = StatsMapping.stats(d, s, outputs,
          BackgroundStats.of(d, selection, outputs));
      run.end(() -> reply(response, reply));
    });
  }

  @Override
  public void statsWithProgress(StatsRequest request, StreamObserver<StatsProgress> response) {
    admittedStats(request, response, "StatsWithProgress call", (d, selection, outputs, run) ->
        statsStreamer.run(d, request, selection, outputs,
            (ServerCallStreamObserver<StatsProgress>) response, run));
  }

  /** What a Stats call of either kind does once admitted. */
  private interface StatsBody<T> {
    void run(Dataset d, Selection selection, Outputs outputs, RunningCall run);
  }

  /**
   * Checks a Stats request, then runs {@code body} once the Stats admission lets it in: both
   * kinds share one admission (progress is no excuse to skip the queue). Running, it is
   * {@code what} to the server's stop, which ends it in words if it is still running.
   */
  private <T> void admittedStats(StatsRequest request, StreamObserver<T> response, String what,
      StatsBody<T> body) {
    ServerCallStreamObserver<T> call = (ServerCallStreamObserver<T>) response;
    Statuses.orError(response, () -> {
      Dataset d = registry.get(request.getDataset());
      Outputs outputs = ProtoMapping.statsOutputs(request.getOutputsValueList(), d);
      Selection selection = Selections.of(d, request);
      load.stats.run(call, () -> { }, () -> {
        // Its computation polls the cancel check: the stop has nothing else to cancel.
        RunningCall run = RunningCall.track(load.stats.draining(), call, what, () -> { });
        try {
          body.run(d, selection, outputs, run);
        } catch (RuntimeException e) {
          run.fail(e);
        }
      });
    });
  }

  @Override
  public void gallery(GalleryRequest request, StreamObserver<GalleryResponse> response) {
    Statuses.orError(response, () -> {
      Dataset d = registry.get(request.getDataset());
      GalleryGrid grid = GalleryGrid.of(d, Selections.galleryRows(d, request),
          request.getBackgrounds(), request.getInstances());
      galleries.gallery(grid, request.getSeed(),
          (ServerCallStreamObserver<GalleryResponse>) response);
    });
  }

  @Override
  public void listDatasets(ListDatasetsRequest request,
      StreamObserver<ListDatasetsResponse> response) {
    ListDatasetsResponse.Builder b = ListDatasetsResponse.newBuilder();
    for (Dataset d : registry.all()) {
      b.addDatasets(DatasetSummary.newBuilder().setName(d.name()).setSize(d.size())
          .setFingerprint(d.fingerprint()));
    }
    reply(response, b.build());
  }

  @Override
  public void describe(DescribeRequest request, StreamObserver<DatasetInfo> response) {
    Statuses.orError(response, () ->
        reply(response, ProtoMapping.info(registry.get(request.getDataset()), limits)));
  }

  @Override
  public void getSamples(GetSamplesRequest request, StreamObserver<SampleBatch> response) {
    Statuses.orError(response, () -> {
      Dataset d = registry.get(request.getDataset());
      BatchShape shape = new BatchShape(d, ProtoMapping.outputs(request.getOutputsValueList(), d),
          ProtoMapping.encoding(request.getDepthDtypeValue(), d));
      samples.getSamples(shape, request.getSeed(), checkedIndices(request, d),
          request.hasSharedMemory() ? request.getSharedMemory() : null,
          (ServerCallStreamObserver<SampleBatch>) response);
    });
  }

  private long[] checkedIndices(GetSamplesRequest request, Dataset d) {
    int n = request.getIndicesCount();
    if (n == 0) {
      throw FgbgException.invalidArgument("indices is empty; give at least one index");
    }
    int max = ProtoMapping.maxGetSamples(d, limits);
    if (n > max) {
      throw FgbgException.invalidArgument("indices has " + n + " entries; dataset "
          + Quoted.of(d.name())
          + " takes at most " + max + " per GetSamples call (its max_get_samples in describe); "
          + "use StreamEpoch or several calls");
    }
    long[] indices = new long[n];
    for (int s = 0; s < n; s++) {
      indices[s] = request.getIndices(s);
      d.checkIndex(indices[s]);
    }
    return indices;
  }

  @Override
  public void streamEpoch(StreamEpochRequest request, StreamObserver<SampleBatch> response) {
    Statuses.orError(response, () -> {
      Dataset d = registry.get(request.getDataset());
      BatchShape shape = new BatchShape(d, ProtoMapping.outputs(request.getOutputsValueList(), d),
          ProtoMapping.encoding(request.getDepthDtypeValue(), d));
      Plan plan = Epochs.plan(d, new EpochRequest(request.getSeed(), request.getEpoch(),
          request.getShuffle(), request.getBatchSize(), request.getRank(),
          request.getWorldSize() == 0 ? 1 : request.getWorldSize(), request.getStartPosition(),
          request.getStartBatch(), request.getDropLast(), request.getLimit()));
      samples.stream(shape, request.getSeed(), plan,
          request.hasSharedMemory() ? request.getSharedMemory() : null,
          (ServerCallStreamObserver<SampleBatch>) response);
    });
  }

  private static <T> void reply(StreamObserver<T> response, T message) {
    response.onNext(message);
    response.onCompleted();
  }
}
