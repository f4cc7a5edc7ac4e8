package dev.fgbg.core.assets;

import dev.fgbg.common.InWords;
import dev.fgbg.core.Quoted;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A folder's class labels: from {@code labels.csv} ({@code file,label}, RFC 4180 quoting) beside
 * the images when there is one, else the name of each image's sub-folder ({@code none} for an
 * image at the top). The label table is the sorted distinct labels; a label's index is its place
 * in it. A third column, {@code height}, may give the object's real height in metres (for
 * depth-aware placement); an empty cell leaves it unknown. Names are matched as {@link
 * LabelNames} says (in Unicode NFC, so a Mac's file names meet the names typed in the csv).
 */
final class FolderLabels {
  static final String CSV = "labels.csv";
  static final String NO_LABEL = "none";
  private static final Logger LOG = Logger.getLogger(FolderLabels.class.getName());

  private final List<String> table;
  private final Map<String, String> byName;
  private final Map<String, Double> heights;
  private final String source;
  /** The labels whose sub-folder holds no image file, by their folder. */
  private final Map<String, Path> empty;

  private FolderLabels(List<String> table, Map<String, String> byName,
      Map<String, Double> heights, String source) {
    this(table, byName, heights, source, Map.of());
  }

  private FolderLabels(List<String> table, Map<String, String> byName,
      Map<String, Double> heights, String source, Map<String, Path> empty) {
    this.table = table;
    this.byName = byName;
    this.heights = heights;
    this.source = source;
    this.empty = empty;
  }

  /**
   * The labels of {@code names} (paths relative to {@code dir}, '/'-separated); every problem
   * (a bad row, an image the csv does not list) goes to {@code problems}.
   */
  static FolderLabels of(Path dir, List<String> names, Problems problems) {
    Path csv = dir.resolve(CSV);
    Map<String, String> byName = new HashMap<>();
    Map<String, Double> heights = new HashMap<>();
    if (Files.exists(csv, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(csv)) {
      problems.addUnskippable(csv, "is not a regular file (or a link to none); labels.csv must "
          + "be a CSV file");
      return new FolderLabels(List.of(), byName, heights, csv.toString());
    }
    if (Files.isRegularFile(csv)) {
      List<BadRow> bad = new ArrayList<>();
      Map<String, String> listed = read(csv, heights, bad, problems);
      if (listed == null) { // named already; every image would only repeat it
        return new FolderLabels(List.of(), byName, heights, csv.toString());
      }
      Map<String, List<String>> badOf = new HashMap<>();
      bad.stream().filter(BadRow::own).forEach(r -> badOf.computeIfAbsent(r.name(),
          k -> new ArrayList<>()).add(r.problem()));
      Set<String> rowed = new HashSet<>(); // a bad row names it: not also called unlisted
      bad.forEach(r -> rowed.add(r.name()));
      Set<String> present = new HashSet<>();
      Map<String, String> folded = LabelNames.byFolded(listed.keySet());
      for (String n : names) {
        String key = LabelNames.key(n);
        present.add(key);
        String label = listed.get(key);
        if (badOf.containsKey(key)) {
          // The image's own problem, skippable as a bad image is: the other rows stand.
          problems.add(dir.resolve(n), csv + " " + String.join("; ", badOf.get(key)));
        } else if (label == null && !rowed.contains(key)) {
          problems.add(dir.resolve(n), "not listed in " + csv + " (give every image a row "
              + "file,label" + LabelNames.caseHint(folded, n) + ")");
        }
        if (label != null) { // a bad height's label keeps its id, as when it is fixed
          byName.put(n, label);
        }
      }
      List<String> csvBad = bad.stream().filter(r -> !r.own() || !present.contains(r.name()))
          .map(BadRow::problem).toList();
      if (!csvBad.isEmpty()) {
        problems.addUnskippable(csv, String.join("; ", csvBad.subList(0, Math.min(5,
            csvBad.size()))) + (csvBad.size() > 5 ? "; and " + (csvBad.size() - 5)
            + " more bad rows" : ""));
      }
      LabelNames.warnAbsent(csv, dir, listed.keySet().stream().filter(n -> !present.contains(n))
          .sorted().toList(), problems);
      return new FolderLabels(List.copyOf(new TreeSet<>(byName.values())), byName, heights,
          csv.toString());
    }
    for (String n : names) {
      int slash = n.indexOf('/');
      byName.put(n, slash > 0 ? n.substring(0, slash) : NO_LABEL);
    }
    Set<String> labels = new TreeSet<>(byName.values());
    Map<String, Path> empty = new HashMap<>();
    // No image listed at all: the listing has named a folder-level problem already.
    if (!names.isEmpty()) {
      LabelFolders.add(dir, labels, empty, problems);
    }
    return new FolderLabels(List.copyOf(labels), byName, heights, "sub-folders", empty);
  }

  /**
   * A bad row, of the name in its first cell (key form): {@code own} when it is that one
   * image's problem, skippable with it, not a cut or missing name, the csv's own.
   */
  private record BadRow(String name, String problem, boolean own) {}

  /**
   * The csv's labels by file name (in {@link LabelNames#key} form); null when it cannot be used
   * at all (a problem named). Its bad rows go to {@code bad}, in order.
   */
  private static Map<String, String> read(Path csv, Map<String, Double> heights,
      List<BadRow> bad, Problems problems) {
    Map<String, String> out = new HashMap<>();
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Files.readAllBytes(csv))).toString();
    } catch (IOException e) {
      problems.addUnskippable(csv, "cannot be read (" + InWords.of(e) + ")"
          + (e instanceof CharacterCodingException ? "; save it as UTF-8" : ""));
      return null;
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1); // the byte-order mark spreadsheet programs write
    }
    CSVFormat format = CSVFormat.RFC4180.builder().setIgnoreSurroundingSpaces(true)
        .setIgnoreEmptyLines(true).get();
    try (CSVParser p = CSVParser.parse(text, format)) {
      Set<String> conflicted = new HashSet<>();
      int columns = 0;
      for (CSVRecord row : p) {
        if (columns == 0) {
          columns = row.size();
          if (columns < 2 || columns > 3 || !row.get(0).toLowerCase(Locale.ROOT).equals("file")
              || !row.get(1).toLowerCase(Locale.ROOT).equals("label")
              || (columns == 3 && !row.get(2).toLowerCase(Locale.ROOT).equals("height"))) {
            problems.addUnskippable(csv, "the first row must be the header file,label (or "
                + "file,label,height)");
            return null;
          }
          continue;
        }
        long line = row.getRecordNumber();
        String problem = rowProblem(row, columns);
        String name = LabelNames.key(row.get(0).replace('\\', '/'));
        name = name.startsWith("./") ? name.substring(2) : name;
        if (problem != null) {
          // A cut name (a comma unquoted) or no name at all is the csv's problem, not an image's.
          bad.add(new BadRow(name, problem, !row.get(0).isEmpty() && row.size() <= columns));
          continue;
        }
        String old = conflicted.contains(name) ? null : out.putIfAbsent(name, row.get(1));
        if (old != null && !old.equals(row.get(1))) {
          bad.add(new BadRow(name, "row " + line + " lists " + name + " again with another "
              + "label (" + old + ", then " + row.get(1) + ")", true));
          out.remove(name); // which one is meant is not known
          conflicted.add(name);
        } else if (old == null && row.size() == 3 && !row.get(2).isEmpty()) {
          Double h = height(row.get(2));
          if (h == null) {
            bad.add(new BadRow(name, "row " + line + ": height '" + row.get(2) + "' must be "
                + "metres above 0", true));
          } else {
            heights.put(name, h);
          }
        }
      }
      if (columns == 0) {
        problems.addUnskippable(csv, "is empty; its first row must be the header file,label");
        return null;
      }
    } catch (IOException | RuntimeException e) {
      problems.addUnskippable(csv, "is not valid CSV (" + InWords.of(e) + ")");
      return null;
    }
    return out;
  }

  /** What is wrong with a row's cells, or null: its cells and the header's must agree. */
  private static String rowProblem(CSVRecord row, int columns) {
    String header = columns == 3 ? "file,label,height" : "file,label";
    String at = "row " + row.getRecordNumber();
    if (row.size() > columns) {
      return at + " has " + row.size() + " cells but the header " + header + " has " + columns
          + " (quote a name or label that holds a comma)";
    }
    if (row.get(0).isEmpty()) {
      return at + ": the file is empty";
    }
    if (row.size() < 2) {
      return at + " (" + row.get(0) + ") has no label: rows are " + header;
    }
    return row.get(1).isEmpty() ? at + " (" + row.get(0) + "): the label is empty" : null;
  }

  /** A positive, finite number of metres, or null. */
  private static Double height(String text) {
    try {
      double h = Double.parseDouble(text);
      return h > 0 && h <= 1000 ? h : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The real height (metres) labels.csv gives image {@code name}, or 0 when it gives none. */
  double realHeight(String name) {
    return heights.getOrDefault(LabelNames.key(name), 0.0);
  }

  /** Sorted distinct labels. */
  List<String> table() {
    return table;
  }

  /** The label index of image {@code name}, or -1 when it has none (already a problem). */
  int index(String name) {
    String label = byName.get(name);
    return label == null ? -1 : table.indexOf(label);
  }

  /**
   * One warning naming each label of the table that none of {@code served} (the label ids of
   * the images served) carries: every image of it was skipped as bad, or its sub-folder holds
   * none (a line of its own, naming the folder). It keeps its id, so the ids are those of a
   * strict load of the same folders once fixed.
   */
  void warnUnserved(String dataset, String what, Collection<Integer> served) {
    Set<Integer> carried = new HashSet<>(served);
    List<Integer> unserved = new ArrayList<>();
    for (int id = 0; id < table.size(); id++) {
      Path folder = empty.get(table.get(id));
      if (folder != null) {
        LOG.warning("dataset " + Quoted.of(dataset) + ": label '" + table.get(id)
            + "' (a sub-folder name) has no " + what + " served (its folder " + folder
            + " holds no images); "
            + "it keeps its id " + id);
      } else if (!carried.contains(id)) {
        unserved.add(id);
      }
    }
    String from = source.equals("sub-folders") ? "a sub-folder name" : CSV;
    if (unserved.size() == 1) {
      int id = unserved.get(0);
      LOG.warning("dataset " + Quoted.of(dataset) + ": label '" + table.get(id) + "' (" + from
          + ") has no " + what + " served (its files were skipped); it keeps its id " + id);
    } else if (!unserved.isEmpty()) {
      LOG.warning("dataset " + Quoted.of(dataset) + ": labels " + String.join(", ",
          unserved.stream()
              .map(id -> "'" + table.get(id) + "' (id " + id + ")").toList()) + " (" + from
          + ") have no " + what + " served (their files were skipped); they keep their ids");
    }
  }

  /** Where the labels came from: the csv's path, or "sub-folders". */
  String source() {
    return source;
  }
}
