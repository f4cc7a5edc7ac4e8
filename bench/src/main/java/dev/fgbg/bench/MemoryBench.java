package dev.fgbg.bench;

import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The server's resident memory under many slow streams from one client: the server started by
 * the launcher ({@code ./fgbg serve --port 0}, default flags) or, with {@code --server-jar}, as
 * the launcher started it before it sized the JVM ({@code java -jar}); RSS read from /proc.
 */
@Command(name = "memory", mixinStandardHelpOptions = true,
    description = "Peak RSS of a server under many slow streams from one client.")
final class MemoryBench implements Callable<Integer> {
  @Option(names = "--streams", description = "Slow streams opened. Default: 300.")
  int streams = 300;

  @Option(names = "--seconds", description = "How long they read. Default: 40.")
  int seconds = 40;

  @Option(names = "--read-every-ms", description = "Each stream reads one message this often."
      + " Default: 250.")
  long readEveryMs = 250;

  @Option(names = "--server-jar", description = "Start this jar with java -jar instead of the "
      + "launcher (e.g. a base build).")
  Path jar;

  @Override
  public Integer call() throws Exception {
    List<String> cmd = jar != null ? ServerProcess.java(jar, List.of())
        : List.of(ServerProcess.inRepository("fgbg").toString(), "serve", "--port", "0");
    ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
    try (ServerProcess server = new ServerProcess(cmd)) {
      ManagedChannel ch = Grpc.newChannelBuilder("127.0.0.1:" + server.port(),
          InsecureChannelCredentials.create()).maxInboundMessageSize(64 << 20).build();
      AtomicLong peak = new AtomicLong(rss(server.pid()));
      clock.scheduleAtFixedRate(() -> peak.accumulateAndGet(rss(server.pid()), Math::max), 0,
          200, TimeUnit.MILLISECONDS);
      AtomicLong messages = new AtomicLong();
      Map<Status.Code, AtomicLong> ends = new ConcurrentHashMap<>();
      List<ClientCall<StreamEpochRequest, SampleBatch>> calls = new ArrayList<>();
      for (int i = 0; i < streams; i++) {
        ClientCall<StreamEpochRequest, SampleBatch> call = ch.newCall(
            FgbgGrpc.getStreamEpochMethod(), CallOptions.DEFAULT);
        call.start(new ClientCall.Listener<>() {
          @Override
          public void onMessage(SampleBatch m) {
            messages.incrementAndGet();
            clock.schedule(() -> call.request(1), readEveryMs, TimeUnit.MILLISECONDS);
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
      clock.schedule(() -> null, seconds, TimeUnit.SECONDS).get();
      String ended = ends.toString();
      calls.forEach(c -> c.cancel("the benchmark is done", null));
      ch.shutdownNow();
      System.out.printf(Locale.ROOT, "%s: %d streams, ended early: %s; %d messages read in %d s"
          + "%n", jar != null ? jar : "./fgbg serve", streams, ended, messages.get(), seconds);
      System.out.printf(Locale.ROOT, "peak RSS MiB: %d%n", peak.get() >> 20);
    } finally {
      clock.shutdownNow();
    }
    return 0;
  }

  /** The resident set of {@code pid} in bytes (from /proc/PID/status), 0 once it is gone. */
  static long rss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) << 10;
        }
      }
    } catch (IOException e) {
      // gone
    }
    return 0;
  }
}
