package dev.fgbg.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fgbg.server.options.OptionValueException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {
  @Test
  void theUnreadTimesAreDurationsWithTheirDefaults() {
    LoadOptions o = LoadOptions.builder().build();
    assertEquals(Duration.ofSeconds(10), o.unreadReply());
    assertEquals(Duration.ofSeconds(60), o.unreadStream());
    assertEquals(Duration.ofMillis(100), LoadOptions.builder().unreadReply(Duration.ofMillis(100))
        .build().unreadReply());
  }

  @Test
  void anUnreadTimeUnderAMomentIsRefusedNamingItsField() {
    OptionValueException e = assertThrows(OptionValueException.class,
        () -> LoadOptions.builder().unreadReply(Duration.ofMillis(99)).build());
    assertEquals("unreadReply", e.field());
    assertEquals(Duration.ofMillis(99), e.value());
    assertEquals("must be at least 100ms", e.rule());
    e = assertThrows(OptionValueException.class,
        () -> LoadOptions.builder().unreadStream(Duration.ofSeconds(-1)).build());
    assertEquals("unreadStream", e.field());
    assertThrows(NullPointerException.class, () -> LoadOptions.builder().unreadStream(null));
  }
}
