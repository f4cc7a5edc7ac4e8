package dev.fgbg.core.catalog;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import dev.fgbg.v1.FolderDatasetConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * A datasets.json text as folder dataset configs, every dataset's settings checked, each problem
 * named by its dataset and key as the file spells it. The text must be strict JSON ({@link
 * JsonText}: a mistake there is named by line and column); then one refusal names every
 * problem it can find: each unknown, repeated or wrongly typed key ({@link ConfigValues}), each
 * name used twice, and each bad setting of every dataset, read from its good keys (a problem
 * naming a key that was itself at fault is not named twice).
 */
final class ConfigFile {
  private static final List<FieldDescriptor> KEYS =
      FolderDatasetConfig.getDescriptor().getFields();
  private static final String SHAPE = "{\"datasets\": [...]}";
  /** Folders missing is a problem of its own: a bad "bg" is given this, to find a missing "fg". */
  private static final String PLACEHOLDER = "?";
  /** The name of a dataset that gives none. */
  private static final String DEFAULT_NAME = "folder";

  private ConfigFile() {}

  /**
   * The datasets of {@code json}, each entry completed by {@code fill} (what flags give for what
   * it leaves out) before its settings are checked, so that they are checked as served.
   */
  static List<FolderDatasetConfig> parse(String json, String origin,
      UnaryOperator<FolderDatasetConfig> fill) {
    // Editors on Windows start UTF-8 files with a byte order mark; it is no part of the JSON.
    String text = json.startsWith("\uFEFF") ? json.substring(1) : json;
    if (text.isBlank()) {
      throw FgbgException.invalidConfig("config file " + origin + " is empty: it must be one "
          + "object, " + SHAPE);
    }
    JsonText.Tree tree;
    try {
      tree = JsonText.parse(text);
    } catch (JsonText.SyntaxException e) {
      throw FgbgException.invalidConfig("config file " + origin + " is not valid JSON: "
          + e.getMessage());
    }
    List<String> problems = new ArrayList<>();
    List<FolderDatasetConfig> out = datasets(tree, fill, problems);
    if (!problems.isEmpty()) {
      throw FgbgException.invalidConfig("config file " + origin + ": "
          + String.join("\n", problems));
    }
    return out;
  }

  /** The datasets of the tree; a line for each problem goes to {@code problems}. */
  private static List<FolderDatasetConfig> datasets(JsonText.Tree tree,
      UnaryOperator<FolderDatasetConfig> fill, List<String> problems) {
    if (!tree.root().isJsonObject()) {
      problems.add("it must be one object, " + SHAPE + ", not "
          + ConfigValues.found(tree.root()));
      return List.of();
    }
    JsonObject root = tree.root().getAsJsonObject();
    for (String key : root.keySet()) {
      if (!key.equals("datasets")) {
        problems.add("unknown key \"" + key + "\" at the top: the only one is \"datasets\"");
      }
    }
    if (tree.repeatedIn(root).contains("datasets")) {
      problems.add("\"datasets\" is given twice");
    }
    JsonElement list = root.get("datasets");
    if (list == null) {
      if (root.size() == 0) {
        problems.add("it has no \"datasets\": it must be " + SHAPE);
      }
      return List.of();
    }
    if (!list.isJsonArray()) {
      problems.add("\"datasets\" must be a list, [{\"name\": …, \"bg\": …, \"fg\": …}, …], "
          + "not " + ConfigValues.found(list));
      return List.of();
    }
    if (list.getAsJsonArray().isEmpty()) {
      // A server of 'builtin' alone is one without --config: an empty list is a mistake.
      problems.add("\"datasets\" is empty: list at least one, [{\"name\": …, \"bg\": …, "
          + "\"fg\": …}], or leave out --config to serve 'builtin' alone");
      return List.of();
    }
    List<FolderDatasetConfig> out = new ArrayList<>();
    Map<String, Integer> names = new HashMap<>();
    boolean[] keysListed = {false};
    int i = 0;
    for (JsonElement d : list.getAsJsonArray()) {
      i++;
      if (!d.isJsonObject()) {
        problems.add("dataset #" + i + ": must be an object, {\"name\": …, \"bg\": …, "
            + "\"fg\": …}, not " + ConfigValues.found(d));
        continue;
      }
      FolderDatasetConfig c = dataset(i, d.getAsJsonObject(), tree, fill, problems,
          keysListed);
      // Named here, before any is loaded: the server would find it only once all were. An
      // entry without "name" is served as 'folder', so two of them clash too.
      String served = c.getName().isEmpty() ? DEFAULT_NAME : c.getName();
      Integer first = names.putIfAbsent(served, i);
      if (first != null) {
        problems.add("dataset name " + Quoted.of(served) + " is used twice (datasets #"
            + first + " and #" + i + ")" + (c.getName().isEmpty() ? "; an entry without "
            + "\"name\" is called 'folder': give each its own \"name\"" : ""));
      }
      out.add(c);
    }
    return out;
  }

