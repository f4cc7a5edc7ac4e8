package dev.fgbg.server.grpc;

import com.google.protobuf.ByteString;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.depth.DepthRuntime;
import dev.fgbg.core.epoch.EpochRequest;
import dev.fgbg.core.epoch.EpochSource;
import dev.fgbg.core.epoch.RenderedChunk;
import dev.fgbg.core.load.RenderScheduler;
import dev.fgbg.core.load.StreamCaps;
import dev.fgbg.core.render.Renderer;
import dev.fgbg.core.sampling.Selection;
import dev.fgbg.core.shm.RingRefusedException;
import dev.fgbg.core.stats.Gallery;
import dev.fgbg.core.stats.Stats;
import dev.fgbg.core.synth.DepthEncoding;
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
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The fgbg.v1.Fgbg service: validates requests, asks the core, maps the answers to messages and
 * sends them. Every error goes through {@link Statuses}. Render work runs on fair-scheduler lanes
 * (one per stream, one per client for its GetSamples calls, one for all Stats, one for all
 * exports), rendered bytes are charged to the memory budget, streams are capped, Stats and
 * Export are admitted ({@link LoadControl}).
 */
final class FgbgService extends FgbgGrpc.FgbgImplBase {
  private final DatasetRegistry registry;
  private final LoadControl load;
  private final int window;
  private final Limits limits;
  private final StreamStats stats;
  private final ExportService exports;
  private final StatsStreamer statsStreamer;
  private final List<DepthRuntime> depth;
  private final SharedMemory shm;

  FgbgService(DatasetRegistry registry, LoadControl load, int window, Limits limits,
      StreamStats stats, ExportService exports, StatsStreamer statsStreamer,
      List<DepthRuntime> depth, SharedMemory shm) {
    this.registry = registry;
    this.load = load;
    this.window = window;
    this.limits = limits;
    this.stats = stats;
    this.exports = exports;
    this.statsStreamer = statsStreamer;
    this.depth = List.copyOf(depth);
    this.shm = shm;
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
    ServerCallStreamObserver<StatsResponse> call =
        (ServerCallStreamObserver<StatsResponse>) response;
    try {
      Dataset d = registry.get(request.getDataset());
      Outputs outputs = ProtoMapping.statsOutputs(request.getOutputsList(), d);
      Selection selection = Selections.of(d, request);
      load.stats.run(call, () -> { }, () -> {
        try {
          Stats s = statsStreamer.calculator().compute(d, request.getSeed(), selection, outputs,
              call::isCancelled);
          reply(response, ProtoMapping.stats(d, s, outputs));
        } catch (RuntimeException e) {
          response.onError(Statuses.toStatus(e));
        }
      });
    } catch (RuntimeException e) {
      response.onError(Statuses.toStatus(e));
    }
  }

  @Override
  public void statsWithProgress(StatsRequest request, StreamObserver<StatsProgress> response) {
    ServerCallStreamObserver<StatsProgress> call =
        (ServerCallStreamObserver<StatsProgress>) response;
    try {
      Dataset d = registry.get(request.getDataset());
      Outputs outputs = ProtoMapping.statsOutputs(request.getOutputsList(), d);
      Selection selection = Selections.of(d, request);
      // The same admission as Stats: progress is no excuse to skip the queue.
      load.stats.run(call, () -> { }, () -> {
        try {
          statsStreamer.run(d, request, selection, outputs, call);
        } catch (RuntimeException e) {
          response.onError(Statuses.toStatus(e));
        }
      });
    } catch (RuntimeException e) {
      response.onError(Statuses.toStatus(e));
    }
  }

