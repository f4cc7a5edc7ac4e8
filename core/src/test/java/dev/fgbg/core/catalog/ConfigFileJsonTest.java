package dev.fgbg.core.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fgbg.v1.FolderDatasetConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A config file is strict JSON, each key of one JSON type: what protobuf's lenient parser let
 * through as another setting ("bg": [1] as the folder "1", "true" as true, a comment, the
 * last of two "size" keys) is named, with every other problem of the file.
 */
class ConfigFileJsonTest {
  private static final String ORIGIN = ConfigFileTest.ORIGIN;
  private static final String GOOD = ConfigFileTest.GOOD;

  private static String refusal(String json) {
    return ConfigFileTest.refusal(json);
  }

  /** The one problem of the dataset GOOD plus {@code extra}, without the file's prefix. */
  private static String problem(String extra) {
    String m = refusal("{\"datasets\": [{" + GOOD + ", " + extra + "}]}");
    String prefix = "config file datasets.json: ";
    assertEquals(prefix, m.substring(0, prefix.length()), m);
    return m.substring(prefix.length());
  }

  private static FolderDatasetConfig good(String json) {
    return DatasetCatalog.parseConfig(json, ORIGIN).get(0);
  }

  @Test
  void aValueOfTheWrongTypeIsNamedWithTheTypeItNeedsAndTheOneItHas() {
    String d = "dataset #1 ('office'): ";
    assertEquals(d + "\"bg\" must be a folder path, not a list ([1])",
        refusal("{\"datasets\": [{\"name\": \"office\", \"bg\": [1], \"fg\": \"f\"}]}")
            .substring("config file datasets.json: ".length()));
    assertEquals(d + "\"fgMasks\" must be a folder path, not a number (1)",
        problem("\"fgMasks\": 1"));
    assertEquals(d + "\"position\" must be text, not an object ({\"at\":\"ground\"})",
        problem("\"position\": {\"at\": \"ground\"}"));
    assertEquals(d + "\"flip\" must be true or false, not text (\"true\")",
        problem("\"flip\": \"true\""));
    assertEquals(d + "\"softMask\" must be true or false, not a number (1)",
        problem("\"softMask\": 1"));
    assertEquals(d + "\"placements\" must be a whole number, not text (\"5\")",
        problem("\"placements\": \"5\""));
    assertEquals(d + "\"placements\" must be a whole number, not a list ([5])",
        problem("\"placements\": [5]"));
    assertEquals(d + "\"placements\" must be a whole number, not 2.5",
        problem("\"placements\": 2.5"));
    assertEquals(d + "\"placements\" 99999999999 is out of range",
        problem("\"placements\": 99999999999"));
    assertEquals(d + "\"maxImagePixels\" 1E+999999 is out of range",
        problem("\"maxImagePixels\": 1e999999"));
    assertEquals(d + "\"maxOcclusion\" must be a number, not text (\"0.3\")",
        problem("\"maxOcclusion\": \"0.3\""));
    assertEquals(d + "\"fgScale\" must be text (\"MIN:MAX\"), not a number (0.5)",
        problem("\"fgScale\": 0.5"));
    assertEquals(d + "\"size\" must be text (\"H\" or \"HxW\") or a whole number, not 16.5",
        problem("\"size\": 16.5"));
    assertEquals(d + "\"flip\" must be true or false, not null (leave a key out for its "
        + "default)", problem("\"flip\": null"));
    assertEquals("dataset #1: \"name\" must be text, not a number (7)",
        refusal("{\"datasets\": [{\"name\": 7, \"bg\": \"b\", \"fg\": \"f\"}]}")
            .substring("config file datasets.json: ".length()));
  }

  @Test
  void aNumberIsTakenWhereTheTextIsOneNumberAndAWholeNumberMayEndInZeros() {
    FolderDatasetConfig c = good("{\"datasets\": [{" + GOOD + ", \"size\": 64, \"objects\": 2, "
        + "\"distractors\": 1e1, \"placements\": 2.0, \"maxOcclusion\": 0.25, \"flip\": false, "
        + "\"maxImagePixels\": 1000000}]}");
    assertEquals(List.of("64", "2", "10", 2, 0.25, false, 1_000_000L), List.of(c.getSize(),
        c.getObjects(), c.getDistractors(), c.getPlacements(), c.getMaxOcclusion(), c.getFlip(),
        c.getMaxImagePixels()));
  }

