package dev.fgbg.core.export;

import dev.fgbg.core.FgbgException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The one folder exports may write under. A destination is resolved inside it; `..`, absolute
 * paths elsewhere and symbolic links that lead out are refused with PERMISSION_DENIED.
 */
public final class ExportRoot {
  private final Path root;

  public ExportRoot(Path root) {
    try {
      Files.createDirectories(root);
      this.root = root.toRealPath();
    } catch (IOException e) {
      throw FgbgException.invalidConfig("export root " + root + " cannot be created: "
          + e.getMessage(), e);
    }
  }

  public Path path() {
    return root;
  }

  /** The destination folder, checked to lie inside the root (it may not exist yet). */
  public Path resolve(String destination) {
    Path asked = Path.of(destination);
    Path target = (asked.isAbsolute() ? asked : root.resolve(asked)).normalize();
    if (!target.startsWith(root) || target.equals(root)) {
      throw denied(destination, "it is not a folder inside the export root " + root);
    }
    // Follow links on the part that exists: a symlink must not lead out of the root.
    Path existing = target;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    try {
      if (existing != null && !existing.toRealPath().startsWith(root)) {
        throw denied(destination, "it leads out of the export root " + root
            + " through a symbolic link");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return target;
  }

  /** Relative name of a path under the root, for messages and the manifest. */
  public String relative(Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }

  private static FgbgException denied(String destination, String why) {
    return new FgbgException(FgbgException.Reason.PERMISSION_DENIED,
        "export destination '" + destination + "' is refused: " + why);
  }
}
