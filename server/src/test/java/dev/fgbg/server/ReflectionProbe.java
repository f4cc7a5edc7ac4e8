package dev.fgbg.server;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/** Asks a server's v1 reflection service to list its services. */
public final class ReflectionProbe {
  /** The services listed, and how the call ended (OK, or why not). */
  public record Outcome(List<String> services, Status status) {}

  private ReflectionProbe() {}

  public static Outcome v1(Channel channel) throws InterruptedException {
    return ReflectionProbe.<ServerReflectionRequest, ServerReflectionResponse>list(
        observer -> ServerReflectionGrpc.newStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS).serverReflectionInfo(observer),
        ServerReflectionRequest.newBuilder().setListServices("*").build(),
        r -> r.getListServicesResponse().getServiceList().stream()
            .map(ServiceResponse::getName).toList());
  }

  /** What {@link V1AlphaReflectionProbe} shares: open a call, send one request, collect. */
  public static <Q, R> Outcome list(Function<StreamObserver<R>, StreamObserver<Q>> open,
      Q request, Function<R, List<String>> names) throws InterruptedException {
    List<String> services = new ArrayList<>();
    Status[] status = {null};
    CountDownLatch done = new CountDownLatch(1);
    Consumer<Status> end = s -> {
      status[0] = s;
      done.countDown();
    };
    StreamObserver<Q> requests = open.apply(new StreamObserver<R>() {
      @Override
      public void onNext(R r) {
        synchronized (services) {
          services.addAll(names.apply(r));
        }
      }

      @Override
      public void onError(Throwable t) {
        end.accept(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        end.accept(Status.OK);
      }
    });
    requests.onNext(request);
    requests.onCompleted();
    if (!done.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("reflection did not answer within 10 s");
    }
    synchronized (services) {
      return new Outcome(List.copyOf(services), status[0]);
    }
  }
}
