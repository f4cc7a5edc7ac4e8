package dev.fgbg.core.catalog;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Strict JSON (RFC 8259) as Gson's tree, for a config file. Gson's own parser is lenient: it
 * takes comments, single quotes, bare words, a trailing comma in a list as one more (null) item
 * and ignores what follows the first value, so a broken file could start as another one; and
 * its complaints name its reader ("Expected name at line 2 column 92 path $.datasets[0]"), not
 * the mistake. A key given twice in one object keeps its first value and is noted, where Gson
 * keeps the last without a word.
 */
final class JsonText {
  /** Deeper nesting is no config file; the limit keeps recursion off the stack's end. */
  private static final int MAX_DEPTH = 64;
  private static final Pattern NUMBER =
      Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

  private final String s;
  private int pos;
  private final Map<JsonObject, Set<String>> repeated = new IdentityHashMap<>();

  private JsonText(String s) {
    this.s = s;
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
    p.space();
    JsonElement root = p.value(0);
    p.space();
    if (p.pos < text.length()) {
      throw p.error(p.pos, "more after the end of the first value (a file holds one)");
    }
    return new Tree(root, p.repeated);
  }

  private JsonElement value(int depth) {
    if (depth > MAX_DEPTH) {
      throw error(pos, "lists and objects nested more than " + MAX_DEPTH + " deep");
    }
    if (pos >= s.length()) {
      throw error(pos, "the file ends where a value should be");
    }
    char c = s.charAt(pos);
    return switch (c) {
      case '{' -> object(depth + 1);
      case '[' -> list(depth + 1);
      case '"' -> new JsonPrimitive(string());
      case '\'' -> throw error(pos, "text in single quotes (JSON text is in double quotes)");
      default -> c == '-' || Character.isDigit(c) ? number() : word();
    };
  }

  private JsonObject object(int depth) {
    pos++;
    JsonObject o = new JsonObject();
    space();
    if (next('}')) {
      return o;
    }
    while (true) {
      space();
      String key = key();
      space();
      if (!next(':')) {
        throw error(pos, "expected ':' after the key \"" + key + "\", found " + here());
      }
      space();
      JsonElement v = value(depth);
      if (o.has(key)) {
        repeated.computeIfAbsent(o, x -> new LinkedHashSet<>()).add(key);
      } else {
        o.add(key, v);
      }
      space();
      if (next('}')) {
        return o;
      }
      if (!at(',')) {
        throw error(pos, pos == s.length() ? "the file ends inside an object (a '}' is missing)"
            : "expected ',' or '}' after the value of \"" + key + "\", found " + here());
      }
      comma('}');
    }
  }

  private JsonArray list(int depth) {
    pos++;
    JsonArray a = new JsonArray();
    space();
    if (next(']')) {
      return a;
    }
    while (true) {
      space();
      a.add(value(depth));
      space();
      if (next(']')) {
        return a;
      }
      if (!at(',')) {
        throw error(pos, pos == s.length() ? "the file ends inside a list (a ']' is missing)"
            : "expected ',' or ']' after item " + a.size() + " of a list, found " + here());
      }
      comma(']');
    }
  }

  /** Past a comma; a trailing one (the next thing is {@code close}) is named where it is. */
  private void comma(char close) {
    int comma = pos++;
    space();
    if (at(close)) {
      throw error(comma, "a comma before '" + close + "' (JSON has none after the last item)");
    }
  }

  private String key() {
    if (at('"')) {
      return string();
    }
    if (at('\'')) {
      throw error(pos, "a key in single quotes (JSON keys are in double quotes)");
    }
    if (pos < s.length() && Character.isLetter(s.charAt(pos))) {
      throw error(pos, "a key without quotes (JSON keys are in double quotes)");
    }
    throw error(pos, "expected a key in double quotes, found " + here());
  }

  private String string() {
    int start = pos++;
    StringBuilder b = new StringBuilder();
    while (true) {
      if (pos >= s.length()) {
        throw error(start, "text that never ends (a '\"' is missing)");
      }
      char c = s.charAt(pos);
      if (c == '"') {
        pos++;
        return b.toString();
      }
      if (c < 0x20) {
        throw error(pos, c == '\n' || c == '\r' ? "a line break inside text (a '\"' missing?)"
            : "a control character inside text (write it as \\u" + String.format("%04x", (int) c)
                + ")");
      }
      if (c == '\\') {
        escape(b);
      } else {
        b.append(c);
        pos++;
      }
    }
  }

  private void escape(StringBuilder b) {
    int at = pos;
    char e = pos + 1 < s.length() ? s.charAt(pos + 1) : ' ';
    pos += 2;
    switch (e) {
      case '"', '\\', '/' -> b.append(e);
      case 'b' -> b.append('\b');
      case 'f' -> b.append('\f');
      case 'n' -> b.append('\n');
      case 'r' -> b.append('\r');
      case 't' -> b.append('\t');
      case 'u' -> {
        String hex = s.substring(pos, Math.min(pos + 4, s.length()));
        if (!hex.matches("[0-9a-fA-F]{4}")) {
          throw error(at, "'\\u' must have 4 hex digits");
        }
        b.append((char) Integer.parseInt(hex, 16));
        pos += 4;
      }
      default -> throw error(at, "'\\" + e + "' is no JSON escape (a backslash is written \\\\; "
          + "paths may use /)");
    }
  }

  private JsonPrimitive number() {
    int start = pos;
    while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos))
        || "+-.".indexOf(s.charAt(pos)) >= 0)) {
      pos++;
    }
    String text = s.substring(start, pos);
    if (!NUMBER.matcher(text).matches()) {
      throw error(start, "'" + text + "' is not a JSON number");
    }
    try {
      return new JsonPrimitive(new BigDecimal(text));
    } catch (NumberFormatException e) { // an exponent past int's range
      throw error(start, "'" + text + "' is out of range");
    }
  }

  private JsonElement word() {
    int start = pos;
    while (pos < s.length() && Character.isLetterOrDigit(s.charAt(pos))) {
      pos++;
    }
    String w = s.substring(start, pos);
    return switch (w) {
      case "true" -> new JsonPrimitive(true);
      case "false" -> new JsonPrimitive(false);
      case "null" -> JsonNull.INSTANCE;
      case "" -> throw error(start, "expected a value, found " + here(start));
      default -> throw error(start, "'" + w + "' is no JSON value (text is in double quotes)");
    };
  }

  /** Past white space; a comment is refused where it starts. */
  private void space() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == '/' && pos + 1 < s.length() && "/*".indexOf(s.charAt(pos + 1)) >= 0
          || c == '#') {
        throw error(pos, "a comment (JSON has no comments)");
      }
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private boolean at(char c) {
    return pos < s.length() && s.charAt(pos) == c;
  }

  private boolean next(char c) {
    if (at(c)) {
      pos++;
      return true;
    }
    return false;
  }

  private String here() {
    return here(pos);
  }

  /** The character at {@code i} for a message, or the end. */
  private String here(int i) {
    if (i >= s.length()) {
      return "the end of the file";
    }
    char c = s.charAt(i);
    return c < 0x20 ? String.format("\\u%04x", (int) c) : "'" + c + "'";
  }

  /** A SyntaxException at {@code i}: line and column count from 1, as editors show them. */
  private SyntaxException error(int i, String what) {
    int line = 1;
    int lineStart = 0;
    for (int k = 0; k < i && k < s.length(); k++) {
      if (s.charAt(k) == '\n') {
        line++;
        lineStart = k + 1;
      }
    }
    return new SyntaxException("line " + line + ", column " + (i - lineStart + 1) + ": " + what);
  }
}
