package dev.fgbg.client.cli;

import java.io.PrintStream;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Runs the parsed verb; a long verb (stream, export, stats) stopped mid-way by Ctrl-C or SIGTERM
 * says how far it got and how to go on, as a call that fails mid-way does ({@link CallWords}),
 * on stderr; a stream also prints its closing lines over what it received, marked partial, on
 * stdout (so that a part's digest can be added to the rest's).
 * The JVM runs shutdown hooks on both signals while the verb's thread is still in its call.
 */
final class StopWords {
  private StopWords() {}

  static int execute(ParseResult parsed, PrintStream out, PrintStream err) {
    List<CommandLine> chain = parsed.asCommandLineList();
    Object verb = chain.get(chain.size() - 1).getCommand();
    Thread hook = verb instanceof SoFar f
        ? new Thread(() -> said(f, out, err), "fgbg-stop-words") : null;
    if (hook != null) {
      Runtime.getRuntime().addShutdownHook(hook);
    }
    try {
      return new CommandLine.RunLast().execute(parsed);
    } finally {
      if (hook != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException stopping) {
          // the JVM is already stopping: the hook runs (or ran) and says it
        }
      }
    }
  }

  private static void said(SoFar verb, PrintStream out, PrintStream err) {
    // The verb's thread goes on receiving meanwhile: take a count and a resume point that agree
    // (what it has received only grows, so an unchanged count brackets an unchanged state).
    long n;
    String resume;
    List<String> partial;
    do {
      n = verb.received();
      resume = verb.resume();
      partial = verb.partial();
    } while (n != verb.received());
    if (n == 0 || resume.isEmpty()) {
      return;
    }
    // A progress bar on a terminal has no line end yet.
    err.println((System.console() != null ? System.lineSeparator() : "") + "fgbg: stopped "
        + SoFar.goOn(n, resume));
    err.flush();
    // What was received, as a whole stream's lines marked partial: the part's digest, to add
    // to the resumed rest's (README: resuming a stream).
    partial.forEach(out::println);
    out.flush();
  }
}
