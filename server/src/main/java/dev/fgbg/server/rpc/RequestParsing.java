package dev.fgbg.server.rpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import dev.fgbg.server.status.Statuses;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Parses request messages before the interceptors and the service see them, so that bytes that
 * are not the method's request (not protobuf, a string that is not UTF-8) and a unary call
 * with no request or a second one end with INVALID_ARGUMENT naming the problem. Left to grpc,
 * a parse failure is UNKNOWN "Application error processing RPC" and a SEVERE trace in the log.
 */
final class RequestParsing {
  private RequestParsing() {}

  /**
   * {@code service} taking its requests as bytes and parsing them here; {@code rejected} hears
   * of each call refused (method name, status code), for metrics.
   */
  static ServerServiceDefinition wrap(ServerServiceDefinition service,
      BiConsumer<String, Status.Code> rejected) {
    ServiceDescriptor sd = service.getServiceDescriptor();
    List<ServerMethodDefinition<RequestBytes, ?>> methods = new ArrayList<>();
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(sd.getName())
        .setSchemaDescriptor(sd.getSchemaDescriptor());
    for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
      ServerMethodDefinition<RequestBytes, ?> raw = raw(m, rejected);
      methods.add(raw);
      descriptor.addMethod(raw.getMethodDescriptor());
    }
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(b::addMethod);
    return b.build();
  }

  private static <Q, R> ServerMethodDefinition<RequestBytes, R> raw(
      ServerMethodDefinition<Q, R> def, BiConsumer<String, Status.Code> rejected) {
    MethodDescriptor<Q, R> typed = def.getMethodDescriptor();
    if (!(typed.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<Q> pm)
        || !(pm.getMessagePrototype() instanceof Message prototype)) {
      throw new IllegalArgumentException(typed.getFullMethodName() + " does not take protobuf "
          + "messages");
    }
    // Registered as client-streaming so that grpc itself does not end a unary call with a
    // second request as a cancel (RST_STREAM): the count is checked here, with a status.
    MethodDescriptor<RequestBytes, R> raw = typed.toBuilder(RequestBytes.MARSHALLER,
        typed.getResponseMarshaller())
        .setType(typed.getType().serverSendsOneMessage()
            ? MethodDescriptor.MethodType.CLIENT_STREAMING
            : MethodDescriptor.MethodType.BIDI_STREAMING)
        .build();
    ServerCallHandler<RequestBytes, R> handler = (call, headers) -> {
      ServerCall.Listener<Q> inner = def.getServerCallHandler().startCall(
          new TypedCall<>(call, typed), headers);
      return new Parsing<>(call, inner, prototype, typed, rejected);
    };
    return ServerMethodDefinition.create(raw, handler);
  }

  /**
   * Why {@code bytes} are not a {@code type} message: the string field that is not UTF-8 when
   * that is the reason, else the protobuf parser's words.
   */
  static String problem(byte[] bytes, Descriptor type, InvalidProtocolBufferException e) {
    try {
      String field = badUtf8(UnknownFieldSet.parseFrom(bytes), type, "");
      if (field != null) {
        return "field '" + field + "' is not valid UTF-8";
      }
    } catch (InvalidProtocolBufferException notWireFormat) {
      // fall through to the parser's own words
    }
    return "not protobuf wire format (" + e.getMessage() + ")";
  }

  /** The path of the first string field (nested or not) that is not UTF-8, or null. */
  private static String badUtf8(UnknownFieldSet fields, Descriptor type, String prefix)
      throws InvalidProtocolBufferException {
    for (Map.Entry<Integer, UnknownFieldSet.Field> e : fields.asMap().entrySet()) {
      FieldDescriptor f = type.findFieldByNumber(e.getKey());
      if (f == null) {
        continue;
      }
      for (ByteString value : e.getValue().getLengthDelimitedList()) {
        if (f.getType() == FieldDescriptor.Type.STRING && !value.isValidUtf8()) {
          return prefix + f.getName();
        }
        if (f.getType() == FieldDescriptor.Type.MESSAGE) {
          String inner = badUtf8(UnknownFieldSet.parseFrom(value), f.getMessageType(),
              prefix + f.getName() + ".");
          if (inner != null) {
            return inner;
          }
        }
      }
    }
    return null;
  }

  /** The raw call's listener: parses each message and hands it on, or ends the call. */
  private static final class Parsing<Q, R> extends ServerCall.Listener<RequestBytes> {
    private final ServerCall<RequestBytes, R> call;
    private final ServerCall.Listener<Q> inner;
    private final Message prototype;
    private final MethodDescriptor<Q, R> typed;
    private final BiConsumer<String, Status.Code> rejected;
    private int received;
    private boolean refused;

    Parsing(ServerCall<RequestBytes, R> call, ServerCall.Listener<Q> inner, Message prototype,
        MethodDescriptor<Q, R> typed, BiConsumer<String, Status.Code> rejected) {
      this.call = call;
      this.inner = inner;
      this.prototype = prototype;
      this.typed = typed;
      this.rejected = rejected;
    }

    @Override
    public void onMessage(RequestBytes message) {
      if (refused) {
        return;
      }
      if (message.unread() != null) {
        refuse(message.unread());
        return;
      }
      byte[] bytes = message.bytes();
      if (++received > 1 && typed.getType().clientSendsOneMessage()) {
        call.request(1); // read on to the client's end, then refuse (see onHalfClose)
        return;
      }
      Message parsed;
      try {
        parsed = prototype.getParserForType().parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        refuse("the request is not a valid " + prototype.getDescriptorForType().getFullName()
            + ": " + problem(bytes, prototype.getDescriptorForType(), e));
        return;
      }
      @SuppressWarnings("unchecked") // the prototype is the method's own request type
      Q request = (Q) parsed;
      inner.onMessage(request);
    }

    @Override
    public void onHalfClose() {
      if (refused) {
        return;
      }
      if (received != 1 && typed.getType().clientSendsOneMessage()) {
        refuse("a " + typed.getBareMethodName() + " call takes one request message; the client "
            + "sent " + received);
        return;
      }
      inner.onHalfClose();
    }

    @Override
    public void onCancel() {
      if (!refused) {
        inner.onCancel();
      }
    }

    @Override
    public void onComplete() {
      if (!refused) {
        inner.onComplete();
      }
    }

    @Override
    public void onReady() {
      if (!refused) {
        inner.onReady();
      }
    }

    /**
     * Ends the call; to the interceptors and the service it is a call cancelled before its
     * request came (so a stream counted open is counted closed).
     */
    private void refuse(String why) {
      refuse(Status.INVALID_ARGUMENT.withDescription(why));
    }

    private void refuse(Status status) {
      refused = true;
      rejected.accept(typed.getBareMethodName(), status.getCode());
      String why = Statuses.cut(String.valueOf(status.getDescription()));
      call.close(status.withDescription(why), new Metadata());
      inner.onCancel();
    }
  }

  /**
   * The raw call as the typed method's call, for the interceptors and the service. Every
   * {@link ServerCall} method but {@code getMethodDescriptor} is forwarded; none of them takes
   * the request type, so the raw call serves as the typed one.
   */
  private static final class TypedCall<Q, R> extends ForwardingServerCall<Q, R> {
    private final ServerCall<Q, R> raw;
    private final MethodDescriptor<Q, R> typed;

    @SuppressWarnings("unchecked") // only the request type differs, and no call method takes it
    TypedCall(ServerCall<RequestBytes, R> raw, MethodDescriptor<Q, R> typed) {
      this.raw = (ServerCall<Q, R>) (ServerCall<?, R>) raw;
      this.typed = typed;
    }

    @Override
    protected ServerCall<Q, R> delegate() {
      return raw;
    }

    @Override
    public MethodDescriptor<Q, R> getMethodDescriptor() {
      return typed;
    }
  }
}
