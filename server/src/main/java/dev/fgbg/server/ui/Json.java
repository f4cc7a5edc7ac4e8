package dev.fgbg.server.ui;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.protobuf.MessageOrBuilder;
import dev.fgbg.common.ProtoJson;

/**
 * The UI's JSON: records written with snake_case names (as the project's one JSON convention
 * names fields), messages through {@link ProtoJson} so that they read as every other JSON file
 * of fgbg does. Not HTML-escaped: it is served as JSON (never sniffed) and read by scripts that
 * put it into the page as text.
 */
final class Json {
  static final Gson GSON = new GsonBuilder().disableHtmlEscaping()
      .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).create();

  private Json() {}

  /** A message in fgbg's JSON convention, as a tree to put inside a record. */
  static JsonElement of(MessageOrBuilder message) {
    return JsonParser.parseString(ProtoJson.line(message));
  }

  /** As {@link #of}, enums as config files spell them ({@link ProtoJson#configSpelling}). */
  static JsonElement configOf(MessageOrBuilder message) {
    return JsonParser.parseString(ProtoJson.configLine(message));
  }
}
