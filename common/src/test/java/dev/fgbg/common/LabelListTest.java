package dev.fgbg.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabelListTest {
  @Test
  void aNameThatWouldReadAsTwoIsQuotedOthersAreNot() {
    assertEquals("0, 1, 10, Küche, 猫, 'cats, dogs', ' padded', 'it\\'s, \\\\'",
        LabelList.of(List.of("0", "1", "10", "Küche", "猫", "cats, dogs", " padded",
            "it's, \\")));
    assertEquals("it's", LabelList.name("it's"), "an inner quote alone splits nothing");
    assertEquals("'\\'quoted\\''", LabelList.name("'quoted'"));
  }
}
