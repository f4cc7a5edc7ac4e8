package dev.fgbg.core.export;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import java.text.Normalizer;

/**
 * Folder names of a destination must be in Unicode NFC: 'café' typed as one code point and as
 * 'e' + U+0301 would be two folders that look the same in every listing and message.
 */
final class DestinationNames {
  /** Characters of a name shown, escaped, in a message (a name may be 255 bytes). */
  private static final int SHOWN = 40;
  /** Characters shown before the first one the two forms differ in. */
  private static final int BEFORE = 10;

  private DestinationNames() {}

  /** Refuses {@code name}, a folder of {@code destination}, when it is not in NFC. */
  static void checkNfc(String destination, String name) {
    if (Normalizer.isNormalized(name, Normalizer.Form.NFC)) {
      return;
    }
    String nfc = Normalizer.normalize(name, Normalizer.Form.NFC);
    // Escaped, since both forms print alike, from a little before where they first differ
    // (past the cut, a long name's two forms would print the same).
    int from = Math.max(0, firstDifference(name, nfc) - BEFORE);
    throw FgbgException.invalidArgument("export destination " + Quoted.of(destination)
        + " has a folder name that is not in Unicode NFC (composed) form, '" + escaped(name, from)
        + "', which would look the same as '" + escaped(nfc, from) + "'; use its NFC form "
        + Quoted.of(nfc) + " (Java: Normalizer.normalize(name, Form.NFC); Python: "
        + "unicodedata.normalize('NFC', name))");
  }

  private static int firstDifference(String a, String b) {
    int i = 0;
    while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    return i;
  }

  /**
   * Non-ASCII characters as \\uXXXX, {@link #SHOWN} characters from {@code from}; "…" marks
   * what is cut on either side.
   */
  private static String escaped(String s, int from) {
    StringBuilder b = new StringBuilder(from > 0 ? "…" : "");
    int end = Math.min(s.length(), from + SHOWN);
    for (int i = from; i < end; i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return end < s.length() ? b + "…" : b.toString();
  }
}
