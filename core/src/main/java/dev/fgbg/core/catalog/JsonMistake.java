package dev.fgbg.core.catalog;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where Gson's strict reader refused a config file's text, and why, in the file's terms: "line 2,
 * column 41: a comma before '}' (JSON has none after the last item)". Gson's words name its
 * reader ("Expected name at line 2 column 44 path $.datasets[0].fg", "Use
 * JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON"); the place it names,
 * on or just past the character it refused, and the text there say what the mistake is.
 */
final class JsonMistake {
  private static final Pattern AT = Pattern.compile(" at line (\\d+) column (\\d+) ");
  private static final Pattern NUMBER =
      Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
  /** A bare word ends where JSON's punctuation or Gson's lenient separators begin. */
  private static final String WORD_END = "[\\s,:\\[\\]{}\"';=/#\\\\]";
  private static final String LINE_BREAK = "a line break inside text (a '\"' missing?)";

  private JsonMistake() {}

  /** Gson's complaint {@code why}, its reader at {@code path}; {@code ended}: at the end. */
  static String of(String s, String why, String path, boolean ended) {
    int i = index(s, why);
    try {
      return explain(s, why, i, path, ended);
    } catch (IndexOutOfBoundsException e) { // words of a Gson newer than these rules: its own
      return at(s, i, why.substring(0, why.indexOf(" at line ")));
    }
  }

  private static String explain(String s, String why, int i, String path, boolean ended) {
    int slash = s.lastIndexOf('\\', i - 1);
    boolean list = path.endsWith("]");
    boolean endOfText = why.startsWith("Unterminated string") || why.contains("escape")
        && i == s.length();
    if (ended || endOfText) {
      return at(s, s.length(), "the file ends inside " + (!ended ? "text (a '\"' is missing)"
          : list ? "a list (a ']' is missing)" : "an object (a '}' is missing)"));
    } else if (why.startsWith("Nesting limit")) {
      return at(s, i - 1, "lists and objects nested more than " + why.split(" ")[2] + " deep");
    } else if (why.startsWith("Unescaped control")) { // Gson names where the text began
      i += (int) s.chars().skip(i).takeWhile(ch -> ch >= 0x20).count();
      return at(s, i, s.charAt(i) == '\n' ? LINE_BREAK
          : "a control character inside text (write it as " + shown(s, i) + ")");
    } else if (why.contains("escape")) {
      char e = s.charAt(slash + 1);
      return e == '\n' ? at(s, slash + 1, LINE_BREAK) : at(s, slash, e == 'u'
          ? "'\\u' must have 4 hex digits"
          : "'\\" + e + "' is no JSON escape (a backslash is written \\\\; paths may use /)");
    }
    // Gson stops past the character it refused, but on a bare word: one that follows white
    // space, '[', ':' or a comma after a value (the comma was read in an earlier step).
    boolean bare = why.startsWith("Expected value") || why.startsWith("Use ") && (i == 0
        || " \t\r\n[:".indexOf(s.charAt(i - 1)) >= 0
        || s.charAt(i - 1) == ',' && "[{,".indexOf(before(s, i - 1)) < 0);
    int m = bare ? i : i - 1;
    String word = s.substring(m).split(WORD_END, 2)[0];
    if (bare && (NUMBER.matcher(word).matches() || word.matches("true|false|null"))) {
      m += word.length(); // a good value, and Gson refused what follows it
    }
    if (before(s, m) == ',' && s.charAt(m) == (list ? ']' : '}')) {
      return at(s, s.lastIndexOf(',', m), "a comma before '" + s.charAt(m) + "' (JSON has none "
          + "after the last item)");
    }
    return at(s, m, what(s, m, why, path, list));
  }

  /** The mistake at {@code m}, named by what comes before it. */
  private static String what(String s, int m, String why, String path, boolean list) {
    char c = s.charAt(m);
    char b = before(s, m);
    String found = ", found " + shown(s, m);
    String key = "\"" + path.substring(path.lastIndexOf('.') + 1) + "\"";
    if (s.startsWith("//", m) || s.startsWith("/*", m) || c == '#') {
      return "a comment (JSON has no comments)";
    } else if (!list && (b == '{' || b == ',')) {
      return c == '\'' ? "a key in single quotes (JSON keys are in double quotes)"
          : Character.isLetter(c) ? "a key without quotes (JSON keys are in double quotes)"
          : "expected a key in double quotes" + found;
    } else if (why.startsWith("Expected ':'") || c == '=' && b == '"') {
      return "expected ':' after the key " + key + found;
    } else if (path.equals("$") && b != 0) {
      return "more after the end of the first value (a file holds one)";
    } else if (b != 0 && "[,:".indexOf(b) < 0) {
      return "expected ',' or " + (list ? "']' after an item of a list"
          : "'}' after the value of " + key) + found;
    } else if (c == '\'') {
      return "text in single quotes (JSON text is in double quotes)";
    }
    String word = s.substring(m).split(WORD_END, 2)[0];
    return word.isEmpty() ? "expected a value" + found : "'" + word
        + (c == '-' || Character.isDigit(c) ? "' is not a JSON number"
            : "' is no JSON value (text is in double quotes)");
  }

  /** The last character before {@code i} that is not white space, or 0. */
  private static char before(String s, int i) {
    String head = s.substring(0, i).stripTrailing();
    return head.isEmpty() ? 0 : head.charAt(head.length() - 1);
  }

  /** The character at {@code i} for a message. */
  private static String shown(String s, int i) {
    char c = s.charAt(i);
    return c < 0x20 ? String.format("\\u%04x", (int) c) : "'" + c + "'";
  }

  /** The index Gson's " at line L column C " in {@code message} names (lines end at '\n'). */
  static int index(String s, String message) {
    Matcher m = AT.matcher(message);
    if (!m.find()) {
      throw new IllegalStateException("no place in " + message);
    }
    int start = 0;
    for (int line = Integer.parseInt(m.group(1)); line > 1; line--) {
      start = s.indexOf('\n', start) + 1;
    }
    return Math.min(start + Integer.parseInt(m.group(2)) - 1, s.length());
  }

  /** "line L, column C: what", for index {@code i}: both count from 1, as editors show them. */
  static String at(String s, int i, String what) {
    int line = 1 + (int) s.substring(0, i).chars().filter(c -> c == '\n').count();
    return "line " + line + ", column " + (i - s.lastIndexOf('\n', i - 1)) + ": " + what;
  }
}
