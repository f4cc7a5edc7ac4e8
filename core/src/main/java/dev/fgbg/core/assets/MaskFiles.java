package dev.fgbg.core.assets;

import dev.fgbg.core.FgbgException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The mask file of a cut-out in the mask folder ({@code --fg-masks}): the file of the same
 * relative name, else the one of the same name with another image extension (a JPEG photo's
 * mask is most often saved as PNG, and a PNG cut-out's may be a JPEG). Two such candidates and
 * no file of the same name is refused: which one was meant cannot be told. One instance per
 * load, shared by the decode threads: each mask sub-folder is listed once, when a cut-out
 * first needs it, not once per cut-out (JPEG cut-outs with PNG masks would list it n times).
 */
final class MaskFiles {
  private final Path maskDir;
  /** Sub-folder → name stem → its image files, sorted; empty when it cannot be listed. */
  private final Map<Path, Map<String, List<Path>>> byFolder = new ConcurrentHashMap<>();

  MaskFiles(Path maskDir) {
    this.maskDir = maskDir;
  }

  /** The mask folder, as given. */
  Path dir() {
    return maskDir;
  }

  /** The mask of cut-out {@code name} ('/'-separated, under the foreground folder). */
  Path of(String name) {
    Path same = maskDir.resolve(name);
    if (Files.exists(same, LinkOption.NOFOLLOW_LINKS)) {
      return same; // what is wrong with it (a folder, a dangling link) the read says
    }
    String file = same.getFileName().toString();
    String stem = ImageFiles.stem(file);
    List<Path> found = byFolder.computeIfAbsent(same.getParent(), MaskFiles::byStem)
        .getOrDefault(stem, List.of());
    String dir = name.substring(0, name.length() - file.length());
    if (found.size() == 1) {
      return found.get(0);
    }
    if (found.size() > 1) {
      throw FgbgException.invalidConfig("has " + found.size() + " masks in " + maskDir + " ("
          + found.stream().map(p -> dir + p.getFileName()).collect(Collectors.joining(", "))
          + ") and none named " + name + ": keep one, or name it " + name);
    }
    String ext = ImageFiles.extension(file);
    String others = ImageFiles.EXTENSIONS.stream().filter(e -> !e.equals(ext))
        .map(e -> "." + e).collect(Collectors.joining(", "));
    throw FgbgException.invalidConfig("no mask for foreground " + name + " in " + maskDir
        + " (looked for " + name + ", and " + dir + stem + " with the other image extensions "
        + others + ", any case)");
  }

  private static Map<String, List<Path>> byStem(Path folder) {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(ImageFiles::isImage).sorted().collect(Collectors.groupingBy(
          p -> ImageFiles.stem(p.getFileName().toString())));
    } catch (IOException e) {
      return Map.of(); // no such sub-folder: no mask, as said below
    }
  }
}
