package dev.fgbg.core.assets;

import dev.fgbg.core.FgbgException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything wrong with a folder dataset's files, gathered so that one start-up names them all:
 * one line per bad file (its problems joined), folder-level problems first, at most
 * {@link #SHOWN} lines and then a count of the rest.
 */
final class Problems {
  static final int SHOWN = 20;

  private final List<String> general = new ArrayList<>();
  private final Map<String, List<String>> byFile = new LinkedHashMap<>();

  /** A problem that is not one file's (a missing folder, an empty one). */
  void add(String problem) {
    general.add(problem);
  }

  /** A problem of {@code file}; a message that starts with the file's name is shortened. */
  void add(Path file, String problem) {
    String name = file.toString();
    String why = problem.startsWith(name + ": ") ? problem.substring(name.length() + 2) : problem;
    byFile.computeIfAbsent(name, k -> new ArrayList<>()).add(why);
  }

  boolean isEmpty() {
    return general.isEmpty() && byFile.isEmpty();
  }

  List<String> lines() {
    List<String> out = new ArrayList<>(general);
    byFile.forEach((file, why) -> out.add(file + ": " + String.join("; ", why)));
    return out;
  }

  /** Throws an INVALID_CONFIG listing every problem, when there is one. */
  void throwIfAny(String dataset) {
    List<String> lines = lines();
    if (lines.isEmpty()) {
      return;
    }
    if (lines.size() == 1) {
      throw FgbgException.invalidConfig("dataset '" + dataset + "': " + lines.get(0));
    }
    StringBuilder b = new StringBuilder("dataset '" + dataset + "' has " + lines.size()
        + " bad files or folders (fix or remove each, then start again):");
    for (int i = 0; i < Math.min(SHOWN, lines.size()); i++) {
      b.append("\n  ").append(lines.get(i));
    }
    if (lines.size() > SHOWN) {
      b.append("\n  ... and ").append(lines.size() - SHOWN).append(" more");
    }
    throw FgbgException.invalidConfig(b.toString());
  }
}