  @Test
  void aBadTypeHidesNoOtherProblemOfItsDataset() {
    String m = refusal("{\"datasets\": [{\"name\": \"office\", \"bg\": [1], \"flip\": \"yes\", "
        + "\"fgScale\": \"huge\", \"placements\": -3, \"maxImagePixels\": -5}, "
        + "{\"name\": 7, \"fg\": {}, \"size\": \"0\"}, {\"name\": \"c\", \"bgg\": \"b\"}]}");
    assertEquals("config file datasets.json: dataset #1 ('office'): \"bg\" must be a folder "
        + "path, not a list ([1])\n"
        + "dataset #1 ('office'): \"flip\" must be true or false, not text (\"yes\")\n"
        + "dataset 'office' needs both \"bg\" and \"fg\" folders\n"
        + "dataset 'office': \"fgScale\" 'huge' must be MIN:MAX\n"
        + "dataset 'office': \"placements\" '-3': placements = -3 must be in [1, 1000000]\n"
        + "dataset 'office': \"maxImagePixels\" -5 must be in [1, 536870909] (an image's RGBA "
        + "copy must fit in one Java array)\n"
        + "dataset #2: \"name\" must be text, not a number (7)\n"
        + "dataset #2: \"fg\" must be a folder path, not an object ({})\n"
        + "dataset #2 needs both \"bg\" and \"fg\" folders\n"
        + "dataset #2: \"size\" '0': height = 0 must be in [8, 4096]\n"
        + "dataset #3 ('c'): unknown key \"bgg\" (did you mean \"bg\"?); the keys are name, bg, "
        + "fg, fgMasks, maskFrom, size, fgScale, placements, flip, position, maskThreshold, "
        + "softMask, depthModel, depthWeights, depthMode, groundBand, maxImagePixels, onBadFile, "
        + "objects, distractors, maxOcclusion, maxTruncation, blend, colourMatch, cameraFov, "
        + "objectHeight\n"
        + "dataset 'c' needs both \"bg\" and \"fg\" folders", m);
  }

  @Test
  void aKeyGivenTwiceIsNamedAsAreTwoDatasetsOfOneName() {
    assertEquals("dataset #1 ('office'): \"size\" is given twice",
        problem("\"size\": \"32\", \"size\": \"64\""));
    assertEquals("dataset #1 ('office'): \"fgScale\" and \"fg_scale\" are one key, given twice",
        problem("\"fgScale\": \"0.2:0.4\", \"fg_scale\": \"0.3:0.5\""));
    assertEquals("config file datasets.json: \"datasets\" is given twice",
        refusal("{\"datasets\": [{" + GOOD + "}], \"datasets\": []}"));
    assertEquals("config file datasets.json: dataset name 'office' is used twice (datasets #1 "
        + "and #3)", refusal("{\"datasets\": [{" + GOOD + "}, {\"name\": \"b\", \"bg\": \"b\", "
        + "\"fg\": \"f\"}, {" + GOOD + "}]}"));
  }

  @Test
  void aKeyIsNamedAsTheFileSpellsIt() {
    assertEquals("dataset 'office': \"fg_scale\" 'huge' must be MIN:MAX",
        problem("\"fg_scale\": \"huge\""));
    assertEquals("dataset #1 ('office'): \"mask_threshold\" must be a whole number, not true",
        problem("\"mask_threshold\": true"));
  }

