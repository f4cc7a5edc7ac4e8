package dev.fgbg.server.grpc;

import dev.fgbg.server.FgbgException;
import dev.fgbg.server.dataset.Dataset;
import dev.fgbg.server.dataset.DatasetRegistry;
import dev.fgbg.server.dataset.Outputs;
import dev.fgbg.server.export.ExportFormat;
import dev.fgbg.server.export.ExportJob;
import dev.fgbg.server.export.ExportProgress;
import dev.fgbg.server.export.Exporter;
import dev.fgbg.v1.ExportRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/** Runs Export calls: one export thread each (bounded), progress at most every 200 ms. */
final class ExportService {
  static final int MAX_CONCURRENT = 4;
  private static final long PROGRESS_NANOS = 200_000_000L;

  private final DatasetRegistry registry;
  private final Exporter exporter;
  private final ExecutorService threads;
  private final Semaphore slots = new Semaphore(MAX_CONCURRENT);

  ExportService(DatasetRegistry registry, Exporter exporter, ExecutorService threads) {
    this.registry = registry;
    this.exporter = exporter;
    this.threads = threads;
  }

  void export(ExportRequest req, StreamObserver<dev.fgbg.v1.ExportProgress> response) {
    ServerCallStreamObserver<dev.fgbg.v1.ExportProgress> call =
        (ServerCallStreamObserver<dev.fgbg.v1.ExportProgress>) response;
    ExportJob job;
    try {
      job = job(req);
    } catch (RuntimeException e) {
      call.onError(Statuses.toStatus(e));
      return;
    }
    if (!slots.tryAcquire()) {
      call.onError(Status.RESOURCE_EXHAUSTED.withDescription(MAX_CONCURRENT
          + " exports are running already; try again when one finishes").asRuntimeException());
      return;
    }
    AtomicBoolean cancelled = new AtomicBoolean();
    call.setOnCancelHandler(() -> cancelled.set(true));
    long[] last = {0};
    threads.execute(() -> {
      try {
        exporter.run(job, p -> {
          synchronized (last) {
            long now = System.nanoTime();
            if (!p.finished() && (now - last[0] < PROGRESS_NANOS || !call.isReady())) {
              return; // drop an intermediate update rather than queue it
            }
            last[0] = now;
            if (!cancelled.get()) {
              call.onNext(proto(p));
            }
          }
        }, cancelled::get);
        if (!cancelled.get()) {
          call.onCompleted();
        }
      } catch (CancellationException e) {
        if (!cancelled.get()) {
          call.onError(Status.CANCELLED.withDescription("export cancelled").asRuntimeException());
        }
      } catch (RuntimeException e) {
        if (!cancelled.get()) {
          call.onError(Statuses.toStatus(e));
        }
      } finally {
        slots.release();
      }
    });
  }

  private ExportJob job(ExportRequest r) {
    Dataset d = registry.get(r.getDataset());
    Outputs o = ProtoMapping.outputs(r.getOutputsList(), d);
    ExportFormat f = switch (r.getFormat()) {
      case EXPORT_FORMAT_FOLDERS -> ExportFormat.FOLDERS;
      case EXPORT_FORMAT_ZIP -> ExportFormat.ZIP;
      case EXPORT_FORMAT_WEBDATASET -> ExportFormat.WEBDATASET;
      case EXPORT_FORMAT_NPY -> ExportFormat.NPY;
      case EXPORT_FORMAT_COCO -> ExportFormat.COCO;
      default -> throw FgbgException.invalidArgument("format " + r.getFormat()
          + " is not an export format; use folders, zip, webdataset, npy or coco");
    };
    long end = r.getEnd() == 0 ? d.size() : r.getEnd();
    return new ExportJob(d, r.getSeed(), r.getStart(), end, o, f, r.getDestination(),
        r.getOverwrite(), r.getShardSize() == 0 ? ExportJob.DEFAULT_SHARD_SIZE : r.getShardSize(),
        r.getJpegQuality() == 0 ? ExportJob.DEFAULT_JPEG_QUALITY : r.getJpegQuality(),
        r.getDepthNpy());
  }

  private static dev.fgbg.v1.ExportProgress proto(ExportProgress p) {
    dev.fgbg.v1.ExportProgress.Builder b = dev.fgbg.v1.ExportProgress.newBuilder()
        .setDone(p.done()).setTotal(p.total()).setBytes(p.bytes())
        .setSamplesPerSecond(p.samplesPerSecond()).setEtaSeconds(p.etaSeconds())
        .setCurrentShard(p.currentShard()).setShardsDone(p.shardsDone())
        .setShardsTotal(p.shardsTotal()).setShardsSkipped(p.shardsSkipped())
        .setFinished(p.finished());
    if (p.manifest() != null) {
      b.setManifest(p.manifest());
    }
    if (p.digest() != null) {
      b.setDigest(p.digest());
    }
    return b.build();
  }
}
