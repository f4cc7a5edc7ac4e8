package dev.fgbg.common;

import java.io.PrintWriter;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A command line's flag error (a mistyped flag, a bad or missing value) as one line naming the
 * flag, then the nearest flags and where every flag is listed, not picocli's whole usage: the
 * server, the CLI and the Spark jobs say them alike. Picocli is this module's optional
 * dependency: the clients' library, which never parses a command line, does not carry it.
 */
public final class FlagErrors {
  private FlagErrors() {}

  /**
   * The handler for a command run with {@code args}, its lines starting {@code prefix} ("fgbg");
   * {@code hint} may add a line of its own for an error (null: none). Exit code 2.
   */
  public static IParameterExceptionHandler oneLine(String prefix, String[] args,
      Function<ParameterException, String> hint) {
    return (thrown, given) -> {
      ParameterException e = unknownFirst(thrown);
      PrintWriter err = e.getCommandLine().getErr();
      String noFile = unmatched(thrown) ? ArgFiles.missing(
          thrown.getCommandLine().getUnmatchedArguments()) : null;
      err.println(prefix + ": error: " + (noFile != null ? noFile
          : e == thrown ? e.getMessage() : unknown(e)));
      UnmatchedArgumentException.printSuggestions(e, err);
      String own = hint.apply(e);
      if (own != null) {
        err.println(own);
      }
      String quote = e instanceof UnmatchedArgumentException u
          ? ArgFiles.quoteHint(args, u.getUnmatched()) : null;
      if (quote != null) {
        err.println(quote);
      }
      err.println("(./" + e.getCommandLine().getCommandSpec().qualifiedName()
          + " --help lists every flag)");
      return 2;
    };
  }

  /**
   * The flags picocli did not know, named alone (not the values after them), in place of its
   * error: it names a required option missing before an unknown one, hiding the typo ({@code
   * --destt x} said "Missing required option: '--dest'"). {@code e} where no flag was unknown.
   */
  private static ParameterException unknownFirst(ParameterException e) {
    CommandLine line = e.getCommandLine();
    if (!unmatched(e)) {
      return e;
    }
    List<String> flags = line.getUnmatchedArguments().stream()
        .filter(a -> a.length() > 1 && a.startsWith("-") && !Character.isDigit(a.charAt(1)))
        .toList();
    return flags.isEmpty() ? e : new UnmatchedArgumentException(line, flags);
  }

  /** Whether picocli's unmatched arguments may explain {@code e} better than its message. */
  private static boolean unmatched(ParameterException e) {
    return e instanceof MissingParameterException || e instanceof UnmatchedArgumentException;
  }

  private static String unknown(ParameterException e) {
    List<String> flags = ((UnmatchedArgumentException) e).getUnmatched();
    return (flags.size() == 1 ? "Unknown option: " : "Unknown options: ")
        + flags.stream().map(f -> "'" + f + "'").collect(Collectors.joining(", "));
  }
}
