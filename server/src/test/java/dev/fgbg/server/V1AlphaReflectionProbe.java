package dev.fgbg.server;

import io.grpc.Channel;
import io.grpc.reflection.v1alpha.ServerReflectionGrpc;
import io.grpc.reflection.v1alpha.ServerReflectionRequest;
import io.grpc.reflection.v1alpha.ServerReflectionResponse;
import io.grpc.reflection.v1alpha.ServiceResponse;
import java.util.concurrent.TimeUnit;

/** Asks a server's v1alpha reflection service (what grpc-js and older grpcurl use) to list. */
@SuppressWarnings("deprecation")
public final class V1AlphaReflectionProbe {
  private V1AlphaReflectionProbe() {}

  public static ReflectionProbe.Outcome list(Channel channel) throws InterruptedException {
    return ReflectionProbe.<ServerReflectionRequest, ServerReflectionResponse>list(
        observer -> ServerReflectionGrpc.newStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS).serverReflectionInfo(observer),
        ServerReflectionRequest.newBuilder().setListServices("*").build(),
        r -> r.getListServicesResponse().getServiceList().stream()
            .map(ServiceResponse::getName).toList());
  }
}
