package dev.fgbg.server.rpc;

import com.google.protobuf.ByteString;
import dev.fgbg.core.deliver.Delivery;
import dev.fgbg.core.deliver.Renders;
import dev.fgbg.core.load.RenderScheduler;
import dev.fgbg.core.render.BatchArrays;
import dev.fgbg.core.render.BatchShape;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.stats.Gallery;
import dev.fgbg.core.stats.GalleryGrid;
import dev.fgbg.server.admission.LoadControl;
import dev.fgbg.server.status.FatalErrors;
import dev.fgbg.server.status.Statuses;
import dev.fgbg.server.stop.RunningCall;
import dev.fgbg.server.transport.ClientIdentity;
import dev.fgbg.v1.GalleryResponse;
import io.grpc.stub.ServerCallStreamObserver;
import java.awt.image.BufferedImage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * Gallery calls under the load safety the other heavy calls have (a 64-row grid is a 50 MB
 * image): admitted ({@code --max-galleries} drawing, {@code --gallery-queue} waiting, more
 * refused), then charged to the memory budget for the most it holds ({@link GalleryGrid#bytes},
 * queued without a thread), its rows rendered in parallel pieces on the lane its client's
 * galleries share, then drawn and encoded there as one more task. A cancel or a passed deadline
 * stops it between samples, rows or PNG rows; the bytes and the permit go back however it ends.
 */
final class GalleryCalls {
  private final LoadControl load;
  private final int threads;
  private final StreamStats stats;

  /** @param threads render threads: how many pieces a gallery's rows are rendered in */
  GalleryCalls(LoadControl load, int threads, StreamStats stats) {
    this.load = load;
    this.threads = Math.max(1, threads);
    this.stats = stats;
  }

  /** Answers {@code call} with {@code grid} (already checked) drawn from {@code seed}. */
  void gallery(GalleryGrid grid, long seed, ServerCallStreamObserver<GalleryResponse> call) {
    Job job = new Job(grid, seed, call, load.galleryLane(ClientIdentity.current()));
    load.galleries.start(call, job::cancel, job::start);
  }

  /** One admitted gallery; {@link #end} completes (the permit goes) once it has answered. */
  private final class Job {
    private final GalleryGrid grid;
    private final long seed;
    private final ServerCallStreamObserver<GalleryResponse> call;
    private final RenderScheduler.Lane lane;
    private final long bytes;
    private final CompletableFuture<Void> end = new CompletableFuture<>();
    private volatile CompletableFuture<Void> budget;
    private volatile Delivery<RenderedBatch> rows;
    private volatile RunningCall run;
    private boolean released;

    Job(GalleryGrid grid, long seed, ServerCallStreamObserver<GalleryResponse> call,
        RenderScheduler.Lane lane) {
      this.grid = grid;
      this.seed = seed;
      this.call = call;
      this.lane = lane;
      this.bytes = load.charge(grid.bytes());
    }

    CompletableFuture<?> start() {
      run = RunningCall.track(load.galleries.draining(), call, "Gallery call", this::cancel);
      CompletableFuture<Void> granted = load.budget.acquire(bytes);
      budget = granted;
      if (run.cancelled().getAsBoolean()) {
        granted.cancel(false); // cancelled before the handler could see the wait
      }
      granted.whenComplete((v, e) -> {
        if (e != null) {
          stats.droppedFromQueue(); // left (or stopped) while it waited: nothing was granted
          OneReply.answer(call, run, e, null, () -> { }, () -> end.complete(null));
          return;
        }
        render();
      });
      return end;
    }

    void cancel() {
      CompletableFuture<Void> granted = budget;
      if (granted != null) {
        granted.cancel(false);
      }
      Delivery<RenderedBatch> d = rows;
      if (d != null) {
        d.cancel();
      }
    }

    /** The rows in up to {@code threads} pieces at once, into one batch's arrays. */
    private void render() {
      long[] indices = grid.indices();
      BatchShape shape = grid.shape();
      BatchArrays whole = BatchArrays.allocate(shape, indices.length);
      Delivery<RenderedBatch> d = OneReply.pieces(indices, Renders.into(shape, seed, whole), lane,
          threads, call, infos -> {
            RenderedBatch all = new RenderedBatch(indices, whole.images(), whole.masks(),
                whole.depth(), whole.instances(), shape.encoding(), infos);
            // A teacher's background depths are computed on its threads, not the lane's.
            grid.backgroundDepths(GalleryGrid.backgrounds(all)).whenComplete((bgDepths, t) -> {
              if (t != null) {
                finish(null, t);
                return;
              }
              try {
                lane.execute(() -> draw(all, bgDepths));
              } catch (RejectedExecutionException e) {
                finish(null, Statuses.shuttingDown());
              }
            });
          }, cause -> finish(null, cause)).cancelledWhen(run.cancelled()).build();
      rows = d;
      if (run.stopped()) {
        d.cancel(); // stopped before the stop could see the rows
      }
      d.start();
    }

    /** On the lane: the grid, then its PNG, each stopping once the call is cancelled. */
    private void draw(RenderedBatch all, byte[][] bgDepths) {
      GalleryResponse reply;
      try {
        BufferedImage img = grid.draw(all, bgDepths, run.cancelled());
        ByteString.Output png = ByteString.newOutput();
        Gallery.png(img, png, run.cancelled());
        GalleryResponse.Builder b = GalleryResponse.newBuilder().setPng(png.toByteString())
            .setWidth(img.getWidth()).setHeight(img.getHeight());
        for (long i : grid.indices()) {
          b.addIndices(i);
        }
        reply = b.build();
      } catch (Throwable t) {
        FatalErrors.check(t);
        finish(null, t);
        return;
      }
      finish(reply, null);
    }

    /** Answers (unless the client left), gives the bytes back, then lets the next one in. */
    private void finish(GalleryResponse reply, Throwable cause) {
      OneReply.answer(call, run, cause, () -> reply, this::release, () -> {
        release();
        end.complete(null);
      });
    }

    private synchronized void release() {
      if (!released) {
        released = true;
        load.budget.release(bytes);
      }
    }
  }
}
