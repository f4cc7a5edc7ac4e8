package dev.fgbg.common;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionStrategy;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParseResult;

/**
 * What an unmatched-argument error adds when the command line read an @-file (picocli's flags
 * in a file): there a value with a space splits in two unless quoted, and the error
 * ("Unmatched argument at index 5: 'outs'") names neither the file nor the cause. The server
 * and the CLI say the same. A flag given again after an @-file overrides the file's ({@link
 * #laterWins}), as most CLIs do; one typed twice on the command line itself is still refused.
 */
public final class ArgFiles {
  /** The hint, a line of its own after the error. */
  public static final String QUOTE_HINT = "(in an @-file a value with spaces must be quoted: "
      + "\"photos/cut outs\", not photos/cut outs)";

  private ArgFiles() {}

  /**
   * Makes the last occurrence of a single-valued flag win ({@code serve @base.args --port 9999}
   * where the file says {@code --port 8080}), so that a shared @-file can be overridden, while a
   * flag typed twice on the command line itself is refused as picocli refuses it (a slip more
   * likely than an override). Call it once the command's execution strategy is set.
   */
  public static CommandLine laterWins(CommandLine cl) {
    cl.setOverwrittenOptionsAllowed(true);
    IExecutionStrategy inner = cl.getExecutionStrategy();
    cl.setExecutionStrategy(parsed -> {
      typedOnce(parsed);
      return inner.execute(parsed);
    });
    return cl;
  }

  /** {@code cl.parseArgs(args)} by the rules of {@link #laterWins} (for tests and tools). */
  public static ParseResult parse(CommandLine cl, String... args) {
    cl.setOverwrittenOptionsAllowed(true);
    ParseResult parsed = cl.parseArgs(args);
    typedOnce(parsed);
    return parsed;
  }

  /**
   * Refuses a single-valued flag that the command line itself (not an @-file) gives twice, in
   * picocli's words.
   */
  private static void typedOnce(ParseResult parsed) {
    CommandSpec spec = parsed.commandSpec();
    Map<OptionSpec, Boolean> seen = new IdentityHashMap<>();
    List<String> args = parsed.originalArgs();
    for (int i = 0; i < args.size() && !args.get(i).equals("--"); i++) {
      String a = args.get(i);
      CommandLine sub = spec.subcommands().get(a);
      if (sub != null) {
        spec = sub.getCommandSpec();
        continue;
      }
      OptionSpec o = a.startsWith("-") ? spec.findOption(a.split("=", 2)[0]) : null;
      if (o == null) {
        continue;
      }
      if (!a.contains("=") && o.arity().min() > 0) {
        i += o.arity().min(); // its value, whatever it looks like
      }
      if (!o.isMultiValue() && seen.put(o, Boolean.TRUE) != null) {
        throw new OverwrittenOptionException(spec.commandLine(), o, "option '"
            + o.longestName() + "'" + (o.arity().max() > 0 ? " (" + o.paramLabel() + ")" : "")
            + " should be specified only once");
      }
    }
  }

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
