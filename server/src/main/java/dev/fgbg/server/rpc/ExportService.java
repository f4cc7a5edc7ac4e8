package dev.fgbg.server.rpc;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.common.Causes;
import dev.fgbg.common.DiskFull;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import dev.fgbg.core.Rate;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.export.DestinationLock;
import dev.fgbg.core.export.ExportFormat;
import dev.fgbg.core.export.ExportJob;
import dev.fgbg.core.export.ExportReport;
import dev.fgbg.core.export.Exporter;
import dev.fgbg.server.admission.AdmittedCalls;
import dev.fgbg.server.observe.RefusalLog;
import dev.fgbg.server.status.ServerStopping;
import dev.fgbg.server.status.Statuses;
import dev.fgbg.server.stop.DeadlineEnds;
import dev.fgbg.server.stop.Draining;
import dev.fgbg.server.stop.RunningCall;
import dev.fgbg.server.transport.ClientIdentity;
import dev.fgbg.v1.ExportProgress;
import dev.fgbg.v1.ExportRequest;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs Export calls: admitted by {@link AdmittedCalls} (a cap on running exports with a bounded
 * queue), one export thread each, progress at most every {@link Rate#PACE_NANOS}. The log says
 * when each starts and how it ended (finished, cancelled, stopped, failed and why), in one line
 * each.
 */
final class ExportService {
  private static final Logger LOG = Logger.getLogger(ExportService.class.getName());
  private static final String CANCELLED = "cancelled by the client";
  /**
   * Failures of what the client asked (a bad value, a name outside the root, more than the
   * per-export quota): the end line stays INFO. Any other failure is taken as the server's (its
   * export root, a disk that filled during the export though RESOURCE_EXHAUSTED too, a bug): a
   * WARNING, for the operator, with the cause and no stack trace.
   */
  private static final Set<Status.Code> CLIENTS = EnumSet.of(Status.Code.INVALID_ARGUMENT,
      Status.Code.NOT_FOUND, Status.Code.ALREADY_EXISTS, Status.Code.OUT_OF_RANGE,
      Status.Code.PERMISSION_DENIED, Status.Code.RESOURCE_EXHAUSTED);
  /** An export the client cut at its deadline (its stream_timeout, --deadline, …). */
  private static final String DEADLINE = "ended by the client's deadline";
  private static final String STOPPED = "stopped: the server is stopping (run it again to "
      + "resume)";
  /** What an export on a server without an export root is told. */
  static final String EXPORTS_OFF = "exports are off on this server: it listens beyond loopback "
      + "and was started without --export-root; restart it with --export-root DIR to allow them";

  private final DatasetRegistry registry;
  private final Exporter exporter;
  private final AdmittedCalls admitted;
  private final Ticker ticker;
  private final Draining draining;

  /**
   * @param exporter null when exports are off (each is refused with FAILED_PRECONDITION)
   * @param admitted queues exports and runs each admitted one's own loop on its thread
   * @param ticker paces the progress messages
   * @param draining stops a running export when the server's grace runs out
   */
  ExportService(DatasetRegistry registry, Exporter exporter, AdmittedCalls admitted,
      Ticker ticker, Draining draining) {
    this.registry = registry;
    this.exporter = exporter;
    this.admitted = admitted;
    this.ticker = ticker;
    this.draining = draining;
  }

  void export(ExportRequest req, StreamObserver<ExportProgress> response) {
    ServerCallStreamObserver<ExportProgress> call =
        (ServerCallStreamObserver<ExportProgress>) response;
    ExportJob job;
    try {
      job = job(req);
    } catch (RuntimeException e) {
      call.onError(Statuses.toStatus(e));
      return;
    }
    AtomicBoolean cancelled = new AtomicBoolean();
    Deadline deadline = Context.current().getDeadline();
    long[] last = {0, 0}; // when the last report was sent, and its complete shards
    AtomicLong kept = new AtomicLong(); // samples in complete shards: what a stop leaves
    String who = ClientIdentity.current();
    String what = "export to " + Quoted.of(job.destination());
    long total = job.selection().size();
    // Told apart when the cancel comes: the client's reset at its deadline, or its own cancel.
    AtomicBoolean deadlinePassed = new AtomicBoolean();
    Runnable busy = RefusalLog.busy(); // marked in the call's context, from the export's thread
    admitted.run(call, () -> {
      deadlinePassed.set(DeadlineEnds.passed(deadline));
      cancelled.set(true);
    }, () -> {
      // Said once the manifest tells a resume (how much it found), or with the end line
      // of an export that ended before.
      ExportStartLine start = new ExportStartLine(what + " started for " + who + ": "
          + job.format().id() + ", " + total + " samples of dataset "
          + Quoted.of(job.dataset().name()));
      long started = ticker.read();
      // An export that does not stop in time (blocked on a slow disk, or on renders queued
      // behind others) is ended from the stop: its status in words before the transport's
      // cancel, and its end line, which the process's exit would otherwise cut off.
      // (It polls the stop itself: nothing else to cancel.)
      RunningCall run = RunningCall.track(draining, call, ExportService::whyStopped, () -> { },
          () -> endLine(start, what + " " + STOPPED, Level.INFO, kept, total, started));
      String end = CANCELLED;
      Level level = Level.INFO;
      Runnable close = () -> { };
      boolean refused = false; // before it began: no start line, no end line
      try {
        exporter.run(job, new ExportReport.Listener() {
          @Override
          public void planned(long already) {
            kept.set(already);
            start.say(already);
          }

          @Override
          public void progress(ExportReport p) {
            kept.set(p.kept());
            // Lock order: `last`, then the call's OneEnd (run.send); nothing run under OneEnd
            // takes `last` or touches a file.
            synchronized (last) {
              long now = ticker.read();
              // a shard completed is always sent: the client's count of what is kept is the
              // log's
              if (!p.finished() && p.shardsDone() == last[1]
                  && (now - last[0] < Rate.PACE_NANOS || !call.isReady())) {
                return; // drop an intermediate update rather than queue it
              }
              last[0] = now;
              last[1] = p.shardsDone();
              if (!cancelled.get()) {
                run.send(() -> call.onNext(proto(p)));
              }
            }
          }

          @Override
          public boolean completing(ExportReport.Step step) throws IOException {
            // Decided with the call's end (OneEnd), run without it: nothing completes once the
            // call ended, the client cannot hear of it (gone, or its deadline too near) or the
            // server stops; the step's files and manifest are written outside the lock, so a
            // stop's end of this call (Draining.endAll) never waits on a slow disk. A call
            // ended meanwhile is not told of that shard: its resume reads the manifest.
            boolean[] go = {false};
            run.send(() -> go[0] = !cancelled.get() && !draining.stopping()
                && !DeadlineEnds.near(deadline));
            if (go[0]) {
              step.run();
            }
            return go[0];
          }
        }, () -> cancelled.get() || draining.stopping());
        if (!cancelled.get()) {
          end = "finished";
          close = call::onCompleted;
        }
      } catch (CancellationException e) {
        if (!cancelled.get()) {
          boolean stopping = draining.stopping();
          boolean deadlineNear = !stopping && DeadlineEnds.near(deadline);
          end = stopping ? STOPPED : deadlineNear ? DEADLINE : "cancelled";
          // Its shard was not completed so near the deadline: the client's deadline ends the
          // call a moment later, in the client's own words.
          close = deadlineNear ? () -> { } : () -> call.onError(stopping
              ? Statuses.toStatus(whyStopped()) : Statuses.exportCancelled());
        }
      } catch (RuntimeException | Error e) { // an Error (a bug) too: the client hears of it
        if (!cancelled.get()) {
          StatusRuntimeException failed = Statuses.toStatus(e);
          // Its folder held by another export, inside an export, or a file (preconditions,
          // checked before any write): the refusal log's, as the client may retry; once.
          refused = DestinationLock.refused(e);
          if (refused) {
            busy.run();
          }
          end = "failed: " + failed.getStatus().getDescription() + deniedFile(e);
          level = CLIENTS.contains(failed.getStatus().getCode()) && !DiskFull.in(e) ? Level.INFO
              : Level.WARNING;
          close = () -> call.onError(failed);
        }
      } finally {
        if (run.end(close) && !refused) {
          endLine(start, what + " " + (CANCELLED.equals(end) && deadlinePassed.get() ? DEADLINE
              : end), level, kept, total, started);
        }
      }
    });
  }

  /**
   * Logs an export's one end line: {@code line}, then the samples kept on disk (those of
   * complete shards: what a resume does not redo, as the client counts them) and how long it ran.
   */
  private void endLine(ExportStartLine start, String line, Level level, AtomicLong kept, long total,
      long started) {
    start.say(0);
    long k = kept.get();
    LOG.log(level, line + ": " + k + " of " + total + " samples kept" + (k < total
        ? " (in complete shards; a resume redoes the rest)" : "") + " in "
        + seconds(ticker.read() - started));
  }

  /**
   * The file whose permission was denied, for the end line: the client is told the folder to
   * fix, not this (often a temporary name); the server's user reads both. No stack trace: an
   * unwritable root is a set-up to fix, not a bug.
   */
  private static String deniedFile(Throwable e) {
    return Causes.find(e, AccessDeniedException.class).map(AccessDeniedException::getFile)
        .map(f -> " (permission denied on " + f + ")").orElse("");
  }

  private static ServerStopping whyStopped() {
    return new ServerStopping("export", "run the same export again once a server is up: it "
        + "resumes where this one stopped");
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }

  private ExportJob job(ExportRequest r) {
    if (exporter == null) {
      throw FgbgException.failedPrecondition(EXPORTS_OFF);
    }
    if (!r.getDestination().isBlank()) {
      // The destination first, before a slot, a queue or a start line (the export checks it
      // again, against swapped links): a path outside the root is refused in its own words
      // whatever else is wrong with the request (an empty one is ExportJob's to word).
      exporter.root().resolve(r.getDestination());
    }
    Dataset d = registry.get(r.getDataset());
    Outputs o = ProtoMapping.outputs(r.getOutputsValueList(), d);
    ExportFormat f = switch (r.getFormat()) {
      case EXPORT_FORMAT_FOLDERS -> ExportFormat.FOLDERS;
      case EXPORT_FORMAT_ZIP -> ExportFormat.ZIP;
      case EXPORT_FORMAT_WEBDATASET -> ExportFormat.WEBDATASET;
      case EXPORT_FORMAT_NPY -> ExportFormat.NPY;
      case EXPORT_FORMAT_COCO -> ExportFormat.COCO;
      default -> throw FgbgException.invalidArgument("format "
          + ProtoMapping.sent(r.getFormat(), r.getFormatValue())
          + " is not an export format; use folders, zip, webdataset, npy or coco");
    };
    ExportJob job = new ExportJob(d, r.getSeed(), Selections.of(d, r), o, f,
        r.getDestination(), r.getOverwrite(),
        r.getShardSize() == 0 ? ExportJob.DEFAULT_SHARD_SIZE : r.getShardSize(),
        r.getJpegQuality() == 0 ? ExportJob.DEFAULT_JPEG_QUALITY : r.getJpegQuality(),
        r.getDepthNpy());
    return job;
  }

  private static ExportProgress proto(ExportReport p) {
    ExportProgress.Builder b = ExportProgress.newBuilder()
        .setDone(p.done()).setKept(p.kept()).setTotal(p.total()).setBytes(p.bytes())
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
