package dev.fgbg.server.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.ExportFormat;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.GalleryRequest;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.SharedMemoryOffer;
import dev.fgbg.v1.StatsRequest;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

/**
 * Requests a client library would never send, as raw bytes over real Netty: bytes that are
 * not protobuf, strings that are not UTF-8, two requests or none on a unary call, and every
 * field of every RPC out of its range. Each gets INVALID_ARGUMENT (or the status its problem
 * calls for) naming the problem, nothing reaches the log as a trace, and the server serves on.
 */
@ExtendWith(LogCapture.Clean.class)
class HostileRequestsTest {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.netty(TestDatasets.registry(), 2);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    server.close();
  }

  private static ManagedChannel channel() {
    return server.channel();
  }

  private static FgbgGrpc.FgbgBlockingStub stub() {
    return FgbgGrpc.newBlockingStub(channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** {@code method} of the fgbg service as bytes in, bytes out. */
  private static MethodDescriptor<byte[], byte[]> raw(MethodDescriptor<?, ?> method) {
    return MethodDescriptor.<byte[], byte[]>newBuilder().setType(method.getType())
        .setFullMethodName(method.getFullMethodName()).setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES).build();
  }

  /** A message as its bytes, read whole. */
  static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try (stream) {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  private static void rawCall(MethodDescriptor<?, ?> method, byte[] request) {
    CallOptions o = CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS);
    if (method.getType() == MethodDescriptor.MethodType.UNARY) {
      ClientCalls.blockingUnaryCall(channel(), raw(method), o, request);
    } else {
      ClientCalls.blockingServerStreamingCall(channel(), raw(method), o, request)
          .forEachRemaining(b -> { });
    }
  }

  private static void expect(Status.Code code, String fragment, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().contains(fragment), e.getStatus().getDescription());
  }

  /** Field {@code number} as a length-delimited value holding {@code value}. */
  private static byte[] field(int number, byte... value) {
    byte[] out = new byte[value.length + 2];
    out[0] = (byte) (number << 3 | 2);
    out[1] = (byte) value.length;
    System.arraycopy(value, 0, out, 2, value.length);
    return out;
  }

  private static final byte[] NOT_UTF8 = {'b', (byte) 0xff, (byte) 0xfe, 'x'};

  @Test
  void bytesThatAreNotTheRequestGetInvalidArgumentNamingTheProblem() {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
    for (MethodDescriptor<?, ?> m : List.of(FgbgGrpc.getDescribeMethod(),
        FgbgGrpc.getGetSamplesMethod(), FgbgGrpc.getStreamEpochMethod(),
        FgbgGrpc.getExportMethod(), FgbgGrpc.getStatsMethod(),
        FgbgGrpc.getStatsWithProgressMethod(), FgbgGrpc.getGalleryMethod(),
        FgbgGrpc.getListDatasetsMethod(), FgbgGrpc.getServerStatsMethod(),
        HealthGrpc.getCheckMethod())) {
      String type = m.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> p
          ? ((Message) p.getMessagePrototype()).getDescriptorForType()
              .getFullName() : "?";
      expect(Status.Code.INVALID_ARGUMENT, "the request is not a valid " + type
          + ": not protobuf wire format", () -> rawCall(m, garbage));
    }
    // A field cut short: the length says 9 bytes, 2 follow.
    expect(Status.Code.INVALID_ARGUMENT, "not a valid fgbg.v1.DescribeRequest",
        () -> rawCall(FgbgGrpc.getDescribeMethod(), new byte[] {0x0a, 9, 'a', 'b'}));
    assertEquals("tiny", stub().describe(DescribeRequest.newBuilder().setDataset("tiny").build())
        .getName(), "still serving");
  }

  @Test
  void aStringThatIsNotUtf8IsNamedByItsField() {
    expect(Status.Code.INVALID_ARGUMENT, "the request is not a valid fgbg.v1.DescribeRequest: "
        + "field 'dataset' is not valid UTF-8",
        () -> rawCall(FgbgGrpc.getDescribeMethod(), field(1, NOT_UTF8)));
    expect(Status.Code.INVALID_ARGUMENT, "field 'destination' is not valid UTF-8",
        () -> rawCall(FgbgGrpc.getExportMethod(), field(7, NOT_UTF8)));
    expect(Status.Code.INVALID_ARGUMENT, "field 'dataset' is not valid UTF-8",
        () -> rawCall(FgbgGrpc.getStreamEpochMethod(), field(1, NOT_UTF8)));
    byte[] offer = field(1, NOT_UTF8); // SharedMemoryOffer.path
    int pathField = SharedMemoryOffer.getDescriptor().findFieldByName("path").getNumber();
    assertEquals(1, pathField);
    expect(Status.Code.INVALID_ARGUMENT, "field 'shared_memory.path' is not valid UTF-8",
        () -> rawCall(FgbgGrpc.getStreamEpochMethod(), field(14, offer)));
  }

  @Test
  void aUnaryCallWithTwoRequestsOrNoneIsRefused() throws Exception {
    byte[] describe = DescribeRequest.newBuilder().setDataset("tiny").build().toByteArray();
    Status two = send(FgbgGrpc.getDescribeMethod(), describe, describe);
    assertEquals(Status.Code.INVALID_ARGUMENT, two.getCode(), two.toString());
    assertTrue(two.getDescription().contains("takes one request message; the client sent 2"),
        two.toString());
    Status none = send(FgbgGrpc.getStreamEpochMethod());
    assertEquals(Status.Code.INVALID_ARGUMENT, none.getCode(), none.toString());
    assertTrue(none.getDescription().contains("takes one request message; the client sent 0"),
        none.toString());
  }

  /** Sends {@code requests} on one call, half-closes, and returns how the call ended. */
  private static Status send(MethodDescriptor<?, ?> method, byte[]... requests)
      throws Exception {
    ClientCall<byte[], byte[]> call = channel().newCall(raw(method).toBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING).build(),
        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
    CompletableFuture<Status> closed = new CompletableFuture<>();
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.complete(status);
      }
    }, new Metadata());
    call.request(Integer.MAX_VALUE);
    for (byte[] r : requests) {
      call.sendMessage(r);
    }
    call.halfClose();
    return closed.get(30, TimeUnit.SECONDS);
  }

  @Test
  void everyFieldOutOfItsRangeIsNamed() {
    GalleryRequest.Builder gallery = GalleryRequest.newBuilder().setDataset("tiny");
    expect(Status.Code.INVALID_ARGUMENT, "count -1 must be in [0, 64]",
        () -> stub().gallery(gallery.clone().setCount(-1).build()));
    expect(Status.Code.INVALID_ARGUMENT, "count -2147483648 must be in [0, 64]",
        () -> stub().gallery(gallery.clone().setCount(Integer.MIN_VALUE).build()));
    expect(Status.Code.INVALID_ARGUMENT, "count 65 must be in [0, 64]",
        () -> stub().gallery(gallery.clone().setCount(65).build()));
    expect(Status.Code.INVALID_ARGUMENT, "index -1 is out of range",
        () -> stub().gallery(gallery.clone().addIndices(-1).build()));
    // An enum value this server does not know is shown as the number sent.
    expect(Status.Code.INVALID_ARGUMENT, "outputs: 99 is not an output",
        () -> stub().getSamples(GetSamplesRequest.newBuilder().setDataset("tiny")
            .addIndices(1).addOutputsValue(99).build()));
    expect(Status.Code.INVALID_ARGUMENT, "outputs: OUTPUT_UNSPECIFIED is not an output",
        () -> stub().getSamples(GetSamplesRequest.newBuilder().setDataset("tiny")
            .addIndices(1).addOutputsValue(0).build()));
    expect(Status.Code.INVALID_ARGUMENT, "outputs: -5 is not an output",
        () -> stub().stats(StatsRequest.newBuilder().setDataset("tiny").setEnd(4)
            .addOutputsValue(-5).build()));
    expect(Status.Code.INVALID_ARGUMENT, "depth_dtype -1 is not supported",
        () -> stub().getSamples(GetSamplesRequest.newBuilder().setDataset("tiny")
            .addIndices(1).setDepthDtypeValue(-1).build()));
    expect(Status.Code.INVALID_ARGUMENT, "index 9223372036854775807 is out of range",
        () -> stub().getSamples(GetSamplesRequest.newBuilder().setDataset("tiny")
            .addIndices(Long.MAX_VALUE).build()));
    StreamEpochRequest.Builder epoch = StreamEpochRequest.newBuilder().setDataset("tiny")
        .setBatchSize(8);
    expect(Status.Code.INVALID_ARGUMENT, "rank -1",
        () -> drain(stub().streamEpoch(epoch.clone().setRank(-1).build())));
    expect(Status.Code.INVALID_ARGUMENT, "world_size -1",
        () -> drain(stub().streamEpoch(epoch.clone().setWorldSize(-1).build())));
    expect(Status.Code.INVALID_ARGUMENT, "start_position -1",
        () -> drain(stub().streamEpoch(epoch.clone().setStartPosition(-1).build())));
    expect(Status.Code.INVALID_ARGUMENT, "start_batch -1",
        () -> drain(stub().streamEpoch(epoch.clone().setStartBatch(-1).build())));
    expect(Status.Code.INVALID_ARGUMENT, "limit -1",
        () -> drain(stub().streamEpoch(epoch.clone().setLimit(-1).build())));
    expect(Status.Code.INVALID_ARGUMENT, "batch_size 2147483647",
        () -> drain(stub().streamEpoch(epoch.clone().setBatchSize(Integer.MAX_VALUE).build())));
    StatsRequest.Builder stats = StatsRequest.newBuilder().setDataset("tiny");
    Map<StatsRequest, String> badRanges = Map.of(stats.clone().setStart(-1).build(),
        "range start -1", stats.clone().setEnd(-1).build(), "range end -1 must not be negative",
        stats.clone().setEnd(Long.MAX_VALUE).build(), "range end " + Long.MAX_VALUE,
        stats.clone().setStart(10).setEnd(5).build(), "range 10:5");
    badRanges.forEach((r, fragment) -> {
      expect(Status.Code.INVALID_ARGUMENT, fragment, () -> stub().stats(r));
      expect(Status.Code.INVALID_ARGUMENT, fragment, () -> drain(stub().statsWithProgress(r)));
    });
    ExportRequest.Builder export = ExportRequest.newBuilder().setDataset("tiny")
        .setDestination("hostile").setFormat(ExportFormat.EXPORT_FORMAT_NPY).setEnd(4);
    expect(Status.Code.INVALID_ARGUMENT, "range start -1",
        () -> drain(stub().export(export.clone().setStart(-1).build())));
    expect(Status.Code.INVALID_ARGUMENT, "format 99 is not an export format",
        () -> drain(stub().export(export.clone().setFormatValue(99).build())));
    expect(Status.Code.INVALID_ARGUMENT, "shard_size -1",
        () -> drain(stub().export(export.clone().setShardSize(-1).build())));
    expect(Status.Code.INVALID_ARGUMENT, "jpeg_quality 101",
        () -> drain(stub().export(export.clone().setJpegQuality(101).build())));
    for (String reserved : List.of(".fgbg-locks", ".fgbg-locks/x", "./.fgbg-locks/x")) {
      expect(Status.Code.PERMISSION_DENIED, "is the server's own folder",
          () -> drain(stub().export(export.clone().setDestination(reserved).build())));
    }
  }

  private static void drain(Iterator<?> it) {
    it.forEachRemaining(m -> { });
  }
}
