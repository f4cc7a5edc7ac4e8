package dev.fgbg.core.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Nearest;
import dev.fgbg.v1.FolderDatasetConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A config file's mistakes are named by the file, the dataset and the key, in its own terms. */
class ConfigFileTest {
  static final String ORIGIN = "datasets.json";
  static final String GOOD = "\"name\": \"office\", \"bg\": \"b\", \"fg\": \"f\"";

  static String refusal(String json) {
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
    assertEquals("config file datasets.json: dataset #1 ('office'): \"flip\" must be true or "
        + "false, not text (\"yes\")", refusal(dataset("\"flip\": \"yes\"")));
    assertEquals("config file datasets.json: dataset #1 ('office'): \"placements\" must be a "
        + "whole number, not 1.5", refusal(dataset("\"placements\": 1.5")));
    assertEquals("config file datasets.json: dataset #1 ('office'): \"maxOcclusion\" must be a "
        + "number, not text (\"x\")", refusal(dataset("\"maxOcclusion\": \"x\"")));
  }

  @Test
  void anUnknownKeyIsNamedWithTheKeyItMeantWhenWrittenAsAFlag() {
    String m = refusal("{\"datasets\": [{" + GOOD + "}, {\"name\": \"b\", \"fg-scale\": "
        + "\"0.2:0.4\"}]}");
    assertTrue(m.startsWith("config file datasets.json: dataset #2 ('b'): unknown key "
        + "\"fg-scale\" (did you mean \"fgScale\"?); the keys are name, bg, fg, fgMasks, "
        + "maskFrom, size, fgScale, placements, flip, position, "), m);
  }

  @Test
  void theFileMustBeOneObjectWithAListOfDatasets() {
    assertEquals("config file datasets.json: it must be one object, {\"datasets\": [...]}, not "
        + "a list ([{\"name\":\"x\"}])", refusal("[{\"name\": \"x\"}]"));
    assertEquals("config file datasets.json: it must be one object, {\"datasets\": [...]}, not "
        + "text (\"datasets\")", refusal("\"datasets\""));
    assertEquals("config file datasets.json: unknown key \"dataset\" at the top: the only one is "
        + "\"datasets\"", refusal("{\"dataset\": []}"));
    assertEquals("config file datasets.json: it has no \"datasets\": it must be {\"datasets\": "
        + "[...]}", refusal("{}"));
    String list = "config file datasets.json: \"datasets\" must be a list, [{\"name\": …, \"bg\": "
        + "…, \"fg\": …}, …], not ";
    assertEquals(list + "an object ({\"name\":1})", refusal("{\"datasets\": {\"name\": 1}}"));
    assertEquals(list + "null", refusal("{\"datasets\": null}"));
    assertEquals("config file datasets.json: dataset #1: must be an object, {\"name\": …, \"bg\": "
        + "…, \"fg\": …}, not a number (3)", refusal("{\"datasets\": [3]}"));
    assertEquals("config file datasets.json: \"datasets\" is empty: list at least one, "
        + "[{\"name\": …, \"bg\": …, \"fg\": …}], or leave out --config to serve 'builtin' "
        + "alone", refusal("{\"datasets\": []}"));
  }