  @Test
  void textThatIsNotStrictJsonIsNamedByLineAndColumn() {
    String not = "config file datasets.json is not valid JSON: ";
    assertEquals(not + "line 2, column 3: a comment (JSON has no comments)",
        refusal("{\n  // mine\n  \"datasets\": []}"));
    assertEquals(not + "line 1, column 25: a comment (JSON has no comments)",
        refusal("{\"datasets\": [{" + GOOD.substring(0, 8) + " /* x */}]}"));
    assertEquals(not + "line 2, column 42: a comma before '}' (JSON has none after the last "
        + "item)", refusal("{\"datasets\": [\n  {" + GOOD + ",}]}"));
    assertEquals(not + "line 2, column 43: a comma before ']' (JSON has none after the last "
        + "item)", refusal("{\"datasets\": [\n  {" + GOOD + "},\n]}"));
    assertEquals(not + "line 1, column 2: a key in single quotes (JSON keys are in double "
        + "quotes)", refusal("{'datasets': []}"));
    assertEquals(not + "line 1, column 2: a key without quotes (JSON keys are in double quotes)",
        refusal("{datasets: []}"));
    assertEquals(not + "line 1, column 72: 'NaN' is no JSON value (text is in double quotes)",
        refusal("{\"datasets\": [{" + GOOD + ", \"maxOcclusion\": NaN}]}"));
    assertEquals(not + "line 1, column 18: more after the end of the first value (a file holds "
        + "one)", refusal("{\"datasets\": []} {\"datasets\": []}"));
    assertEquals(not + "line 1, column 54: the file ends inside an object (a '}' is missing)",
        refusal("{\"datasets\": [{" + GOOD));
    assertEquals(not + "line 1, column 25: '\\d' is no JSON escape (a backslash is written \\\\; "
        + "paths may use /)", refusal("{\"datasets\": [{\"bg\": \"C:\\data\"}]}"));
    assertEquals(not + "line 1, column 26: a line break inside text (a '\"' missing?)",
        refusal("{\"datasets\": [{\"name\": \"x\n}]}"));
    assertEquals(not + "line 1, column 65: lists and objects nested more than 64 deep",
        refusal("[".repeat(100_000)));
  }

  /** Gson names where it stopped, on or past the mistake; the message names the mistake. */
  @Test
  void whereGsonStoppedBecomesTheMistakeItStoppedAt() {
    String not = "config file datasets.json is not valid JSON: ";
    assertEquals(not + "line 1, column 24: text in single quotes (JSON text is in double quotes)",
        refusal("{\"datasets\": [{\"name\": 'office'}]}"));
    assertEquals(not + "line 1, column 23: expected ':' after the key \"name\", found '='",
        refusal("{\"datasets\": [{\"name\" = \"office\"}]}"));
    assertEquals(not + "line 1, column 16: expected ',' or ']' after an item of a list, found "
        + "';'", refusal("{\"datasets\": [1; 2]}"));
    assertEquals(not + "line 1, column 15: expected a value, found ','",
        refusal("{\"datasets\": [, 1]}"));
    assertEquals(not + "line 1, column 15: '01' is not a JSON number",
        refusal("{\"datasets\": [01]}"));
    assertEquals(not + "line 2, column 2: a comma before ']' (JSON has none after the last item)",
        refusal("{\"datasets\": [\r\n1,\r\n]}"));
    assertEquals(not + "line 1, column 15: the file ends inside a list (a ']' is missing)",
        refusal("{\"datasets\": ["));
    assertEquals(not + "line 1, column 15: '1e99999999999' is out of range",
        refusal("{\"datasets\": [1e99999999999]}"));
    assertEquals(not + "line 1, column 26: a control character inside text (write it as "
        + "\\u0009)", refusal("{\"datasets\": [{\"name\": \"a\tb\"}]}"));
  }

  @Test
  void aByteOrderMarkIsTakenAndAnEmptyFileIsNamed() {
    assertEquals("office", good("\uFEFF{\"datasets\": [{" + GOOD + "}]}").getName());
    assertEquals("config file datasets.json is empty: it must be one object, {\"datasets\": "
        + "[...]}", refusal(" \n"));
    assertEquals("config file datasets.json is empty: it must be one object, {\"datasets\": "
        + "[...]}", refusal("\uFEFF"));
    assertEquals("b\\c/d\u00e9", good("{\"datasets\": [{\"name\": \"office\", \"bg\": "
        + "\"b\\\\c\\/d\\u00e9\", \"fg\": \"f\"}]}").getBg(), "escapes are read");
  }
}
