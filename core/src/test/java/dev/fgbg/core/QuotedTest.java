package dev.fgbg.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class QuotedTest {
  @Test
  void escapesWhatWouldHideOrSplitTheMessage() {
    assertEquals("'a\\u000ab'", Quoted.of("a\nb"));
    assertEquals("'\\u202eab\\ufeff'", Quoted.of("\u202eab\ufeff"));
    // A line or paragraph separator would end the log line in a reader: a fake line follows.
    assertEquals("'x\\u2028INFO fake\\u2029y'", Quoted.of("x\u2028INFO fake\u2029y"));
    assertEquals("x\\u2028y", Quoted.bare("x\u2028y"));
    assertEquals("'café'", Quoted.of("café"));
  }
}