  @Test
  void badSettingsAreNamedAsTheFileSpellsThemForEveryDataset() {
    String m = refusal("{\"datasets\": [{" + GOOD + ", \"objects\": \"5:1\"}, {\"name\": "
        + "\"b\", \"bg\": \"b\", \"fg\": \"f\", \"fgScale\": \"huge\"}, "
        + "{\"name\": \"c\", \"bg\": \"b\", \"fg\": \"f\", \"depthMode\": \"layered\"}]}");
    assertEquals("config file datasets.json: dataset 'office': \"objects\" '5:1': objects_max = 1 "
        + "must be in [objects_min, 32]\n"
        + "dataset 'b': \"fgScale\" 'huge' must be MIN:MAX\n"
        + "dataset 'c': \"depthMode\" needs \"depthModel\"", m);
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
  void oneRefusalNamesEveryUnknownKeyAndBadValueOfEveryDataset() {
    String m = refusal("{\"datasets\": [{" + GOOD + ", \"fg-scale\": \"0.2:0.4\", \"flip\": "
        + "\"no\"}, {\"name\": \"b\", \"bg\": \"b\", \"fg\": \"f\", \"sise\": \"64\", "
        + "\"position\": \"up\", \"objects\": \"5:1\"}, {\"name\": \"c\", \"bg\": {\"x\": 1}, "
        + "\"fg\": \"f\", \"colour\": true}]}");
    String keys = "; the keys are name, bg, fg, fgMasks, maskFrom, size, fgScale, placements, ";
    List<String> lines = m.lines().toList();
    assertEquals(7, lines.size(), m);
    assertTrue(lines.get(0).startsWith("config file datasets.json: dataset #1 "
        + "('office'): unknown key \"fg-scale\" (did you mean \"fgScale\"?)" + keys), m);
    assertEquals(List.of("dataset #1 ('office'): \"flip\" must be true or false, not text "
        + "(\"no\")",
        "dataset #2 ('b'): unknown key \"sise\" (did you mean \"size\"?)",
        "dataset 'b': \"position\" 'up' must be random, fixed, ground or depth",
        "dataset 'b': \"objects\" '5:1': objects_max = 1 must be in [objects_min, 32]",
        "dataset #3 ('c'): \"bg\" must be a folder path, not an object ({\"x\":1})",
        "dataset #3 ('c'): unknown key \"colour\""), lines.subList(1, 7),
        "the keys are listed once; 'c' is not told again that its \"bg\" is missing");
  }

  @Test
  void everyBadSettingOfADatasetIsNamedNotOnlyTheFirst() {
    assertEquals("config file datasets.json: dataset 'office': \"fgScale\" 'huge' must be "
        + "MIN:MAX\n"
        + "dataset 'office': \"blend\" 'soft' must be hard, gaussian[:SIGMA], poisson or "
        + "motion[:LENGTH], or several of them comma-separated\n"
        + "dataset 'office': \"size\" '0': height = 0 must be in [8, 4096]\n"
        + "dataset 'office': \"groundBand\" '0.9:0.2': ground_max = 0.2 must be in "
        + "[ground_min, 1]\n"
        + "dataset 'office': \"maskFrom\" 'x' must be alpha or luminance\n"
        + "dataset 'office': \"onBadFile\" 'maybe' must be fail or skip",
        refusal(dataset("\"size\": \"0\", \"fgScale\": \"huge\", \"groundBand\": \"0.9:0.2\", "
            + "\"blend\": \"soft\", \"maskFrom\": \"x\", \"onBadFile\": \"maybe\"")));
  }

  @Test
  void theFlagsBadSettingsAreNamedTogetherToo() {
    FgbgException e = assertThrows(FgbgException.class, () -> DatasetCatalog.folder(
        FolderDatasetConfig.newBuilder().setBg("b").setFg("f").setFgScale("big")
            .setPosition("up").setMaskFrom("x").build(), null));
    assertEquals("dataset 'folder': --fg-scale 'big' must be MIN:MAX\n"
        + "dataset 'folder': --position 'up' must be random, fixed, ground or depth\n"
        + "dataset 'folder': --mask-from 'x' must be alpha or luminance", e.getMessage());
  }

  @Test
  void luminanceMasksAndAMaskFolderContradictEachOther() {
    assertEquals("config file datasets.json: dataset 'office': \"maskFrom\" luminance makes "
        + "each mask from its foreground's own pixels, so \"fgMasks\" 'masks' would be "
        + "ignored; leave out one of them",
        refusal(dataset("\"maskFrom\": \"luminance\", \"fgMasks\": \"masks\"")));
    FgbgException e = assertThrows(FgbgException.class, () -> DatasetCatalog.folder(
        FolderDatasetConfig.newBuilder().setBg("b").setFg("f").setMaskFrom("LUMINANCE")
            .setFgMasks("m").build(), null));
    assertEquals("dataset 'folder': --mask-from luminance makes each mask from its "
        + "foreground's own pixels, so --fg-masks 'm' would be ignored; leave out one of them",
        e.getMessage());
    assertEquals("office", DatasetCatalog.parseConfig(dataset("\"maskFrom\": \"alpha\", "
        + "\"fgMasks\": \"masks\""), ORIGIN).get(0).getName(), "alpha reads the mask folder");
  }

  @Test
  void aMistypedKeyGetsTheNearestKeyWhenOneIsClose() {
    for (String[] typo : new String[][] {{"sise", "size"}, {"nmae", "name"}, {"fg_scale", null},
        {"FgScale", "fgScale"}, {"postion", "position"}, {"depthmdoel", "depthModel"},
        {"bgg", "bg"}}) {
      String m = refusal(dataset("\"" + typo[0] + "\": \"x\""));
      if (typo[1] == null) {
        assertTrue(!m.contains("unknown key"), typo[0] + " is a key: " + m);
      } else {
        assertTrue(m.contains("unknown key \"" + typo[0] + "\" (did you mean \"" + typo[1]
            + "\"?)"), m);
      }
    }
    assertTrue(refusal(dataset("\"colour\": true")).contains("unknown key \"colour\"; the "
        + "keys are"), "nothing is close to colour");
    assertEquals(1, Nearest.distance("fgscale", "fgsacle"), "a swap is one slip");
  }

  @Test
  void aGoodFileGivesItsDatasets() {
    assertEquals("office", DatasetCatalog.parseConfig(dataset("\"fg_scale\": \"0.2:0.4\""),
        ORIGIN).get(0).getName());
  }
}
