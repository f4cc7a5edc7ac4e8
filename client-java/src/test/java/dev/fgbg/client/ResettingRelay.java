package dev.fgbg.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.internal.ServerStream;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A gRPC server on loopback that relays every call, as bytes, to a backend fgbg server, and
 * that {@link #reset}s the calls under way: an RST_STREAM (CANCEL) for each, as a server whose
 * shutdown grace ran out sends to the streams still busy, the connection kept. (A server's
 * {@code shutdownNow} sends those resets too, but then closes the connection at once, and a
 * client with messages still unread may take the close first: grpc-java has no public way to
 * reset one call, so the relay asks the call's transport stream, as its own deadline does.)
 */
final class ResettingRelay implements AutoCloseable {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor
      .Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private final Server server;
  private final String target;
  private final Channel backend;
  /** The calls under way. */
  private final Set<ServerCall<?, ?>> open = ConcurrentHashMap.newKeySet();
  /** One permit per call that reached the relay. */
  private final Semaphore arrived = new Semaphore(0);

  ResettingRelay(Channel backend) throws IOException {
    this.backend = backend;
    this.server = NettyServerBuilder.forAddress(new InetSocketAddress(
        InetAddress.getLoopbackAddress(), 0)).fallbackHandlerRegistry(new HandlerRegistry() {
          @Override
          public ServerMethodDefinition<?, ?> lookupMethod(String method, String authority) {
            MethodDescriptor<byte[], byte[]> d = MethodDescriptor.newBuilder(BYTES, BYTES)
                .setFullMethodName(method).setType(MethodDescriptor.MethodType.UNKNOWN).build();
            return ServerMethodDefinition.create(d, relay(d));
          }
        }).build().start();
    this.target = "127.0.0.1:" + server.getPort();
  }

  String target() {
    return target;
  }

  /** Waits until a call reached the relay. */
  void awaitCall() throws InterruptedException {
    if (!arrived.tryAcquire(30, TimeUnit.SECONDS)) {
      throw new AssertionError("no call reached the relay");
    }
  }

  /** Resets every call under way (RST_STREAM CANCEL); the connections stay open. */
  void reset() throws ReflectiveOperationException {
    Field stream = Class.forName(ServerStream.class.getPackageName()
        + ".ServerCallImpl").getDeclaredField("stream");
    stream.setAccessible(true);
    for (ServerCall<?, ?> call : open) {
      ((ServerStream) stream.get(call)).cancel(Status.CANCELLED);
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(10, TimeUnit.SECONDS);
  }

  private ServerCallHandler<byte[], byte[]> relay(MethodDescriptor<byte[], byte[]> method) {
    return (call, headers) -> {
      ClientCall<byte[], byte[]> out = backend.newCall(method, CallOptions.DEFAULT);
      AtomicBoolean wanted = new AtomicBoolean();
      open.add(call);
      out.start(new ClientCall.Listener<>() {
        @Override
        public void onHeaders(Metadata h) {
          call.sendHeaders(h);
        }

        @Override
        public void onMessage(byte[] message) {
          // The next only once the client takes more: the relay holds one message at most.
          call.sendMessage(message);
          wanted.set(true);
          if (call.isReady() && wanted.compareAndSet(true, false)) {
            out.request(1);
          }
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
          open.remove(call);
          try {
            call.close(status, trailers);
          } catch (IllegalStateException alreadyEnded) {
            // the relay reset the call first
          }
        }
      }, headers);
      out.request(1);
      call.request(1);
      arrived.release();
      return new ServerCall.Listener<>() {
        @Override
        public void onMessage(byte[] message) {
          out.sendMessage(message);
          call.request(1);
        }

        @Override
        public void onReady() {
          if (wanted.compareAndSet(true, false)) {
            out.request(1);
          }
        }

        @Override
        public void onHalfClose() {
          out.halfClose();
        }

        @Override
        public void onCancel() {
          open.remove(call);
          out.cancel("the relay's call ended", null);
        }
      };
    };
  }
}
