package dev.fgbg.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import org.junit.jupiter.api.Test;

/** A failure in words, from the most telling of its causes. */
class InWordsTest {
  @Test
  void aWrapperSaysWhatItsCauseSaid() {
    assertEquals("permission denied", InWords.of(new UncheckedIOException(
        new IOException("reading x", new AccessDeniedException("/x")))));
    assertEquals("disk on fire", InWords.of(new RuntimeException((String) null,
        new IOException("disk on fire"))));
    assertEquals("an I/O error", InWords.of(new IOException(" ")));
  }

  @Test
  void aCycleOfCausesWithoutMessagesEnds() {
    IOException a = new IOException((String) null);
    IOException b = new IOException((String) null, a);
    a.initCause(b); // it recursed from cause to cause until the stack overflowed
    assertEquals("an I/O error", InWords.of(a));
  }
}
