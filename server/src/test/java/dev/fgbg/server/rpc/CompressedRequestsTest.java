package dev.fgbg.server.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.GetSamplesRequest;
import io.grpc.Compressor;
import io.grpc.CompressorRegistry;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.FilterOutputStream;
import java.io.OutputStream;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/**
 * Requests compressed with grpc-encoding gzip, over real Netty: one that inflates past the
 * 4 MiB inbound limit (a compression bomb) and one whose body is not gzip end with their own
 * status naming the problem, as an uncompressed request over the limit does, not UNKNOWN with
 * a SEVERE trace per call; one under the limit is served.
 */
class CompressedRequestsTest {
  private static final DescribeRequest TINY = DescribeRequest.newBuilder().setDataset("tiny")
      .build();

  @Test
  void aCompressedRequestInflatingPastTheLimitIsResourceExhaustedNotATrace() throws Exception {
    // 2,000,000 equal indices: 6 MB as protobuf, a few KB gzipped.
    GetSamplesRequest bomb = GetSamplesRequest.newBuilder().setDataset("builtin")
        .addAllIndices(Collections.nCopies(2_000_000, 399_999L)).build();
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), 1)) {
      FgbgGrpc.FgbgBlockingStub gzip = FgbgGrpc.newBlockingStub(s.channel())
          .withCompression("gzip").withDeadlineAfter(30, TimeUnit.SECONDS);
      assertEquals("tiny", gzip.describe(TINY).getName(), "a small gzipped request is served");
      for (int k = 0; k < 5; k++) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
            () -> gzip.getSamples(bomb));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.toString());
        assertEquals("Decompressed gRPC message exceeds maximum size 4194304",
            e.getStatus().getDescription());
      }
      assertEquals("tiny", gzip.describe(TINY).getName());
      s.close();
      log.assertNoTraces();
      assertEquals(List.of(), warnings(log));
    }
  }

  @Test
  void aBodyThatIsNotWhatItsEncodingSaysIsInvalidArgumentNotATrace() throws Exception {
    CompressorRegistry lying = CompressorRegistry.newEmptyInstance();
    lying.register(new Compressor() { // says gzip, sends the message as it is
      @Override
      public String getMessageEncoding() {
        return "gzip";
      }

      @Override
      public OutputStream compress(OutputStream os) {
        return new FilterOutputStream(os);
      }
    });
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), 1)) {
      ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:" + s.server().port(),
          InsecureChannelCredentials.create()).compressorRegistry(lying).build();
      try {
        for (int k = 0; k < 5; k++) {
          StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
              () -> FgbgGrpc.newBlockingStub(channel).withCompression("gzip")
                  .withDeadlineAfter(30, TimeUnit.SECONDS).describe(TINY));
          assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.toString());
          assertEquals("the request message could not be decompressed by its grpc-encoding "
              + "(Not in GZIP format)", e.getStatus().getDescription());
        }
      } finally {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
      assertEquals("tiny", FgbgGrpc.newBlockingStub(s.channel())
          .withDeadlineAfter(30, TimeUnit.SECONDS).describe(TINY).getName());
      s.close();
      log.assertNoTraces();
      assertEquals(List.of(), warnings(log));
    }
  }

  private static List<String> warnings(LogCapture log) {
    return log.records().stream().filter(r -> r.getLevel().intValue() >= Level.WARNING
        .intValue()).map(LogCapture::line).toList();
  }
}