  @Override
  public void gallery(GalleryRequest request, StreamObserver<GalleryResponse> response) {
    try {
      Dataset d = registry.get(request.getDataset());
      long[] indices = Selections.galleryRows(d, request);
      BufferedImage img = Gallery.render(d, request.getSeed(), indices);
      GalleryResponse.Builder b = GalleryResponse.newBuilder()
          .setPng(ByteString.copyFrom(Gallery.png(img)))
          .setWidth(img.getWidth()).setHeight(img.getHeight());
      for (long i : indices) {
        b.addIndices(i);
      }
      reply(response, b.build());
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
    reply(response, b.build());
  }

  @Override
  public void describe(DescribeRequest request, StreamObserver<DatasetInfo> response) {
    try {
      reply(response, ProtoMapping.info(registry.get(request.getDataset()), limits));
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
      long[] indices = checkedIndices(request, d);
      ServerCallStreamObserver<SampleBatch> call =
          (ServerCallStreamObserver<SampleBatch>) response;
      // The reply's bytes come from the budget; synthesis runs on the lane this client's
      // GetSamples calls share, and teacher depth completes it later without holding a worker.
      long bytes = load.charge(Renderer.arrayBytes(d, indices.length, outputs, enc));
      SharedMemory.Reply ring = request.hasSharedMemory()
          ? shm.acceptReply(request.getSharedMemory(),
              SharedMemory.slotBytes(d, indices.length, outputs, enc), stats)
          : SharedMemory.Reply.NONE;
      CompletableFuture<Void> budget = load.budget.acquire(bytes);
      call.setOnCancelHandler(() -> budget.cancel(false));
      long[] start = {0};
      budget.thenComposeAsync(v -> {
        start[0] = System.nanoTime();
        return Renderer.render(d, request.getSeed(), indices, outputs, enc, call::isCancelled);
      }, load.getSamplesLane(ClientIdentity.current()))
          .whenComplete((r, e) -> {
            try {
              if (e == null) {
                stats.rendered("GetSamples", start[0]);
              }
              if (e != null) {
                response.onError(Statuses.toStatus(e));
              } else if (!call.isCancelled()) {
                reply(response, (ring.ring() != null
                    ? ProtoMapping.ringBatch(d, r, outputs, ring.ring().write(
                        request.getSharedMemory().getSlot(), r))
                    : ring.saying(ProtoMapping.batch(d, r, outputs))).setChunkCount(1).build());
              }
            } catch (RuntimeException failed) {
              response.onError(Statuses.toStatus(failed));
            } finally {
              ring.unmap();
              if (!budget.isCompletedExceptionally()) {
                load.budget.release(bytes);
              }
            }
          });
    } catch (RuntimeException e) {
      response.onError(Statuses.toStatus(e));
    }
  }

  private long[] checkedIndices(GetSamplesRequest request, Dataset d) {
    int n = request.getIndicesCount();
    if (n == 0) {
      throw FgbgException.invalidArgument("indices is empty; give at least one index");
    }
    int max = ProtoMapping.maxGetSamples(d, limits);
    if (n > max) {
      throw FgbgException.invalidArgument("indices has " + n + " entries; dataset '" + d.name()
          + "' takes at most " + max + " per GetSamples call (its max_get_samples in describe); "
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
    ServerCallStreamObserver<SampleBatch> call = (ServerCallStreamObserver<SampleBatch>) response;
    try {
      Dataset d = registry.get(request.getDataset());
      Outputs outputs = ProtoMapping.outputs(request.getOutputsList(), d);
      DepthEncoding enc = ProtoMapping.encoding(request.getDepthDtype());
      EpochRequest r = new EpochRequest(request.getSeed(), request.getEpoch(),
          request.getShuffle(), request.getBatchSize(), request.getRank(),
          request.getWorldSize() == 0 ? 1 : request.getWorldSize(), request.getStartPosition(),
          request.getStartBatch(), request.getDropLast(), request.getLimit());
      RenderScheduler.Lane lane = load.scheduler.lane("stream");
      EpochSource source = EpochSource.open(d, r, outputs, enc,
          limits.chunkSamples(ProtoMapping.sampleBytes(d, outputs, enc)), lane);
      StreamCaps.Slot slot = load.streams.open(ClientIdentity.current());
      Function<RenderedChunk, SampleBatch> toMessage = c -> ProtoMapping.chunk(d, c, outputs);
      if (request.hasSharedMemory()) {
        try {
          SharedMemory.Held held = shm.acceptStream(request.getSharedMemory(),
              SharedMemory.slotBytes(d, request.getBatchSize(), outputs, enc));
          stats.ring(true);
          // One message per batch: a slot holds a whole batch.
          EpochSource whole = EpochSource.open(d, r, outputs, enc, request.getBatchSize(), lane);
          new RingStreamer(call, whole, (c, at) -> ProtoMapping.ringChunk(d, c, outputs, at),
              lane, window, shm, held, stats, slot::close).start();
          return;
        } catch (RingRefusedException e) {
          stats.ring(false);
          SharedMemory.logRefused("StreamEpoch", e);
          toMessage = SharedMemory.sayingRefused(toMessage, e.getMessage());
        }
      }
      new EpochStreamer(call, source, toMessage, lane, window, load.budget, stats, slot::close)
          .start();
    } catch (RuntimeException e) {
      call.onError(Statuses.toStatus(e));
    }
  }

  private static <T> void reply(StreamObserver<T> response, T message) {
    response.onNext(message);
    response.onCompleted();
  }
}
