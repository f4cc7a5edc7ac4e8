package dev.fgbg.core.catalog;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Strict JSON (RFC 8259) as Gson's tree, for a config file, read by Gson's {@link JsonReader} in
 * strict mode: Gson's default takes comments, single quotes, bare words, a trailing comma in a
 * list as a null item and a second value, so a broken file could start as another one. The tree
 * is built here, not by Gson, because Gson's keeps the last of a key given twice without a word;
 * here the first is kept and the key noted. A refusal is worded by {@link JsonMistake}.
 */
final class JsonText {
  /** Deeper nesting is no config file; the limit keeps recursion off the stack's end. */
  private static final int MAX_DEPTH = 64;

  private final String s;
  private final JsonReader r;
  private final Map<JsonObject, Set<String>> repeated = new IdentityHashMap<>();

  private JsonText(String s) {
    this.s = s;
    r = new JsonReader(new StringReader(s));
    r.setStrictness(Strictness.STRICT);
    r.setNestingLimit(MAX_DEPTH);
  }

  /** Where the text stops being JSON, and why: "line 2, column 41: a comment …". */
  static final class SyntaxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    SyntaxException(String message) {
      super(message);
    }
  }

  /** The tree, and the keys each object gave more than once (by identity). */
  record Tree(JsonElement root, Map<JsonObject, Set<String>> repeated) {
    Set<String> repeatedIn(JsonObject o) {
      return repeated.getOrDefault(o, Set.of());
    }
  }

  /** One JSON value, with nothing but white space around it. */
  static Tree parse(String text) {
    JsonText p = new JsonText(text);
    try {
      JsonElement root = p.value();
      p.r.peek(); // strict: anything but white space after the value is refused here
      return new Tree(root, p.repeated);
    } catch (IOException e) { // MalformedJsonException, or EOFException at the end of the text
      throw new SyntaxException(JsonMistake.of(text, String.valueOf(e.getMessage()),
          p.r.getPath(), e instanceof EOFException));
    }
  }

  private JsonElement value() throws IOException {
    return switch (r.peek()) {
      case BEGIN_OBJECT -> object();
      case BEGIN_ARRAY -> list();
      case NUMBER -> number(r.nextString());
      case BOOLEAN -> new JsonPrimitive(r.nextBoolean());
      case NULL -> {
        r.nextNull();
        yield JsonNull.INSTANCE;
      }
      default -> new JsonPrimitive(r.nextString()); // a string: the reader refuses all else
    };
  }

  private JsonObject object() throws IOException {
    JsonObject o = new JsonObject();
    for (r.beginObject(); r.hasNext(); ) {
      String key = r.nextName();
      JsonElement v = value();
      if (o.has(key)) {
        repeated.computeIfAbsent(o, x -> new LinkedHashSet<>()).add(key);
      } else {
        o.add(key, v);
      }
    }
    r.endObject();
    return o;
  }

  private JsonArray list() throws IOException {
    JsonArray a = new JsonArray();
    for (r.beginArray(); r.hasNext(); ) {
      a.add(value());
    }
    r.endArray();
    return a;
  }

  private JsonPrimitive number(String n) {
    try {
      return new JsonPrimitive(new BigDecimal(n));
    } catch (NumberFormatException e) { // an exponent past int's range; the reader is past it
      int at = JsonMistake.index(s, r.toString()) - n.length();
      throw new SyntaxException(JsonMistake.at(s, at, "'" + n + "' is out of range"));
    }
  }
}
