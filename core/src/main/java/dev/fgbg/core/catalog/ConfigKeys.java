package dev.fgbg.core.catalog;

import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.List;
import java.util.Locale;

/**
 * The key a mistyped config key was meant to be: "fg-scale" (a flag's spelling) is "fgScale",
 * "sise" is "size". Keys are compared without case, '-' and '_', by edit distance (a letter
 * added, dropped, changed, or two swapped); a key close to none gets no suggestion.
 */
final class ConfigKeys {
  private ConfigKeys() {}

  /** The key nearest {@code key}, or null when none is close. */
  static FieldDescriptor nearest(String key, List<FieldDescriptor> keys) {
    String k = plain(key);
    FieldDescriptor best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (FieldDescriptor f : keys) {
      int d = distance(k, plain(f.getJsonName()));
      if (d < bestDistance) {
        best = f;
        bestDistance = d;
      }
    }
    // One slip in a short key, two in a longer one: more would suggest unrelated keys.
    return bestDistance <= (k.length() < 6 ? 1 : 2) ? best : null;
  }

  private static String plain(String key) {
    return key.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions, swaps. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
