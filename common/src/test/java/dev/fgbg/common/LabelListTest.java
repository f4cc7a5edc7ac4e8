package dev.fgbg.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

  @Test
  void aListReadsBackAsItsNames() {
    List<String> names = List.of("0", "Küche", "猫", "cats, dogs", " padded", "it's, \\", "",
        "'quoted'", "\"x");
    assertEquals(names, LabelList.names(LabelList.of(names)));
    assertEquals(List.of("a b", "cats, dogs", "7"), LabelList.names(" a b ,'cats, dogs' , 7"));
    assertEquals("the quote at character 4 is never closed (inside quotes, write \\' for ' and "
        + "\\\\ for \\)", assertThrows(IllegalArgumentException.class,
            () -> LabelList.names("a, 'b")).getMessage());
    assertEquals("character 5 follows the quoted name b where a comma or the end was expected",
        assertThrows(IllegalArgumentException.class, () -> LabelList.names("'b' c")).getMessage());
    assertEquals("item 2 is empty", assertThrows(IllegalArgumentException.class,
        () -> LabelList.names("a,,b")).getMessage());
  }
}
