package dev.fgbg.core.assets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * How labels.csv's file names meet the files. Names are compared in Unicode NFC: macOS writes
 * "ü" in a file name as u + combining diaeresis (NFD) while an editor types it as one
 * character, and the two print alike. A row that names no image is told apart by what it does
 * name: a hidden file, a file that is not an image, a file the listing already refused (a GIF),
 * or nothing at all (then a name that differs only in case is offered).
 */
final class LabelNames {
  private static final Logger LOG = Logger.getLogger(FolderLabels.class.getName());

  private LabelNames() {}

  /** The form names are compared in. */
  static String key(String name) {
    return Normalizer.normalize(name, Normalizer.Form.NFC);
  }

  /** The form names are compared in when case does not count. */
  static String folded(String name) {
    return key(name).toLowerCase(Locale.ROOT);
  }

  static boolean hidden(String name) {
    return name.startsWith(".") || name.contains("/.");
  }

  /**
   * One warning line per kind of csv row that names no image in {@code dir} ({@code absent},
   * sorted); nothing for a row whose file the listing refused already (only that error speaks).
   */
  static void warnAbsent(Path csv, Path dir, List<String> absent, Problems problems) {
    List<String> hidden = new ArrayList<>();
    List<String> notImages = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> hinted = new ArrayList<>();
    Map<Path, List<String>> entries = new HashMap<>();
    for (String n : absent) {
      if (hidden(n)) {
        hidden.add(n);
        continue;
      }
      Found f = find(dir, n, entries);
      if (f == null || !f.exact()) {
        missing.add(n);
        if (f != null) {
          hinted.add(n + ": no such file; did you mean " + f.name() + "?");
        }
      } else if (!problems.names(dir.resolve(f.name()))) {
        notImages.add(n);
      }
    }
    if (!hidden.isEmpty()) {
      LOG.warning(csv + " lists " + hidden.size() + " hidden file(s) (a name or folder "
          + "starting with '.'; hidden files are not read), e.g. " + hidden.get(0));
    }
    if (!missing.isEmpty()) {
      // One example, as the other lines give: one a hint can fix when there is one.
      LOG.warning(csv + " lists " + missing.size() + " file(s) not found in " + dir
          + " (ignored), e.g. " + (hinted.isEmpty() ? missing.get(0) + ": no such file"
          : hinted.get(0)));
    }
    if (!notImages.isEmpty()) {
      LOG.warning(csv + " lists " + notImages.size() + " file(s) that are not images in " + dir
          + " (ignored), e.g. " + notImages.get(0));
    }
  }

  /**
   * The row of {@code rows} (csv names by {@link #folded} form) that names {@code image} in
   * another case, as a hint for an image the csv does not list; "" when none does.
   */
  static String caseHint(Map<String, String> rows, String image) {
    String row = rows.get(folded(image));
    return row == null ? "" : "; it lists " + row + ", which differs in case";
  }

  /** The csv names of {@code listed} by their {@link #folded} form. */
  static Map<String, String> byFolded(Collection<String> listed) {
    Map<String, String> out = new HashMap<>();
    listed.stream().sorted().forEach(n -> out.putIfAbsent(folded(n), n));
    return out;
  }

  /** A file's name as it is on disk, and whether it matched without folding case. */
  private record Found(String name, boolean exact) {}

  /**
   * The file {@code name} ('/'-separated, under {@code dir}) names, component by component:
   * the same name in NFC, else one that differs only in case; null when neither is there.
   * Found from the folder's entries, so a case-insensitive disk answers as any other.
   */
  private static Found find(Path dir, String name, Map<Path, List<String>> entries) {
    Path at = dir;
    List<String> parts = new ArrayList<>();
    boolean exact = true;
    for (String part : name.split("/", -1)) {
      List<String> here = entries.computeIfAbsent(at, LabelNames::entries);
      String match = here.stream().filter(e -> key(e).equals(key(part))).findFirst()
          .orElse(null);
      if (match == null) {
        match = here.stream().filter(e -> folded(e).equals(folded(part))).findFirst()
            .orElse(null);
        exact = false;
      }
      if (match == null) {
        return null;
      }
      parts.add(match);
      at = at.resolve(match);
    }
    return new Found(String.join("/", parts), exact);
  }

  /** The names in folder {@code dir}, sorted; none when it is no folder or cannot be read. */
  private static List<String> entries(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
