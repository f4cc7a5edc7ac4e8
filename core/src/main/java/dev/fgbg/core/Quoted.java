package dev.fgbg.core;

/**
 * A value a client sent, quoted for a message: at most {@link #MAX} characters (a longer one is
 * cut and says how long it was), control, format and line/paragraph separator characters
 * escaped. Messages travel in gRPC headers, which are small; a 1 MB name echoed whole would turn
 * a clear error into a transport one.
 */
public final class Quoted {
  /** Characters of a value shown before it is cut. */
  public static final int MAX = 80;

  private Quoted() {}

  /** {@code 'value'}, cut and escaped as needed. */
  public static String of(String value) {
    if (value == null) {
      return "null";
    }
    return "'" + escaped(value) + "'" + cut(value);
  }

  /**
   * {@code value} cut and escaped as {@link #of} does, without the quotes: for a place that
   * shows it as a value of its own, such as a Prometheus label (whose format quotes it).
   */
  public static String bare(String value) {
    return value == null ? "null" : escaped(value) + cut(value);
  }

  private static String escaped(String value) {
    StringBuilder b = new StringBuilder();
    int shown = Math.min(value.length(), MAX);
    for (int i = 0; i < shown; i++) {
      char c = value.charAt(i);
      // Format characters too: invisible, and U+202E would reverse the rest of the message.
      // Line and paragraph separators (U+2028, U+2029) would split a log line in two.
      int type = Character.getType(c);
      if (Character.isISOControl(c) || type == Character.FORMAT
          || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static String cut(String value) {
    return value.length() > MAX ? "… (" + value.length() + " characters)" : "";
  }
}
