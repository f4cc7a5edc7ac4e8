package dev.fgbg.core;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

/**
 * The names a mistyped one was meant to be, for a "did you mean" (config keys, dataset names):
 * "fg-scale" is "fgScale", "sise" is "size", "ofice" is "office". Names are compared without
 * case, '-' and '_', by edit distance (a letter added, dropped, changed, or two swapped); one
 * slip in a short name, two in a longer one: more would suggest unrelated names.
 */
public final class Nearest {
  private Nearest() {}

  /** The names closest to {@code name} (ties in their order); empty when none is close. */
  public static List<String> of(String name, Collection<String> names) {
    String k = plain(name);
    int most = k.length() < 6 ? 1 : 2;
    // The distance is at least the difference in length: a name sent by a client (up to a
    // megabyte) is not compared letter by letter with names it cannot be near.
    ToIntFunction<String> far = n -> Math.abs(plain(n).length() - k.length()) > most
        ? Integer.MAX_VALUE : distance(k, plain(n));
    int best = names.stream().mapToInt(far).min().orElse(Integer.MAX_VALUE);
    if (best > most) {
      return List.of();
    }
    return names.stream().filter(n -> far.applyAsInt(n) == best).toList();
  }

  private static String plain(String name) {
    return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions, swaps. */
  public static int distance(String a, String b) {
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
