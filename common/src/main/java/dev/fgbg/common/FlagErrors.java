package dev.fgbg.common;

import java.io.PrintWriter;
import java.util.function.Function;
import picocli.CommandLine.IParameterExceptionHandler;
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
    return (e, given) -> {
      PrintWriter err = e.getCommandLine().getErr();
      err.println(prefix + ": error: " + e.getMessage());
      UnmatchedArgumentException.printSuggestions(e, err);
      String own = hint.apply(e);
      if (own != null) {
        err.println(own);
      }
      String quote = ArgFiles.quoteHint(args);
      if (e instanceof UnmatchedArgumentException && quote != null) {
        err.println(quote);
      }
      err.println("(./" + e.getCommandLine().getCommandSpec().qualifiedName()
          + " --help lists every flag)");
      return 2;
    };
  }
}
