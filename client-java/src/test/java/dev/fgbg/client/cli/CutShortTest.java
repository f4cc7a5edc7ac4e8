package dev.fgbg.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stop hook and a failed call's path agree: whichever comes first prints the partial lines,
 * the other nothing (a signal while a cut stream reports its failure printed them twice).
 */
class CutShortTest {
  /** A stream that received 64 samples in 2 batches. */
  private static final SoFar GOT = new SoFar() {
    @Override
    public long received() {
      return 64;
    }

    @Override
    public String resume() {
      return "run the same stream with --start-batch 2";
    }

    @Override
    public List<String> partial() {
      return List.of("samples: 64 (partial)", "digest: ab (partial)");
    }
  };

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final CutShort cut = new CutShort(GOT, new PrintStream(out, true,
      StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

  @Test
  void aFailedCallThenASignalPrintsTheLinesOnce() {
    cut.failed(Status.UNAVAILABLE.withDescription("server shut down").asRuntimeException());
    cut.stopped();
    assertEquals(List.of("samples: 64 (partial)", "digest: ab (partial)"),
        out.toString(StandardCharsets.UTF_8).lines().toList());
    assertEquals("", err.toString(StandardCharsets.UTF_8), "the error line is the handler's");
  }

  @Test
  void aSignalThenAFailedCallPrintsTheLinesOnce() {
    cut.stopped();
    cut.failed(Status.DEADLINE_EXCEEDED.asRuntimeException());
    assertEquals(2, out.toString(StandardCharsets.UTF_8).lines().count());
    assertEquals(List.of("fgbg: stopped (64 samples received); to go on from there: run the "
        + "same stream with --start-batch 2"), err.toString(StandardCharsets.UTF_8).lines()
        .toList());
  }

  @Test
  void aFailureThatResumingWouldMeetAgainPrintsNone() {
    cut.failed(Status.INVALID_ARGUMENT.asRuntimeException());
    assertEquals("", out.toString(StandardCharsets.UTF_8));
    // ... and leaves a later signal its say.
    cut.stopped();
    assertEquals(2, out.toString(StandardCharsets.UTF_8).lines().count());
  }

  @Test
  void noProgressLineFollowsTheStopLine() {
    // The verb's thread goes on receiving (and reporting progress) while the hook says it
    // stopped: a progress line after the stop line counted more than the resume point.
    ProgressPrinter progress = new ProgressPrinter(new PrintStream(err, true,
        StandardCharsets.UTF_8), false);
    SoFar streaming = new SoFar() {
      @Override
      public long received() {
        return 64;
      }

      @Override
      public String resume() {
        return "--start-batch 2";
      }

      @Override
      public void quiet() {
        progress.close();
      }
    };
    progress.update(32, 128, 10, 9, "", false);
    new CutShort(streaming, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).stopped();
    progress.update(96, 128, 10, 3, "", true);
    progress.end();
    List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(2, lines.size(), String.join("\n", lines));
    assertEquals("progress: 32/128 samples, 10 samples/s, eta 9 s", lines.get(0));
    assertEquals("fgbg: stopped (64 samples received); to go on from there: --start-batch 2",
        lines.get(1));
  }

  @Test
  void anExportSaysItsSamplesWereKeptNotReceived() {
    assertEquals("(8 samples kept); to go on from there: x",
        SoFar.goOn(8, new ExportCommand().counted(), "x"));
  }

  @Test
  void exportAndStatsTellTheirTallysCountAndAQuietOneDrawsNothing() {
    for (SoFar.Tallied verb : List.of(new ExportCommand(), new StatsCommand())) {
      verb.quiet(); // a stop before the call began: nothing to close
      verb.tally().received(8);
      assertEquals(8, verb.received(), verb.counted());
    }
  }

  @Test
  void aCallIsCutByOneRuleOfStatusCountAndResumePoint() {
    StatusRuntimeException down = Status.UNAVAILABLE.asRuntimeException();
    assertEquals(List.of(true, false, false, false, true, true),
        List.of(CallWords.cut(down, 64, "go on"), CallWords.cut(down, 0, "go on"),
            CallWords.cut(down, 64, ""), CallWords.cut(Status.INTERNAL.asRuntimeException(), 64,
                "go on"), CallWords.cut(Status.DEADLINE_EXCEEDED.asRuntimeException(), 64, "go on"),
            CallWords.cut(down, GOT)));
  }
}
