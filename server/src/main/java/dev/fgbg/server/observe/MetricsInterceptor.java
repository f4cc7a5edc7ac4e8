package dev.fgbg.server.observe;

import dev.fgbg.common.DiskFull;
import dev.fgbg.core.Quoted;
import dev.fgbg.server.metrics.ServerMetrics;
import dev.fgbg.server.status.HeldByCall;
import dev.fgbg.server.stop.DeadlineEnds;
import dev.fgbg.v1.ExportProgress;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.SharedMemorySlot;
import io.grpc.Context;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Feeds {@link ServerMetrics} from every call of the fgbg service, without the service knowing:
 * samples and bytes in each message sent, open server streams, calls ended with an error status
 * (by code), exports a full disk stopped, and export progress.
 */
public final class MetricsInterceptor implements ServerInterceptor {
  private final ServerMetrics metrics;

  public MetricsInterceptor(ServerMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    String method = call.getMethodDescriptor().getBareMethodName();
    boolean streaming = !call.getMethodDescriptor().getType().serverSendsOneMessage();
    String[] destination = {null};
    Runnable end = () -> {
      if (streaming) {
        metrics.closed(method);
      }
      if (destination[0] != null) {
        metrics.exportEnded(destination[0]);
      }
    };
    if (streaming) {
      metrics.opened(method);
    }
    // The end is counted after the error status (close) and the deadline (cancel) below.
    ServerCall.Listener<Q> listener = HeldByCall.start(call, end,
        held -> next.startCall(counted(held, method, destination), headers));
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Q message) {
        if (message instanceof ExportRequest r) {
          // The label as typed (Prometheus quotes it), cut and escaped as messages quote it.
          destination[0] = Quoted.bare(r.getDestination());
          // 0 from the start: the first batch may take seconds (CPU teacher depth, a queue).
          metrics.exportStarted(destination[0]);
        }
        super.onMessage(message);
      }

      @Override
      public void onCancel() {
        // A call cut by its deadline is an error a dashboard wants; a client's cancel is not.
        if (DeadlineEnds.passed(Context.current().getDeadline())) {
          metrics.rejected(method, Status.Code.DEADLINE_EXCEEDED.name());
        }
        super.onCancel();
      }
    };
  }

  /** The call counting what the service sends and the error status it ends with. */
  private <Q, A> ServerCall<Q, A> counted(ServerCall<Q, A> call, String method,
      String[] destination) {
    long[] exported = {0, 0}; // samples, bytes reported so far
    return new SimpleForwardingServerCall<>(call) {
      @Override
      public void sendMessage(A message) {
        if (message instanceof SampleBatch b) {
          // A batch through a shared-memory ring carries its arrays' lengths, not the arrays.
          SharedMemorySlot slot = b.getSharedMemory();
          metrics.sent(method, b.getIndicesCount(),
              (long) b.getImages().size() + b.getMasks().size() + b.getDepth().size()
                  + slot.getImagesLength() + slot.getMasksLength() + slot.getDepthLength());
        } else if (message instanceof ExportProgress p && destination[0] != null) {
          metrics.sent(method, p.getDone() - exported[0], p.getBytes() - exported[1]);
          exported[0] = p.getDone();
          exported[1] = p.getBytes();
          metrics.exportProgress(destination[0], p.getDone(), p.getTotal());
        }
        super.sendMessage(message);
      }

      @Override
      public void close(Status status, Metadata trailers) {
        if (!status.isOk() && status.getCode() != Status.Code.CANCELLED) {
          metrics.rejected(method, status.getCode().name());
          if (DiskFull.in(status.getCause())) { // the service's own failure, not load shed
            metrics.exportDiskFull();
          }
        }
        super.close(status, trailers);
      }
    };
  }
}
