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

  private DestinationNames() {}

  /** Refuses {@code name}, a folder of {@code destination}, when it is not in NFC. */
  static void checkNfc(String destination, String name) {
    if (Normalizer.isNormalized(name, Normalizer.Form.NFC)) {
      return;
    }
    String nfc = Normalizer.normalize(name, Normalizer.Form.NFC);
    // Escaped, since both forms print alike: the message shows where they differ.
    throw FgbgException.invalidArgument("export destination " + Quoted.of(destination)
        + " has a folder name that is not in Unicode NFC (composed) form, '" + escaped(name)
        + "', which would look the same as '" + escaped(nfc) + "'; use its NFC form "
        + Quoted.of(nfc) + " (Java: Normalizer.normalize(name, Form.NFC); Python: "
        + "unicodedata.normalize('NFC', name))");
  }

  /** Non-ASCII characters as \\uXXXX, cut at {@link #SHOWN} characters. */
  private static String escaped(String s) {
    StringBuilder b = new StringBuilder();
    int shown = Math.min(s.length(), SHOWN);
    for (int i = 0; i < shown; i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return shown < s.length() ? b + "…" : b.toString();
  }
}
