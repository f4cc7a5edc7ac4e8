package dev.fgbg.core;

/**
 * A value a client sent, quoted for a message: at most {@link #MAX} characters (a longer one is
 * cut and says how long it was), control and format characters escaped. Messages travel in gRPC
 * headers, which are small; a 1 MB name echoed whole would turn a clear error into a transport
 * one.
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
    StringBuilder b = new StringBuilder("'");
    int shown = Math.min(value.length(), MAX);
    for (int i = 0; i < shown; i++) {
      char c = value.charAt(i);
      // Format characters too: invisible, and U+202E would reverse the rest of the message.
      if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    b.append('\'');
    if (value.length() > MAX) {
      b.append("… (").append(value.length()).append(" characters)");
    }
    return b.toString();
  }
}
