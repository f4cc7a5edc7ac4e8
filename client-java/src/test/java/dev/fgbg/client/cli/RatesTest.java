package dev.fgbg.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** stream's progress rate and ETA: samples since the call began, as its final samples/s. */
class RatesTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aSecondBatchRenderedAheadDoesNotOverstateTheRate() {
    // Slow depth: 16 samples at 10 s, the next 16 (rendered meanwhile) 33 ms later, of 512.
    // From the second batch the rate was 16 / 0.033 s = 485 samples/s, eta 1 s.
    long second = 10 * SECOND + 33_000_000L;
    assertEquals(32 / 10.033, Rates.perSecond(32, second), 1e-9);
    assertEquals(480 / (32 / 10.033), Rates.eta(32, 512, second), 1e-9);
    // The last progress line's rate is the final samples/s: the same samples over the same time.
    assertEquals(3.2, Rates.perSecond(512, 160 * SECOND), 1e-12);
    assertEquals(0, Rates.eta(512, 512, 160 * SECOND));
    assertEquals(0, Rates.eta(0, 512, SECOND), "no rate yet: no ETA, not infinity");
  }
}
