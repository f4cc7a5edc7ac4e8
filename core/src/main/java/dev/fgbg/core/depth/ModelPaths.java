package dev.fgbg.core.depth;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a {@code --depth-model} the user typed is. Paths are relative to the folder the user ran
 * {@code ./fgbg} from; a model that is not there is looked up under the repository the launcher
 * belongs to ({@code $FGBG_HOME}), so {@code --depth-model models/NAME} works from any folder.
 * The one rule for every command that takes a model: {@code serve} (flags and config entries)
 * and the Spark jobs.
 */
public final class ModelPaths {
  static final String HOME_ENV = "FGBG_HOME";

  private ModelPaths() {}

  /** {@code typed}, or the same path under {@code $FGBG_HOME} when only that one exists. */
  public static String resolve(String typed) {
    return resolve(typed, System.getenv(HOME_ENV));
  }

  static String resolve(String typed, String home) {
    if (typed.isEmpty() || home == null || home.isEmpty() || Files.exists(Path.of(typed))
        || Path.of(typed).isAbsolute()) {
      return typed;
    }
    Path there = Path.of(home).resolve(typed);
    return Files.exists(there) ? there.toString() : typed;
  }
}
