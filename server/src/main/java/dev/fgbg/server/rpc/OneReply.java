package dev.fgbg.server.rpc;

import dev.fgbg.core.dataset.SampleInfo;
import dev.fgbg.core.deliver.Delivery;
import dev.fgbg.core.deliver.DeliveryBuilder;
import dev.fgbg.core.deliver.Plan;
import dev.fgbg.core.deliver.Renders;
import dev.fgbg.core.deliver.Work;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.server.status.Statuses;
import dev.fgbg.server.stop.RunningCall;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A call answered with one reply rendered in parallel pieces (GetSamples, Gallery): the pieces
 * of its delivery, and the answer that ends it.
 */
final class OneReply {
  private OneReply() {}

  /**
   * The delivery of {@code indices} in up to {@code threads} pieces at once on {@code lane}, the
   * pieces' infos gathered: {@code gathered} gets all of them, or, when the delivery failed or
   * {@code call} was cancelled, {@code failed} gets the cause (null for a cancel). Fatal errors
   * only are its events: a reply has no stream's counters.
   */
  static DeliveryBuilder<RenderedBatch> pieces(long[] indices, Work<RenderedBatch> work,
      Executor lane, int threads, ServerCallStreamObserver<?> call,
      Consumer<SampleInfo[]> gathered, Consumer<Throwable> failed) {
    int n = indices.length;
    int per = (n + threads - 1) / threads;
    return Delivery.of(Plan.of(indices), work, Renders.gathering(n, (infos, cause) -> {
      if (cause != null || call.isCancelled()) {
        failed.accept(cause);
        return;
      }
      gathered.accept(infos);
    }), lane).window(threads).pieceSamples(per).events(new StreamStats.FatalOnly());
  }

  /**
   * Ends {@code call} with its one reply, through {@code run} (unless the server's stop ended it
   * already): nothing once the client left, the status of {@code cause} when there is one, else
   * the reply, {@code sent} run between it and the end (what goes back before the client hears
   * it); {@code after} runs however it ends.
   */
  static <T> void answer(ServerCallStreamObserver<T> call, RunningCall run, Throwable cause,
      Supplier<T> reply, Runnable sent, Runnable after) {
    try {
      run.end(() -> {
        if (call.isCancelled()) {
          return;
        }
        if (cause != null) {
          call.onError(run.status(cause));
          return;
        }
        call.onNext(reply.get());
        sent.run();
        call.onCompleted();
      });
    } catch (RuntimeException failed) {
      call.onError(Statuses.toStatus(failed));
    } finally {
      after.run();
    }
  }
}
