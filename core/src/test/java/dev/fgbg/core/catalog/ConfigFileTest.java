package dev.fgbg.core.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import org.junit.jupiter.api.Test;

/** A config file's mistakes are named by the file, the dataset and the key, in its own terms. */
class ConfigFileTest {
  private static final String ORIGIN = "datasets.json";
  private static final String GOOD = "\"name\": \"office\", \"bg\": \"b\", \"fg\": \"f\"";

  private static String refusal(String json) {
    FgbgException e = assertThrows(FgbgException.class,
        () -> DatasetCatalog.parseConfig(json, ORIGIN));
    assertEquals(FgbgException.Reason.INVALID_CONFIG, e.reason());
    return e.getMessage();
  }

  private static String dataset(String extra) {
    return "{\"datasets\": [{" + GOOD + ", " + extra + "}]}";
  }

  @Test
  void aKeyOfTheWrongTypeIsNamedWithItsDatasetAndTheTypeItNeeds() {
    assertEquals("config file datasets.json is not valid: dataset #1 ('office'): \"flip\": "
        + "\"yes\" must be true or false", refusal(dataset("\"flip\": \"yes\"")));
    assertEquals("config file datasets.json is not valid: dataset #1 ('office'): "
        + "\"placements\": 1.5 must be a whole number", refusal(dataset("\"placements\": 1.5")));
    assertEquals("config file datasets.json is not valid: dataset #1 ('office'): "
        + "\"maxOcclusion\": \"x\" must be a number", refusal(dataset("\"maxOcclusion\": \"x\"")));
  }

  @Test
  void anUnknownKeyIsNamedWithTheKeyItMeantWhenWrittenAsAFlag() {
    String m = refusal("{\"datasets\": [{" + GOOD + "}, {\"name\": \"b\", \"fg-scale\": "
        + "\"0.2:0.4\"}]}");
    assertTrue(m.startsWith("config file datasets.json is not valid: dataset #2 ('b'): unknown key "
        + "\"fg-scale\" (did you mean \"fgScale\"?); the keys are name, bg, fg, fgMasks, "
        + "maskFrom, size, fgScale, placements, flip, position, "), m);
  }

  @Test
  void theFileMustBeOneObjectWithAListOfDatasets() {
    assertEquals("config file datasets.json is not valid: it must be one object, "
        + "{\"datasets\": [...]}", refusal("[{\"name\": \"x\"}]"));
    assertEquals("config file datasets.json is not valid: unknown key \"dataset\" at the top: "
        + "the only one is \"datasets\"", refusal("{\"dataset\": []}"));
    assertEquals("config file datasets.json is not valid: \"datasets\" must be a list, "
        + "[{\"name\": …, \"bg\": …, \"fg\": …}, …]", refusal("{\"datasets\": {\"name\": 1}}"));
    assertEquals("config file datasets.json is not valid: dataset #1: must be an object, "
        + "{\"name\": …, \"bg\": …, \"fg\": …}", refusal("{\"datasets\": [3]}"));
  }

  @Test
  void badSettingsAreNamedAsTheFileSpellsThemForEveryDataset() {
    String m = refusal("{\"datasets\": [{" + GOOD + ", \"objects\": \"5:1\"}, {\"name\": "
        + "\"b\", \"bg\": \"b\", \"fg\": \"f\", \"fgScale\": \"huge\"}, "
        + "{\"name\": \"c\", \"bg\": \"b\", \"fg\": \"f\", \"depthMode\": \"layered\"}]}");
    assertEquals("config file datasets.json: dataset 'office': \"objects\" '5:1': objects_max = 1 "
        + "must be in [objects_min, 32]\n"
        + "dataset 'b': \"fgScale\" 'huge' must be MIN:MAX\n"
        + "dataset 'c': \"depthWeights\" and \"depthMode\" need \"depthModel\"", m);
    assertEquals("config file datasets.json: dataset 'office': \"size\" '0': height = 0 must be in "
        + "[8, 4096]", refusal(dataset("\"size\": \"0\"")));
    assertEquals("config file datasets.json: dataset 'office': \"position\" 'up' must be random, "
        + "fixed, ground or depth", refusal(dataset("\"position\": \"up\"")));
    assertEquals("config file datasets.json: dataset 'office': \"maskFrom\" 'x' must be alpha or "
        + "luminance", refusal(dataset("\"maskFrom\": \"x\"")));
    assertEquals("config file datasets.json: dataset 'x' needs both \"bg\" and \"fg\" folders",
        refusal("{\"datasets\": [{\"name\": \"x\", \"bg\": \"b\"}]}"));
  }

  @Test
  void aGoodFileGivesItsDatasets() {
    assertEquals("office", DatasetCatalog.parseConfig(dataset("\"fg_scale\": \"0.2:0.4\""),
        ORIGIN).get(0).getName());
  }
}
