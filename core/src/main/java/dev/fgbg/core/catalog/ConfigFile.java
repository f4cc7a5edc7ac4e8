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
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A datasets.json text as folder dataset configs, every dataset's settings checked, each problem
 * named by its dataset and key: protobuf's parser names neither.
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
          + located(json, e), e);
    }
    List<String> problems = new ArrayList<>();
    for (FolderDatasetConfig d : sc.getDatasetsList()) {
      try {
        DatasetFactory.settings(d, SettingNames.CONFIG_KEYS);
      } catch (FgbgException e) {
        problems.add(e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw FgbgException.invalidConfig("config file " + origin + ": "
          + String.join("\n", problems));
    }
    return sc.getDatasetsList();
  }

  /** The parser's complaint, placed at the dataset and key the tree shows to be at fault. */
  private static String located(String json, Exception e) {
    String said = InWords.of(e).lines().findFirst().orElse("");
    JsonElement root;
    try {
      root = JsonParser.parseString(json);
    } catch (JsonParseException notJson) {
      return said;
    }
    if (!root.isJsonObject()) {
      return "it must be one object, {\"datasets\": [...]}";
    }
    for (String key : root.getAsJsonObject().keySet()) {
      if (!key.equals("datasets")) {
        return "unknown key \"" + key + "\" at the top: the only one is \"datasets\"";
      }
    }
    JsonElement list = root.getAsJsonObject().get("datasets");
    if (list != null && !list.isJsonNull() && !list.isJsonArray()) {
      return "\"datasets\" must be a list, [{\"name\": …, \"bg\": …, \"fg\": …}, …]";
    }
    int i = 0;
    for (JsonElement d : list == null || list.isJsonNull() ? List.<JsonElement>of()
        : list.getAsJsonArray().asList()) {
      i++;
      String problem = datasetProblem(d);
      if (problem != null) {
        return "dataset #" + i + nameOf(d) + ": " + problem;
      }
    }
    return said;
  }

  private static String datasetProblem(JsonElement d) {
    if (!d.isJsonObject()) {
      return "must be an object, {\"name\": …, \"bg\": …, \"fg\": …}";
    }
    for (Map.Entry<String, JsonElement> e : d.getAsJsonObject().entrySet()) {
      FieldDescriptor f = keyed(e.getKey());
      if (f == null) {
        FieldDescriptor meant = keyed(e.getKey().replace('-', '_'));
        return "unknown key \"" + e.getKey() + "\"" + (meant == null ? ""
            : " (did you mean \"" + meant.getJsonName() + "\"?)") + "; the keys are "
            + KEYS.stream().map(FieldDescriptor::getJsonName).collect(Collectors.joining(", "));
      }
      JsonObject one = new JsonObject();
      one.add(e.getKey(), e.getValue());
      try {
        JsonFormat.parser().merge(one.toString(), FolderDatasetConfig.newBuilder());
      } catch (InvalidProtocolBufferException | RuntimeException bad) {
        return "\"" + e.getKey() + "\": " + e.getValue() + " " + expected(f);
      }
    }
    return null;
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
