package dev.fgbg.client.cli;

import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ExecutionException;
import picocli.CommandLine.ParseResult;

/**
 * Runs the parsed verb; a long verb (stream, export, stats) stopped mid-way by Ctrl-C or SIGTERM
 * says how far it got and how to go on, as a call that fails mid-way does ({@link CallWords}),
 * on stderr; a stream stopped so or cut by a failed call also prints its closing lines over what
 * it received, marked partial, on stdout (so that a part's digest can be added to the rest's),
 * once ({@link CutShort}). The JVM runs shutdown hooks on both signals while the verb's thread
 * is still in its call.
 */
final class StopWords {
  private StopWords() {}

  static int execute(ParseResult parsed, PrintStream out, PrintStream err) {
    List<CommandLine> chain = parsed.asCommandLineList();
    Object verb = chain.get(chain.size() - 1).getCommand();
    CutShort cut = verb instanceof SoFar f ? new CutShort(f, out, err) : null;
    // A verb whose work was complete when the signal came (its call had not ended) says so
    // and exits 0: the JVM's exit status would say 143 or 130, a stop.
    Thread hook = cut != null ? new Thread(() -> {
      if (cut.stopped()) {
        Runtime.getRuntime().halt(0);
      }
    }, "fgbg-stop-words") : null;
    if (hook != null) {
      Runtime.getRuntime().addShutdownHook(hook);
    }
    try {
      return new CommandLine.RunLast().execute(parsed);
    } catch (ExecutionException e) {
      // A call cut mid-way: the partial lines here, while the hook is still there to agree
      // with (a signal now waits for them); the error line is the handler's (FgbgCli).
      if (cut != null && e.getCause() instanceof StatusRuntimeException s) {
        cut.failed(s);
      }
      throw e;
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
}
