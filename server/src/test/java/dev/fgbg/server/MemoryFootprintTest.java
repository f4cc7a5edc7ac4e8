package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What a server started as {@code ./fgbg serve} starts it (default flags, the JVM sized by
 * {@link JvmSizing}) holds in memory under many slow streams from one client, read from
 * {@code /proc} as the operating system counts it.
 */
class MemoryFootprintTest {
  private static final long LIMIT = 2560L << 20;

  /** The resident set of {@code pid}, in bytes, from /proc/PID/status. */
  static long rss(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) << 10;
      }
    }
    throw new IOException("no VmRSS for " + pid);
  }

  @Test
  void threeHundredSlowStreamsFromOneClientStayUnderTwoAndAHalfGigabytes() throws Exception {
    List<String> jvm = JvmSizing.flags(Main.options(Long.MAX_VALUE)); // as ./fgbg serve runs
    ScheduledExecutorService readers = Executors.newScheduledThreadPool(2);
    try (ServerJvm s = new ServerJvm(jvm)) {
      ManagedChannel ch = s.channel();
      AtomicLong peak = new AtomicLong(rss(s.process.pid()));
      readers.scheduleAtFixedRate(() -> {
        try {
          peak.accumulateAndGet(rss(s.process.pid()), Math::max);
        } catch (IOException e) {
          // the process has gone: the assertions below say so
        }
      }, 0, 200, TimeUnit.MILLISECONDS);
      AtomicLong messages = new AtomicLong();
      ConcurrentHashMap<Status.Code, AtomicLong> ends = new ConcurrentHashMap<>();
      List<ClientCall<StreamEpochRequest, SampleBatch>> calls = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        ClientCall<StreamEpochRequest, SampleBatch> call = ch.newCall(
            FgbgGrpc.getStreamEpochMethod(), CallOptions.DEFAULT.withDeadlineAfter(5,
                TimeUnit.MINUTES));
        call.start(new ClientCall.Listener<>() {
          @Override
          public void onMessage(SampleBatch m) {
            messages.incrementAndGet();
            // A slow reader: the next message a quarter of a second after this one.
            readers.schedule(() -> call.request(1), 250, TimeUnit.MILLISECONDS);
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            ends.computeIfAbsent(status.getCode(), c -> new AtomicLong()).incrementAndGet();
          }
        }, new Metadata());
        call.request(1);
        call.sendMessage(StreamEpochRequest.newBuilder().setDataset("builtin").setEpoch(i)
            .setShuffle(true).setBatchSize(64).build());
        call.halfClose();
        calls.add(call);
      }
      // Forty seconds of slow reading, watched; the readers pace themselves.
      readers.schedule(() -> null, 40, TimeUnit.SECONDS).get();
      assertTrue(s.process.isAlive(), s.log());
      assertEquals(300 - 64, ends.get(Status.Code.RESOURCE_EXHAUSTED).get(),
          "one client gets --max-streams-per-client (64) streams: " + ends);
      assertTrue(messages.get() > 64 * 20, "the 64 streams were read: " + messages.get());
      calls.forEach(c -> c.cancel("done", null));
      ch.shutdownNow();
      assertTrue(peak.get() < LIMIT, "RSS reached " + (peak.get() >> 20) + " MiB");
    } finally {
      readers.shutdownNow();
    }
  }
}
