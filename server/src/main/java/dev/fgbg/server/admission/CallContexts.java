package dev.fgbg.server.admission;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import java.util.Set;

/**
 * A GetSamples or StreamEpoch call's own cancellable context, which the server can end after the
 * call's status has gone into the transport (a unary call's {@code ServerCall} cannot be closed
 * twice, and grpc-java hands the service only an uncancellable view of the call's context):
 * cancelling it with a DEADLINE_EXCEEDED status makes grpc-java reset the call's stream, which
 * drops what the transport still queues for it (see {@link UnreadReplies}, {@code UnreadStreams}).
 * A stream tracer puts it above the context grpc-java creates for the call, whose cancellation
 * follows it.
 */
public final class CallContexts {
  private static final Context.Key<Context.CancellableContext> CALL =
      Context.key("fgbg-call-context");

  private CallContexts() {}

  /** The current call's context, or null where the tracer did not set one. */
  public static Context.CancellableContext current() {
    return CALL.get();
  }

  /** Gives each call of the {@code methods} (full names) a context the server may cancel. */
  public static ServerStreamTracer.Factory tracer(Set<String> methods) {
    ServerStreamTracer none = new ServerStreamTracer() { };
    return new ServerStreamTracer.Factory() {
      @Override
      public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
        if (!methods.contains(fullMethodName)) {
          return none;
        }
        return new ServerStreamTracer() {
          @Override
          public Context filterContext(Context context) {
            Context.CancellableContext c = context.withCancellation();
            return c.withValue(CALL, c);
          }
        };
      }
    };
  }
}
