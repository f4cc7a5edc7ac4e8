package dev.fgbg.core.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.TestDatasets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetRegistryTest {
  @Test
  void findsByNameAndNamesTheKnownOnesOtherwise() {
    DatasetRegistry r = new DatasetRegistry(List.of(TestDatasets.tiny()));
    assertSame(TestDatasets.tiny(), r.get("tiny"));
    FgbgException e = assertThrows(FgbgException.class, () -> r.get("nope"));
    assertEquals(FgbgException.Reason.NOT_FOUND, e.reason());
    assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("[tiny]"));
    assertEquals(FgbgException.Reason.INVALID_ARGUMENT,
        assertThrows(FgbgException.class, () -> r.get("")).reason());
  }

  @Test
  void rejectsDuplicateNames() {
    FgbgException e = assertThrows(FgbgException.class,
        () -> new DatasetRegistry(List.of(TestDatasets.tiny(), TestDatasets.tiny())));
    assertTrue(e.getMessage().contains("used twice"));
  }
}
