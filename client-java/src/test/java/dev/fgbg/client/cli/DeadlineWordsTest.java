package dev.fgbg.client.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.common.Overrun;
import org.junit.jupiter.api.Test;

/**
 * A DEADLINE_EXCEEDED in grpc-java's own words is the client's deadline, said as the flag that
 * set it; a server's words are quoted. The messages are grpc-java 1.85's, as the CLI met them.
 */
class DeadlineWordsTest {
  @Test
  void grpcJavasWordsAreTheClientsDeadline() {
    for (String said : new String[] {"", "deadline exceeded",
        "CallOptions deadline exceeded after 2.998s. Name resolution delay 0.001 seconds.",
        "Deadline CallOptions was exceeded after 0.004648718s waiting for name_resolver",
        "ClientCall started after CallOptions deadline was exceeded 0.1 seconds ago",
        "context timed out; deadline exceeded after 0.0199s"}) {
      assertTrue(CallWords.grpcsOwn(said), said);
    }
  }

  @Test
  void theLibrarysWordsForAConnectedCallAreTheClientsDeadline() {
    // TransportWords' (PastDeadline's), naming the builder's method: the CLI says --deadline's.
    assertTrue(CallWords.grpcsOwn(Overrun.words("Describe", "h:1", "its deadline of 2 s", "",
        "raise FgbgClient.builder().deadline(Duration) / --deadline")));
  }

  @Test
  void aServersWordsAreQuoted() {
    assertFalse(CallWords.grpcsOwn("the deadline passed while the request was queued behind "
        + "3 others"));
  }
}
