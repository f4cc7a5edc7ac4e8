package dev.fgbg.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import org.junit.jupiter.api.Test;

class CallWordsTest {
  /** A verb that had written 1316 samples when its call failed. */
  @Command(name = "export")
  static final class Written implements SoFar {
    @Override
    public long received() {
      return 1316;
    }

    @Override
    public String counted() {
      return "samples written";
    }

    @Override
    public String resume() {
      return "run the same export again: it resumes, keeping the shards already complete";
    }
  }

  @Test
  void aServerThatSaysHowToGoOnGetsOnlyTheCountAdded() {
    StatusRuntimeException stopped = Status.UNAVAILABLE.withDescription("the server is "
        + "stopping; run the same export again once a server is up: it resumes where this one "
        + "stopped").asRuntimeException();
    assertEquals("UNAVAILABLE: the server is stopping; run the same export again once a server "
        + "is up: it resumes where this one stopped (1316 samples written)",
        CallWords.of(stopped, new CommandLine(new Written())));
  }

  @Test
  void aLostConnectionGetsTheVerbsOwnWayOn() {
    StatusRuntimeException lost = Status.UNAVAILABLE.withDescription("the connection was lost")
        .asRuntimeException();
    assertEquals("UNAVAILABLE: the connection was lost (1316 samples written); to go on from "
        + "there: run the same export again: it resumes, keeping the shards already complete",
        CallWords.of(lost, new CommandLine(new Written())));
  }
}
