package dev.fgbg.server.rpc;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.ZipException;

/**
 * A request message as the transport hands it over: its bytes, or the status saying why they
 * could not be read. A compressed message is inflated as it is read here, where grpc enforces
 * the inbound size limit and meets a body that is not what its grpc-encoding says; thrown from
 * the marshaller, either would end the call UNKNOWN "Application error processing RPC" with a
 * SEVERE trace in the log, so {@link RequestParsing} ends the call with the status instead.
 */
record RequestBytes(byte[] bytes, Status unread) {
  static final MethodDescriptor.Marshaller<RequestBytes> MARSHALLER = new MethodDescriptor
      .Marshaller<>() {
    @Override
    public InputStream stream(RequestBytes value) {
      return new ByteArrayInputStream(value.bytes());
    }

    @Override
    public RequestBytes parse(InputStream stream) {
      try (stream) {
        return new RequestBytes(stream.readAllBytes(), null); // bounded by the inbound limit
      } catch (StatusRuntimeException e) {
        return new RequestBytes(null, e.getStatus()); // decompressed past the limit
      } catch (IOException e) {
        // Only inflating can fail here: the message's bytes are already in memory.
        return new RequestBytes(null, Status.INVALID_ARGUMENT.withDescription("the request "
            + "message could not be decompressed by its grpc-encoding ("
            + (e instanceof ZipException ? "" : e.getClass().getSimpleName() + ": ")
            + e.getMessage() + ")"));
      }
    }
  };
}
