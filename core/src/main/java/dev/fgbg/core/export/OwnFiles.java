package dev.fgbg.core.export;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import dev.fgbg.v1.ExportManifest;
import dev.fgbg.v1.FileRecord;
import dev.fgbg.v1.ShardRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What an export's folder holds of its own, by its manifest: what an overwrite may remove. A name
 * is the export's when its manifest or its format's layout names it (the manifest, the files it
 * lists, each shard's file or folder, the tables and background files the finish writes, fgbg's
 * reserved {@code .fgbg-*} names), or it is one of those written under a temporary name
 * ({@code .tmp}, {@code .partial}). Anything else is the user's: an overwrite is refused rather
 * than remove it. Shard folders and the finish's folders are the export's whole.
 */
final class OwnFiles {
  /** Foreign entries a refusal names; it counts the rest. */
  private static final int NAMED = 3;
  /** A background's file ({@code SampleNames.bgFolder} + .png or .npy), or its temporary. */
  private static final Pattern BACKGROUND_FILE =
      Pattern.compile("bg_[0-9]+\\.(png|npy)(.*" + Pattern.quote(FileIo.TMP) + ")?");

  private OwnFiles() {}

  /**
   * Refuses a manifest that names a shard or file outside its folder (absolute, {@code ..}):
   * nothing fgbg writes looks so, and acting on it would reach out of the destination.
   */
  static void checkPaths(ExportManifest m, String destination) {
    List<String> named = new ArrayList<>();
    m.getShardsList().forEach(s -> named.add(s.getName()));
    m.getFilesList().forEach(f -> named.add(f.getPath()));
    for (String p : named) {
      if (!inside(p)) {
        throw FgbgException.failedPrecondition("export destination " + Quoted.of(destination)
            + " holds a " + ManifestStore.MANIFEST + " that names a path outside its folder ("
            + Quoted.of(p) + "); fgbg never writes one: move the folder away or choose another");
      }
    }
  }

  /** Whether {@code path} is a relative path that stays in its folder, one name at a time. */
  private static boolean inside(String path) {
    if (path.isEmpty() || path.startsWith("/") || path.contains("\\")) {
      return false;
    }
    for (String name : path.split("/", -1)) {
      if (name.isEmpty() || name.equals(".") || name.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /**
   * Refuses, before anything is removed, to overwrite a folder holding entries that are not
   * part of export {@code m}, naming up to three of them and counting the rest.
   */
  static void checkOnlyOwn(ExportManifest m, ExportStore dest, String destination)
      throws IOException {
    List<String> foreign = foreign(m, dest);
    if (foreign.isEmpty()) {
      return;
    }
    List<String> named = foreign.stream().limit(NAMED).map(Quoted::of).toList();
    int more = foreign.size() - named.size();
    String names = more > 0 ? String.join(", ", named) + " and " + more + " more"
        : named.size() == 1 ? named.get(0) : String.join(", ", named.subList(0,
            named.size() - 1)) + " and " + named.get(named.size() - 1);
    boolean one = foreign.size() == 1;
    throw FgbgException.failedPrecondition("export destination " + Quoted.of(destination)
        + " holds " + names
        + (one ? ", which is not" : ", which are not") + " part of its export: --overwrite"
        + " replaces only an export's own files; move " + (one ? "it" : "them") + " out first");
  }

  /** The entries of {@code dest} (relative paths, sorted) that are not export {@code m}'s. */
  static List<String> foreign(ExportManifest m, ExportStore dest) throws IOException {
    Set<String> own = new HashSet<>(List.of(ManifestStore.MANIFEST, NpyLayout.PARTS,
        Tables.CSV_FILE, Tables.NPY_FILE, Tables.INSTANCES_FILE, CocoInstances.FOLDER,
        BackgroundFiles.FOLDER, BackgroundFiles.DEPTH_FOLDER, BackgroundFiles.PIXELS_NPY,
        BackgroundFiles.DEPTH_NPY, BackgroundFiles.ROWS_NPY));
    for (FileRecord f : m.getFilesList()) {
      own.add(f.getPath().split("/", 2)[0]);
    }
    Set<String> shards = new HashSet<>();
    m.getShardsList().stream().map(ShardRecord::getName).forEach(shards::add);
    List<String> outputs = m.getOutputsList();
    List<String> tops = List.of();
    switch (m.getFormat()) {
      case "folders", "coco" -> tops = DirectoryLayout.tops(m.getFormat().equals("coco"),
          outputs.contains("image"), outputs.contains("mask"), outputs.contains("depth"),
          outputs.contains("instances"));
      case "zip", "webdataset" -> shards.forEach(s -> own.add(ContainerLayout.file(s,
          m.getFormat().equals("webdataset"))));
      case "npy" -> own.addAll(NpyLayout.NAMES);
      default -> { } // a format this server does not know: its manifest and tables alone
    }
    own.addAll(tops);
    // The folders whose entries are checked too (a shard's own folders are the export's whole).
    Map<String, Predicate<String>> inside = new HashMap<>();
    Predicate<String> shard = n -> shards.contains(n)
        || shards.stream().anyMatch(s -> n.startsWith(DirectoryLayout.partialPrefix(s)));
    tops.forEach(t -> inside.put(t, shard));
    inside.put(BackgroundFiles.FOLDER, BACKGROUND_FILE.asMatchPredicate());
    inside.put(BackgroundFiles.DEPTH_FOLDER, BACKGROUND_FILE.asMatchPredicate());
    inside.put(CocoInstances.FOLDER, n -> own(n, Set.of(CocoInstances.FILE)));
    List<String> out = new ArrayList<>();
    for (String name : dest.list("")) {
      if (!own(name, own)) {
        out.add(name);
      } else if (inside.containsKey(name) && dest.isDirectory(name)) {
        dest.list(name).stream().filter(inside.get(name).negate())
            .forEach(n -> out.add(name + "/" + n));
      }
    }
    out.sort(null);
    return out;
  }

  /** Whether {@code name} is one of {@code own} or one of them under a temporary name. */
  private static boolean own(String name, Set<String> own) {
    if (own.contains(name) || name.startsWith(ExportRoot.RESERVED)) {
      return true;
    }
    if (name.endsWith(FileIo.PARTIAL)) {
      return own.contains(name.substring(0, name.length() - FileIo.PARTIAL.length()));
    }
    // A temporary carries the writer's tag, if any, between the name and .tmp.
    return name.endsWith(FileIo.TMP) && own.stream().anyMatch(name::startsWith);
  }
}
