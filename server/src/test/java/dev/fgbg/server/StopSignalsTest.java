package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.server.rpc.FgbgServer;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM and SIGINT on a real {@code fgbg serve} process: the drain ({@code --drain-delay})
 * seen by a gRPC health client while new calls are still served, a second signal ending it, and
 * the stop line naming the signal.
 */
class StopSignalsTest {
  private static final String[] SMALL = {"--builtin-size", "16", "--builtin-counts", "4:4",
      "--workers", "2", "--shutdown-grace", "1s"};
  private static final String STOPPING = "INFO " + FgbgApplication.class.getName()
      + ": stopping (";

  /** Health Watches of the server overall and of the fgbg service, on their own channel. */
  private static final class Watchers {
    private final List<String> services = List.of("", FgbgServer.SERVICE_NAME);
    final CountDownLatch serving = new CountDownLatch(services.size());
    final CountDownLatch notServing = new CountDownLatch(services.size());

    Watchers(ManagedChannel ch) {
      for (String service : services) {
        HealthGrpc.newStub(ch).watch(HealthCheckRequest.newBuilder().setService(service)
            .build(), new StreamObserver<>() {
              private boolean wasServing;

              @Override
              public void onNext(HealthCheckResponse r) {
                if (r.getStatus() == ServingStatus.SERVING && !wasServing) {
                  wasServing = true;
                  serving.countDown();
                } else if (r.getStatus() == ServingStatus.NOT_SERVING && wasServing) {
                  notServing.countDown();
                }
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
      }
    }
  }

  private static String[] with(String... more) {
    String[] all = new String[SMALL.length + more.length];
    System.arraycopy(SMALL, 0, all, 0, SMALL.length);
    System.arraycopy(more, 0, all, SMALL.length, more.length);
    return all;
  }

  @Test
  void aDrainingServerSaysNotServingYetServesNewCallsThenStops() throws Exception {
    try (ServerJvm s = new ServerJvm(List.of(), with("--drain-delay", "6s"))) {
      ManagedChannel watching = s.channel();
      ManagedChannel later = null;
      try {
        Watchers w = new Watchers(watching);
        assertTrue(w.serving.await(60, TimeUnit.SECONDS), s.log());
        long term = System.nanoTime();
        s.signal("TERM");
        assertTrue(w.notServing.await(10, TimeUnit.SECONDS), "both Watches hear NOT_SERVING:\n"
            + s.log());
        // A client that resolved the name before the pod left its endpoints: a new connection
        // and new calls, all served while the probes see NOT_SERVING.
        later = s.channel();
        assertEquals(ServingStatus.NOT_SERVING, HealthGrpc.newBlockingStub(later)
            .check(HealthCheckRequest.getDefaultInstance()).getStatus());
        FgbgGrpc.FgbgBlockingStub stub = FgbgGrpc.newBlockingStub(later)
            .withDeadlineAfter(30, TimeUnit.SECONDS);
        SampleBatch reply = stub.getSamples(GetSamplesRequest.newBuilder().setDataset("builtin")
            .addIndices(0).addIndices(3).build());
        assertEquals(List.of(0L, 3L), reply.getIndicesList());
        int samples = 0;
        Iterator<SampleBatch> stream = stub.streamEpoch(StreamEpochRequest.newBuilder()
            .setDataset("builtin").setBatchSize(2).setLimit(4).build());
        while (stream.hasNext()) {
          samples += stream.next().getIndicesCount();
        }
        assertEquals(4, samples);
        // Then the stop as without a drain, after the delay: grace 1 s + Main.STOP_SLACK.
        assertTrue(s.process.waitFor(6 + 1 + Main.STOP_SLACK.toSeconds() + 5, TimeUnit.SECONDS),
            "still running:\n" + s.log());
        long took = System.nanoTime() - term;
        assertTrue(took >= TimeUnit.SECONDS.toNanos(6), "stopped after " + took / 1e9 + " s of "
            + "a 6 s drain:\n" + s.log());
        assertEquals(143, s.process.exitValue(), s.log()); // as the JVM's own SIGTERM exit
        String log = s.log();
        String draining = "INFO " + FgbgApplication.class.getName() + ": SIGTERM: draining for "
            + "6s (--drain-delay): health NOT_SERVING, calls still accepted and served; then "
            + "stopping (another SIGTERM or a SIGINT stops sooner)";
        assertTrue(log.contains(draining), log);
        assertTrue(log.indexOf(draining) < log.indexOf(STOPPING + "SIGTERM); 0 streams"), log);
        assertFalse(log.contains("ended the drain"), log);
        // The stop line counts the stop, and from SIGTERM, its 6 s drain included.
        Matcher stopped = Pattern.compile("stopped after ([0-9.]+) s \\(([0-9.]+) s since "
            + "SIGTERM\\)").matcher(log);
        assertTrue(stopped.find(), log);
        assertTrue(Double.parseDouble(stopped.group(2)) >= 6, stopped.group());
        assertTrue(Double.parseDouble(stopped.group(1)) < Double.parseDouble(stopped.group(2))
            - 5, stopped.group());
      } finally {
        watching.shutdownNow();
        if (later != null) {
          later.shutdownNow();
        }
      }
    }
  }

  @Test
  void aSecondSigtermEndsTheDrainAndTheServerStops() throws Exception {
    try (ServerJvm s = new ServerJvm(List.of(), with("--drain-delay", "10m"))) {
      ManagedChannel watching = s.channel();
      try {
        Watchers w = new Watchers(watching);
        assertTrue(w.serving.await(60, TimeUnit.SECONDS), s.log());
        s.signal("TERM");
        assertTrue(w.notServing.await(10, TimeUnit.SECONDS), s.log());
        assertTrue(s.process.isAlive(), s.log()); // draining, for ten minutes
        s.signal("TERM");
        assertTrue(s.process.waitFor(1 + Main.STOP_SLACK.toSeconds() + 5, TimeUnit.SECONDS),
            "still running:\n" + s.log());
        assertEquals(143, s.process.exitValue(), s.log());
        assertTrue(s.log().matches("(?s).*SIGTERM ended the drain after \\d+\\.\\d\\d s.*"),
            s.log());
        assertTrue(s.log().contains(STOPPING + "SIGTERM); 0 streams"), s.log());
      } finally {
        watching.shutdownNow();
      }
    }
  }

  @Test
  void sigintStopsWithoutDrainingAndTheStopLineNamesIt() throws Exception {
    // Ctrl-C at a terminal: no drain, however long --drain-delay is.
    try (ServerJvm s = ServerJvm.interruptible(with("--drain-delay", "10m"))) {
      s.signal("INT");
      assertTrue(s.process.waitFor(1 + Main.STOP_SLACK.toSeconds() + 5, TimeUnit.SECONDS),
          "still running:\n" + s.log());
      assertEquals(130, s.process.exitValue(), s.log()); // 128 + 2, as the JVM's own
      assertTrue(s.log().contains(STOPPING + "SIGINT); 0 streams"), s.log());
      assertFalse(s.log().contains("draining"), s.log());
    }
  }

  @Test
  void sighupStopsAsSigtermDoesWithoutDrainingAndTheStopLineCountsFromIt() throws Exception {
    // Its terminal gone (or kill -HUP): a stop, not a reload. Started with SIGHUP handled as by
    // default, as nohup would not leave it.
    try (ServerJvm s = ServerJvm.withDefaultSignal("HUP", with("--drain-delay", "10m"))) {
      ManagedChannel watching = s.channel();
      try {
        assertTrue(new Watchers(watching).serving.await(60, TimeUnit.SECONDS), s.log());
      } finally {
        watching.shutdownNow();
      }
      s.signal("HUP");
      assertTrue(s.process.waitFor(1 + Main.STOP_SLACK.toSeconds() + 5, TimeUnit.SECONDS),
          "still running:\n" + s.log());
      assertEquals(129, s.process.exitValue(), s.log()); // 128 + 1, as the JVM's own
      assertTrue(s.log().contains(STOPPING + "SIGHUP); 0 streams"), s.log());
      assertTrue(s.log().matches("(?s).*stopped after [0-9.]+ s \\([0-9.]+ s since SIGHUP\\).*"),
          s.log());
      assertFalse(s.log().contains("draining"), s.log());
    }
  }

  /**
   * A SIGTERM during start-up (here while the server reads its --config, a FIFO that nothing is
   * written to: the read blocks until the test's writer closes it) logged nothing: the JVM's own
   * handler ran, and the log ended at the last loading line. It says the server stopped during
   * start-up, and the exit is still 143.
   */
  @Test
  void aSigtermDuringStartUpSaysTheServerStoppedDuringStartUp(@TempDir Path dir)
      throws Exception {
    Path config = dir.resolve("config.json");
    assertEquals(0, new ProcessBuilder("mkfifo", config.toString()).start().waitFor());
    Path log = dir.resolve("log");
    Process p = new ProcessBuilder(ServerJvm.command(List.of(), List.of(),
        with("--drain-delay", "10m", "--config", config.toString())))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ExecutorService opener = Executors.newSingleThreadExecutor();
    try {
      // Opening the FIFO to write returns once the server has opened it to read: it is then
      // in its start-up, with its signal handlers in place.
      OutputStream writer = opener.submit(() -> Files.newOutputStream(config))
          .get(120, TimeUnit.SECONDS);
      try (writer) {
        assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start()
            .waitFor());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), Files.readString(log));
      }
      String said = Files.readString(log);
      assertEquals(143, p.exitValue(), said);
      assertTrue(said.contains("INFO " + Main.class.getName() + ": stopped during start-up "
          + "(SIGTERM), before the server listened"), said);
      assertFalse(said.contains("draining"), said);
    } finally {
      opener.shutdownNow();
      p.destroyForcibly().waitFor();
    }
  }

  /**
   * Each line starts with its date and time to the millisecond and the zone's UTC offset: the
   * lines of one second were not ordered, and a local time without a zone did not compare
   * across pods. The zone here (India's, +05:30) is not the machine's.
   */
  @Test
  void logLinesCarryMillisecondsAndTheUtcOffset() throws Exception {
    try (ServerJvm s = new ServerJvm(List.of("-Duser.timezone=Asia/Kolkata"), SMALL)) {
      List<String> lines = List.of(s.log().split("\n"));
      assertFalse(lines.isEmpty());
      for (String line : lines) {
        assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+0530 "
            + "(INFO|WARNING) \\S+: .*"), line);
      }
    }
  }
}
