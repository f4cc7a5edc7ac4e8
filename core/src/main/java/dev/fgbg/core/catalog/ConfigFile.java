package dev.fgbg.core.catalog;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.fgbg.common.InWords;
import dev.fgbg.core.FgbgException;
import dev.fgbg.v1.FolderDatasetConfig;
import dev.fgbg.v1.ServerConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A datasets.json text as folder dataset configs, every dataset's settings checked, each problem
 * named by its dataset and key: protobuf's parser names neither, and stops at the first. One
 * refusal names every problem it can find: each unknown key and each value of the wrong type
 * (from the JSON tree), and each bad setting of every dataset (its good keys read without the
 * bad ones; a problem naming a key that was itself at fault is not named twice).
 */
final class ConfigFile {
  private static final List<FieldDescriptor> KEYS =
      FolderDatasetConfig.getDescriptor().getFields();

  private ConfigFile() {}

  static List<FolderDatasetConfig> parse(String json, String origin) {
    ServerConfig.Builder sc = ServerConfig.newBuilder();
    try {
      JsonFormat.parser().merge(json, sc);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw FgbgException.invalidConfig("config file " + origin + " is not valid: "
          + String.join("\n", treeProblems(json, e)), e);
    }
    List<String> problems = new ArrayList<>();
    for (FolderDatasetConfig d : sc.getDatasetsList()) {
      problems.addAll(settingProblems(d, Set.of()));
    }
    if (!problems.isEmpty()) {
      throw FgbgException.invalidConfig("config file " + origin + ": "
          + String.join("\n", problems));
    }
    return sc.getDatasetsList();
  }

  /** The problems of {@code d}'s settings, one a line, but those naming a key in {@code named}. */
  private static List<String> settingProblems(FolderDatasetConfig d, Set<String> named) {
    try {
      DatasetFactory.settings(d, SettingNames.CONFIG_KEYS);
      return List.of();
    } catch (FgbgException e) {
      return e.getMessage().lines()
          .filter(l -> named.stream().noneMatch(k -> l.contains("\"" + k + "\""))).toList();
    }
  }

  /**
   * Every problem the JSON tree shows, dataset by dataset; the parser's own complaint when the
   * tree shows none (or the text is not JSON).
   */
  private static List<String> treeProblems(String json, Exception e) {
    List<String> said = List.of(InWords.of(e).lines().findFirst().orElse(""));
    JsonElement root;
    try {
      root = JsonParser.parseString(json);
    } catch (JsonParseException notJson) {
      return said;
    }
    if (!root.isJsonObject()) {
      return List.of("it must be one object, {\"datasets\": [...]}");
    }
    List<String> out = new ArrayList<>();
    for (String key : root.getAsJsonObject().keySet()) {
      if (!key.equals("datasets")) {
        out.add("unknown key \"" + key + "\" at the top: the only one is \"datasets\"");
      }
    }
    JsonElement list = root.getAsJsonObject().get("datasets");
    if (list != null && !list.isJsonNull() && !list.isJsonArray()) {
      out.add("\"datasets\" must be a list, [{\"name\": …, \"bg\": …, \"fg\": …}, …]");
      return out;
    }
    boolean[] keysListed = {false};
    int i = 0;
    for (JsonElement d : list == null || list.isJsonNull() ? List.<JsonElement>of()
        : list.getAsJsonArray().asList()) {
      i++;
      if (!d.isJsonObject()) {
        out.add("dataset #" + i + ": must be an object, {\"name\": …, \"bg\": …, \"fg\": …}");
        continue;
      }
      JsonObject good = new JsonObject();
      Set<String> named = new HashSet<>();
      for (Map.Entry<String, JsonElement> k : d.getAsJsonObject().entrySet()) {
        String problem = keyProblem(k.getKey(), k.getValue(), named, keysListed);
        if (problem == null) {
          good.add(k.getKey(), k.getValue());
        } else {
          out.add("dataset #" + i + nameOf(d) + ": " + problem);
        }
      }
      FolderDatasetConfig.Builder rest = FolderDatasetConfig.newBuilder();
      try {
        JsonFormat.parser().merge(good.toString(), rest);
      } catch (InvalidProtocolBufferException | RuntimeException notExpected) {
        continue; // every key parsed alone; what is left is named above
      }
      out.addAll(settingProblems(rest.build(), named));
    }
    return out.isEmpty() ? said : out;
  }

  /**
   * What is wrong with one key of a dataset, or null; the key it names (or was meant to) goes
   * to {@code named}. The list of keys is given once, with the first unknown key.
   */
  private static String keyProblem(String key, JsonElement value, Set<String> named,
      boolean[] keysListed) {
    FieldDescriptor f = keyed(key);
    if (f == null) {
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
    JsonObject one = new JsonObject();
    one.add(key, value);
    try {
      JsonFormat.parser().merge(one.toString(), FolderDatasetConfig.newBuilder());
      return null;
    } catch (InvalidProtocolBufferException | RuntimeException bad) {
      named.add(f.getJsonName());
      return "\"" + key + "\": " + value + " " + expected(f);
    }
  }

  /** The field a key names: its JSON name or its proto name, as protobuf's parser takes. */
  private static FieldDescriptor keyed(String key) {
    return KEYS.stream().filter(f -> f.getJsonName().equals(key) || f.getName().equals(key))
        .findFirst().orElse(null);
  }

  private static String nameOf(JsonElement d) {
    JsonElement name = d.isJsonObject() ? d.getAsJsonObject().get("name") : null;
    return name != null && name.isJsonPrimitive() ? " ('" + name.getAsString() + "')" : "";
  }

  private static String expected(FieldDescriptor f) {
    return switch (f.getJavaType()) {
      case BOOLEAN -> "must be true or false";
      case INT, LONG -> "must be a whole number";
      case FLOAT, DOUBLE -> "must be a number";
      case STRING -> "must be text";
      default -> "has the wrong type";
    };
  }
}
