package dev.fgbg.core.assets;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paths a photo's words name (its refusal, its notes), each with the token that stands for
 * it in {@link PhotoCache}'s records: a record is found by the bytes it was made of, whatever
 * path they were given by (another working folder, a config file's absolute paths), and its
 * words name the paths of the start that reads it.
 */
final class PathWords {
  /** The photo's path. */
  static final String PHOTO = "\0path\0";
  /** A cut-out's mask file. */
  static final String MASK = "\0mask\0";
  /** The mask folder. */
  static final String MASKS = "\0masks\0";

  /** Token → the path it stands for, in this start's spelling. */
  private final Map<String, String> paths = new LinkedHashMap<>();

  private PathWords() {}

  /** The words of photo {@code photo}. */
  static PathWords of(String photo) {
    return new PathWords().and(PHOTO, photo);
  }

  /** These, and {@code token} standing for {@code path}. */
  PathWords and(String token, Object path) {
    paths.put(token, String.valueOf(path));
    return this;
  }

  /**
   * {@code words} (null: none) with each path as its token, the longest first: a path that
   * holds another (a mask folder's file) is taken whole.
   */
  String hide(String words) {
    if (words == null) {
      return null;
    }
    String out = words;
    List<Map.Entry<String, String>> byLength = paths.entrySet().stream()
        .sorted(Comparator.comparingInt(e -> -e.getValue().length())).toList();
    for (Map.Entry<String, String> e : byLength) {
      if (!e.getValue().isEmpty()) {
        out = out.replace(e.getValue(), e.getKey());
      }
    }
    return out;
  }

  /** {@code words} (null: none) with each token as its path. */
  String show(String words) {
    if (words == null) {
      return null;
    }
    String out = words;
    for (Map.Entry<String, String> e : paths.entrySet()) {
      out = out.replace(e.getKey(), e.getValue());
    }
    return out;
  }
}
