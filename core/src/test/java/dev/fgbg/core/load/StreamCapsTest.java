package dev.fgbg.core.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fgbg.core.FgbgException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamCapsTest {
  private final StreamCaps caps = StreamCaps.of(new NamedLimit("--max-streams", 3),
      new NamedLimit("--max-streams-per-client", 2));

  @Test
  void aClientPastItsCapIsRefusedNamingTheLimitWhileOthersGetIn() {
    StreamCaps.Slot a1 = caps.open("10.0.0.1");
    caps.open("10.0.0.1");
    FgbgException e = assertThrows(FgbgException.class, () -> caps.open("10.0.0.1"));
    assertEquals(FgbgException.Reason.RESOURCE_EXHAUSTED, e.reason());
    assertEquals("client 10.0.0.1 has 2 streams open, the most one client may have"
        + " (--max-streams-per-client = 2)", e.getMessage());
    caps.open("10.0.0.2");
    assertEquals(3, caps.count());
    a1.close();
    a1.close(); // once or more
    assertEquals(1, caps.count("10.0.0.1"));
    assertEquals(2, caps.count());
    assertEquals(Map.of("10.0.0.1", 1, "10.0.0.2", 1), caps.openByClient());
  }

  @Test
  void theServerWideCapHoldsOverAllClients() {
    caps.open("a");
    caps.open("b");
    StreamCaps.Slot c = caps.open("c");
    FgbgException e = assertThrows(FgbgException.class, () -> caps.open("d"));
    assertEquals("3 streams are open, the most the server allows (--max-streams = 3); try"
        + " again when one ends", e.getMessage());
    assertEquals(1, caps.refused());
    c.close();
    caps.open("d");
    assertEquals(0, caps.count("c"));
    assertEquals(List.of("a", "b", "d"), List.copyOf(caps.openByClient().keySet()),
        "clients with no stream open are gone; sorted");
  }
}
