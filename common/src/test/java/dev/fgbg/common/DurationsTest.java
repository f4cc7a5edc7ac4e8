package dev.fgbg.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void readsWhatPeopleType() {
    assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
    assertEquals(Duration.ofSeconds(30), Durations.parse(" 30S "));
    assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
    assertEquals(Duration.ofHours(2), Durations.parse("2h"));
    assertEquals(Duration.ofDays(7), Durations.parse("7d"));
    assertEquals(Duration.ofSeconds(30), Durations.parse("PT30S"));
    assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
    assertEquals(Duration.ofSeconds(90), Durations.parse("1.5m"));
    assertEquals(Duration.ofNanos(2_500_000), Durations.parse("2.5ms"));
    assertEquals(Duration.ofMillis(500), Durations.parse(".5s"));
    assertEquals("2.5ms", Durations.words(Duration.ofNanos(2_500_000)), "not rounded to 2ms");
    // The default of the flags whose 0 means off (--reconnect, --drain-delay), as help says it.
    assertEquals(Duration.ZERO, Durations.parse("0"));
  }

  @Test
  void anythingElseIsRefusedNamingTheForms() {
    for (String v : new String[] {"", "5", "soon", "1e12s", "99999999999999999999s", "5x", "1e3s",
        "1.s", ".s", "+1s"}) {
      assertEquals("'" + v + "' is not a duration; use e.g. 500ms, 1.5s, 30s, 5m or 2h",
          assertThrows(IllegalArgumentException.class, () -> Durations.parse(v)).getMessage());
    }
  }

  @Test
  void aPositiveDurationUnderAMillisecondIsRefusedNotTakenAsZero() {
    for (String v : new String[] {"0.5ms", "0.0001s", "PT0.0000001S"}) {
      assertEquals("'" + v + "' is under a millisecond, the finest a duration counts; use e.g. "
          + "1ms or more",
          assertThrows(IllegalArgumentException.class, () -> Durations.parse(v)).getMessage());
    }
    assertEquals(Duration.ofMillis(1), Durations.parse("0.001s"));
  }
}
