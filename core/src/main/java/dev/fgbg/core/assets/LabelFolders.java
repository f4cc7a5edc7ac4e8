package dev.fgbg.core.assets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The label sub-folders of a folder whose labels are its sub-folders' names, those with no
 * image listed included: an empty {@code fg/empty/} is a class the user meant, so it is named
 * (a strict start-up stops; a skipping one keeps its id and warns), never dropped in silence.
 * Hidden folders ({@code .thumbnails/}) are no labels, as the listing does not read them.
 */
final class LabelFolders {
  private LabelFolders() {}

  /**
   * Adds to {@code labels} each sub-folder of {@code dir} that has none yet: one whose images
   * the listing named as bad keeps its id when they are skipped; one that holds no image file
   * at all (or only hidden ones) goes to {@code empty} and is named in {@code problems}.
   */
  static void add(Path dir, Set<String> labels, Map<String, Path> empty, Problems problems) {
    try (Stream<Path> children = Files.list(dir)) {
      for (Path sub : children.sorted().toList()) {
        String label = sub.getFileName().toString();
        if (label.startsWith(".") || labels.contains(label) || !Files.isDirectory(sub)
            || problems.names(sub)) {
          continue; // a folder named as a problem already (a link loop) is not a label
        }
        labels.add(label);
        if (!problems.namesIn(sub)) {
          empty.put(label, sub);
          problems.add(sub, "is a label folder (label '" + label + "') that holds no PNG or "
              + "JPEG images (" + ImageFiles.EXTENSION_WORDS + "; hidden files are not read): "
              + "put the class's images in it or remove it");
        }
      }
    } catch (IOException e) {
      // The listing has named a folder that cannot be read; its labels are those it listed.
    }
  }
}
