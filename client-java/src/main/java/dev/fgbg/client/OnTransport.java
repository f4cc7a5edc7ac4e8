package dev.fgbg.client;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;

/**
 * Whether one call had a connection: grpc-java created its stream on a transport, which takes
 * streams only once ready (after the server's HTTP/2 settings). The call's own attributes say
 * so only with the server's headers, and with retries on (grpc-java's default) never for a call
 * that ends uncommitted, as one at its deadline does: they are then a no-op stream's.
 */
final class OnTransport extends ClientStreamTracer.Factory {
  private volatile boolean created;

  /** {@code options} marking this call's streams. */
  CallOptions on(CallOptions options) {
    return options.withStreamTracerFactory(this);
  }

  /** Whether a stream of the call was created on a transport. */
  boolean created() {
    return created;
  }

  @Override
  public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info,
      Metadata headers) {
    return new ClientStreamTracer() {
      @Override
      public void streamCreated(Attributes transport, Metadata headers) {
        created = true;
      }
    };
  }
}
