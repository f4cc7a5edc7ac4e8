package dev.fgbg.common;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What an unmatched-argument error adds when the command line read an @-file (picocli's flags
 * in a file): there a value with a space splits in two unless quoted, and the error
 * ("Unmatched argument at index 5: 'outs'") names neither the file nor the cause. The server
 * and the CLI say the same.
 */
public final class ArgFiles {
  /** The hint, a line of its own after the error. */
  public static final String QUOTE_HINT = "(in an @-file a value with spaces must be quoted: "
      + "\"photos/cut outs\", not photos/cut outs)";

  private ArgFiles() {}

  /**
   * {@link #QUOTE_HINT} when {@code args} name an @-file picocli read and an {@code unmatched}
   * value is not one typed on the command line (so it came from the file), else null.
   */
  public static String quoteHint(String[] args, List<String> unmatched) {
    boolean read = Arrays.stream(args).anyMatch(a -> fileName(a) != null && isFile(fileName(a)));
    boolean fromFile = unmatched.stream().anyMatch(u -> !Arrays.asList(args).contains(u));
    return read && fromFile ? QUOTE_HINT : null;
  }

  /**
   * The error for an unmatched {@code @name} that names no file (picocli leaves it as a value,
   * "Unmatched argument at index 0: '@args.txt'"), else null.
   */
  public static String missing(List<String> unmatched) {
    for (String u : unmatched) {
      String name = fileName(u);
      if (name != null && !isFile(name)) {
        return "the @-file " + name + " is not a readable file (an argument starting with @ "
            + "names a file of flags; write @@ for a value that starts with @)";
      }
    }
    return null;
  }

  /** The file an {@code @name} argument names; null for others ("@@x" is the value "@x"). */
  private static String fileName(String arg) {
    return arg.startsWith("@") && !arg.startsWith("@@") && arg.length() > 1
        ? arg.substring(1) : null;
  }

  private static boolean isFile(String name) {
    try {
      return Files.isRegularFile(Path.of(name)) && Files.isReadable(Path.of(name));
    } catch (InvalidPathException e) {
      return false;
    }
  }
}
