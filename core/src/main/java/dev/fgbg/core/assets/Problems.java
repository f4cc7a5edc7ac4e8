package dev.fgbg.core.assets;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything wrong with a folder dataset's files, gathered so that one start-up names them all:
 * one line per bad file (its problems joined), folder-level problems first, files sorted by path
 * (not the folder's on-disk order, which differs between file systems), at most {@link #SHOWN}
 * lines and then a count of the rest; a refusal gives more than {@link #NAMED} files bad for
 * the same reason one line (their count, the first names, the reason once). A bad image can be
 * skipped ({@code --on-bad-file skip}): its warning has a line per file, and the dataset's
 * description lists every skipped file; a folder-level problem or a bad labels.csv cannot be
 * skipped.
 */
final class Problems {
  static final int SHOWN = 50;
  /** How many files a line of files bad for the same reason names. */
  static final int NAMED = 3;
  static final String SKIP_FLAG = FolderDataset.SKIP_FLAG;

  private final List<String> general = new ArrayList<>();
  private final TreeMap<String, List<String>> byFile = new TreeMap<>();
  private final Set<String> unskippable = new HashSet<>();
  /** How many of {@link #general} are the depth model's (its files), not a file's or folder's. */
  private int model;

  /** A problem that is not one file's (a missing folder, an empty one). */
  void add(String problem) {
    general.add(problem);
  }

  /** A problem of the dataset's depth model (its weights missing, say): counted on its own. */
  void addModel(String problem) {
    general.add(model++, problem);
  }

  /** A problem of {@code file}, which skipping drops; a message starting with its name is cut. */
  void add(Path file, String problem) {
    String name = file.toString();
    String why = problem.startsWith(name + ": ") ? problem.substring(name.length() + 2) : problem;
    byFile.computeIfAbsent(name, k -> new ArrayList<>()).add(why);
  }

  /** A problem of a file that skipping cannot drop (labels.csv: every label hangs on it). */
  void addUnskippable(Path file, String problem) {
    add(file, problem);
    unskippable.add(file.toString());
  }

  /** Whether a problem of {@code file} was named already (by the listing, say). */
  boolean names(Path file) {
    return byFile.containsKey(file.toString());
  }

  /** Whether a problem of {@code dir} or of a file under it was named already. */
  boolean namesIn(Path dir) {
    String prefix = dir + dir.getFileSystem().getSeparator();
    String next = byFile.ceilingKey(prefix); // keys are sorted: one under it comes first
    return byFile.containsKey(dir.toString()) || next != null && next.startsWith(prefix);
  }

  /** Whether a problem of a file (not only folder-level ones) was named. */
  boolean namesAFile() {
    return !byFile.isEmpty();
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
    settle(dataset, false, SKIP_FLAG);
  }

  /**
   * Strict ({@code skip} false): throws listing every problem, when there is one. Skipping:
   * throws listing the problems skipping cannot drop, when there is one (after a folder-level
   * one, the files it skipped: a folder that "holds no images" may hold only those), and
   * otherwise returns the bad files (as named here) for the caller to drop. The advice to skip
   * names {@code skipSetting} (the dataset's, see {@link FolderDataset}): the config key alone
   * where there is no flag (a Spark job's datasets).
   */
  Set<String> settle(String dataset, boolean skip, String skipSetting) {
    return settle(dataset, skip, skipSetting, null);
  }

  /** As above; a refusal ends with line {@code note} when it is not null. */
  Set<String> settle(String dataset, boolean skip, String skipSetting, String note) {
    boolean skippableOnly = general.isEmpty() && !byFile.isEmpty()
        && byFile.keySet().stream().noneMatch(unskippable::contains);
    if (skip && (skippableOnly || isEmpty())) {
      return Set.copyOf(byFile.keySet());
    }
    Map<String, List<String>> byReason = new LinkedHashMap<>(); // in the order of their files
    Set<String> dropped = new HashSet<>(); // skipped, though the load fails for the rest
    byFile.forEach((file, why) -> {
      if (!skip || unskippable.contains(file)) {
        byReason.computeIfAbsent(String.join("; ", why), k -> new ArrayList<>()).add(file);
      } else {
        dropped.add(file);
      }
    });
    int count = general.size() + byReason.values().stream().mapToInt(List::size).sum();
    if (count == 0) {
      return Set.of();
    }
    List<String> lines = new ArrayList<>(general);
    byReason.forEach((why, files) -> lines.addAll(grouped(files, why)));
    // "holds no PNG or JPEG images" after skipping every file there: name them, and why.
    String also = dropped.isEmpty() || general.isEmpty() ? "" : skippedAll(skipSetting, dropped);
    String hint = skip || !skippableOnly ? ""
        : (skipSetting.equals(FolderDataset.SKIP_KEY) ? "; or set " + skipSetting
            + " in its config file entry" : "; or start with " + SKIP_FLAG
            + " (on_bad_file: \"skip\" in a config file)")
            + " to serve the rest without the bad images";
    String last = note == null ? "" : "\n" + note;
    if (count == 1) {
      throw FgbgException.invalidConfig("dataset " + Quoted.of(dataset) + ": " + lines.get(0)
          + (hint.isEmpty() ? "" : " (fix or remove it" + hint + ")")
          + (also.isEmpty() ? "" : "; " + also) + last);
    }
    int bad = count - model;
    String files = bad == 0 ? "" : bad + (bad == 1 ? " bad file or folder" : " bad files or "
        + "folders");
    String what = model == 0 ? files : (model == 1 ? "a depth model problem"
        : model + " depth model problems") + (bad == 0 ? "" : " and " + files);
    StringBuilder b = new StringBuilder("dataset " + Quoted.of(dataset) + " has " + what
        + " (fix or remove each, then start again" + hint + "):");
    shown(lines).forEach(l -> b.append("\n  ").append(l));
    throw FgbgException.invalidConfig(b + (also.isEmpty() ? "" : "\n" + also) + last);
  }

  /**
   * The lines for {@code files} bad for the same reason {@code why}: past {@link #NAMED}
   * files one line, so that a missing flag on a whole folder (MNIST without --mask-from
   * luminance) is told once, not once a file.
   */
  private static List<String> grouped(List<String> files, String why) {
    if (files.size() <= NAMED) {
      return files.stream().map(f -> f + ": " + why).toList();
    }
    return List.of(files.size() + " files (e.g. " + String.join(", ", files.subList(0, NAMED))
        + "), each: " + why);
  }

  /** Why {@code file} (as named here) is bad: its problems joined. */
  String reason(String file) {
    return String.join("; ", byFile.getOrDefault(file, List.of()));
  }

  /**
   * The warning of a load that skipped {@code files} and serves the rest, or null when none was
   * skipped: a line, then one per file (path: reason) as a strict load's refusal has them;
   * {@code setting} names what asked for it (the flag or the config key). Past {@link #SHOWN}
   * files the last line says where every one is listed.
   */
  String skippedLine(String dataset, String setting, Set<String> files) {
    return files.isEmpty() ? null : "dataset " + Quoted.of(dataset) + " (" + setting + ") "
        + skipped(files, ", serving the rest", "; `fgbg describe --dataset " + dataset
            + "` lists every skipped file, and so do the web UI's Datasets page and "
            + "Client.describe().skipped_files");
  }

  /** What a load that skipped {@code files} as {@code setting} asked, when nothing is left. */
  String skippedAll(String setting, Set<String> files) {
    return "(" + setting + ") " + skipped(files, "", "");
  }

  private String skipped(Set<String> files, String serving, String more) {
    List<String> lines = new ArrayList<>();
    byFile.forEach((file, why) -> {
      if (files.contains(file)) {
        lines.add(file + ": " + String.join("; ", why));
      }
    });
    StringBuilder b = new StringBuilder("skipped " + lines.size() + " bad file(s)" + serving
        + ":");
    List<String> shown = shown(lines);
    for (int i = 0; i < shown.size(); i++) {
      b.append("\n  ").append(shown.get(i)).append(i == SHOWN ? more : "");
    }
    return b.toString();
  }

  /** The first {@link #SHOWN} lines, and a count of the rest. */
  private static List<String> shown(List<String> lines) {
    List<String> out = new ArrayList<>(lines.subList(0, Math.min(SHOWN, lines.size())));
    if (lines.size() > SHOWN) {
      out.add("... and " + (lines.size() - SHOWN) + " more");
    }
    return out;
  }
}