  /** Dataset #{@code i} from its good keys; a line for each problem to {@code problems}. */
  private static FolderDatasetConfig dataset(int i, JsonObject d, JsonText.Tree tree,
      UnaryOperator<FolderDatasetConfig> fill, List<String> problems, boolean[] keysListed) {
    JsonElement name = d.get("name");
    String label = "dataset #" + i + (name != null && name.isJsonPrimitive()
        && name.getAsJsonPrimitive().isString() ? " (" + Quoted.of(name.getAsString()) + ")" : "");
    FolderDatasetConfig.Builder b = FolderDatasetConfig.newBuilder();
    Set<String> named = new HashSet<>(); // keys (JSON names) whose mistake is said
    Map<FieldDescriptor, String> spelled = new HashMap<>();
    for (Map.Entry<String, JsonElement> k : d.entrySet()) {
      String key = k.getKey();
      FieldDescriptor f = keyed(key);
      if (f == null) {
        problems.add(label + ": " + unknownKey(key, named, keysListed));
      } else if (spelled.containsKey(f)) {
        problems.add(label + ": \"" + spelled.get(f) + "\" and \"" + key + "\" are one key, "
            + "given twice");
      } else {
        spelled.put(f, key);
        try {
          b.setField(f, ConfigValues.read(f, k.getValue()));
        } catch (ConfigValues.WrongTypeException e) {
          problems.add(label + ": \"" + key + "\" " + e.getMessage());
          named.add(f.getJsonName());
        }
      }
    }
    for (String key : tree.repeatedIn(d)) {
      problems.add(label + ": \"" + key + "\" is given twice");
    }
    FolderDatasetConfig filled = fill.apply(b.build());
    problems.addAll(settingProblems(filled, named, spelled,
        named.contains("name") ? "dataset #" + i : null));
    return filled;
  }

  /**
   * The problems of {@code c}'s settings, one a line, each key as the file spells it, but those
   * naming a key in {@code named}; {@code who} names the dataset when its name was bad.
   */
  private static List<String> settingProblems(FolderDatasetConfig c, Set<String> named,
      Map<FieldDescriptor, String> spelled, String who) {
    FolderDatasetConfig.Builder checked = c.toBuilder();
    // A bad or misspelt folder key is said; whether the other one is missing still needs saying.
    if (named.contains("bg") && c.getBg().isEmpty()) {
      checked.setBg(PLACEHOLDER);
    }
    if (named.contains("fg") && c.getFg().isEmpty()) {
      checked.setFg(PLACEHOLDER);
    }
    try {
      DatasetFactory.settings(checked.build(), SettingNames.CONFIG_KEYS, who);
      return List.of();
    } catch (FgbgException e) {
      return e.getMessage().lines()
          .filter(l -> named.stream().filter(k -> !k.equals("bg") && !k.equals("fg"))
              .noneMatch(k -> l.contains("\"" + k + "\"")))
          .map(l -> asSpelled(l, spelled)).toList();
    }
  }

  /** {@code line} with each key as the file spells it ("fg_scale" where it says so). */
  private static String asSpelled(String line, Map<FieldDescriptor, String> spelled) {
    for (Map.Entry<FieldDescriptor, String> s : spelled.entrySet()) {
      line = line.replace("\"" + s.getKey().getJsonName() + "\"", "\"" + s.getValue() + "\"");
    }
    return line;
  }

  /**
   * An unknown key's problem; the key it was meant to be goes to {@code named}. The list of
   * keys is given once, with the first unknown key.
   */
  private static String unknownKey(String key, Set<String> named, boolean[] keysListed) {
    FieldDescriptor meant = ConfigKeys.nearest(key, KEYS);
    if (meant != null) {
      named.add(meant.getJsonName());
    }
    String keys = keysListed[0] ? "" : "; the keys are " + KEYS.stream()
        .map(FieldDescriptor::getJsonName).collect(Collectors.joining(", "));
    keysListed[0] = true;
    return "unknown key \"" + key + "\"" + (meant == null ? ""
        : " (did you mean \"" + meant.getJsonName() + "\"?)") + keys;
  }

  /**
   * For each dataset of a checked config text that sets on_bad_file, its entry as the file
   * spells it ({@code "onBadFile": "skip"} or {@code "on_bad_file": "skip"}), by dataset name:
   * a skipping load's warning quotes it so.
   */
  static Map<String, String> onBadFileEntries(String json) {
    String text = json.startsWith("\uFEFF") ? json.substring(1) : json;
    FieldDescriptor f = FolderDatasetConfig.getDescriptor()
        .findFieldByNumber(FolderDatasetConfig.ON_BAD_FILE_FIELD_NUMBER);
    Map<String, String> out = new HashMap<>();
    for (JsonElement d : JsonText.parse(text).root().getAsJsonObject().getAsJsonArray("datasets")) {
      JsonObject o = d.getAsJsonObject();
      for (String key : o.keySet()) {
        if (keyed(key) == f && o.get("name") != null) {
          out.put(o.get("name").getAsString(), "\"" + key + "\": \""
              + o.get(key).getAsString() + "\"");
        }
      }
    }
    return out;
  }

  /** The field a key names: its JSON name or its proto name, as protobuf's parser takes. */
  private static FieldDescriptor keyed(String key) {
    return KEYS.stream().filter(f -> f.getJsonName().equals(key) || f.getName().equals(key))
        .findFirst().orElse(null);
  }
}
