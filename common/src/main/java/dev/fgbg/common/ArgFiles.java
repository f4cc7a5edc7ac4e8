package dev.fgbg.common;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

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

  /** {@link #QUOTE_HINT} when {@code args} name an @-file picocli read, else null. */
  public static String quoteHint(String[] args) {
    for (String a : args) {
      // "@@x" is picocli's escape for the value "@x"; a name that is no file stays a value.
      if (a.startsWith("@") && !a.startsWith("@@") && isFile(a.substring(1))) {
        return QUOTE_HINT;
      }
    }
    return null;
  }

  private static boolean isFile(String name) {
    try {
      return !name.isEmpty() && Files.isRegularFile(Path.of(name));
    } catch (InvalidPathException e) {
      return false;
    }
  }
}
