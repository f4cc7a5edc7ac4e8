package dev.fgbg.client.cli;

import dev.fgbg.common.ArgFiles;
import dev.fgbg.common.FileNameEncoding;
import dev.fgbg.common.FlagErrors;
import dev.fgbg.common.InWords;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/** {@code fgbg <verb>}: the client side of the launcher. */
@Command(name = "fgbg", mixinStandardHelpOptions = true,
    description = "Talk to an fgbg server.",
    subcommands = {DescribeCommand.class, GetCommand.class, StreamCommand.class,
        ExportCommand.class, StatsCommand.class, GalleryCommand.class})
public final class FgbgCli {
  /**
   * gRPC's own loggers, held so their level stays: a channel that cannot resolve or reach its
   * target logs a WARNING with a stack trace, while the command already says it in one line.
   */
  private static final Logger GRPC = Logger.getLogger("io.grpc");
  /** The client's own: its INFO lines (which path a stream took) are for programs, not here. */
  private static final Logger CLIENT = Logger.getLogger("dev.fgbg.client");
  /** But a reconnect window's end is: its start was a WARNING ("not answering") on stderr. */
  private static final Logger RECONNECT = Logger.getLogger(CLIENT.getName() + ".ReconnectWindow");

  private static final Formatter ONE_LINE = new Formatter() {
    @Override
    public String format(LogRecord r) {
      return "fgbg: " + r.getLevel().getName().toLowerCase(Locale.ROOT) + ": " + formatMessage(r)
          + System.lineSeparator();
    }
  };

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a verb and returns its exit code; errors print one line naming the problem. */
  public static int run(String... args) {
    GRPC.setLevel(Level.SEVERE);
    CLIENT.setLevel(Level.WARNING);
    RECONNECT.setLevel(Level.INFO);
    for (Handler h : Logger.getLogger("").getHandlers()) {
      h.setFormatter(ONE_LINE); // a warning is one line, as the command's own messages are
    }
    String encoding = FileNameEncoding.startLine();
    if (encoding != null) { // an ASCII JVM cannot read or write a non-ASCII path: say it first
      System.err.println("fgbg: warning: " + encoding);
    }
    CommandLine cl = new CommandLine(new FgbgCli());
    // A path flag's value that is no path (non-ASCII in an ASCII JVM): why, not a class name.
    cl.registerConverter(Path.class,
        s -> FileNameEncoding.path(s, TypeConversionException::new));
    // A mistyped flag: one line and the nearest flags, as `fgbg serve` says it, not the usage.
    cl.setParameterExceptionHandler(FlagErrors.oneLine("fgbg", args,
        e -> e instanceof UnmatchedArgumentException u && u.getUnmatched().stream()
            .anyMatch(a -> a.startsWith("--port") || a.startsWith("--host"))
            ? "(a client names its server with --target host:port, e.g. --target "
                + "localhost:50051, or $FGBG_TARGET)" : null));
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      InvalidPathException bad = FileNameEncoding.find(e);
      if (bad != null) {
        line.getErr().println("fgbg: error: "
            + FileNameEncoding.invalidPath(FileNameEncoding.flagOf(args, bad), bad));
        return 1;
      }
      if (e instanceof StatusRuntimeException s) {
        line.getErr().println("fgbg: error: " + CallWords.of(s, line));
        return 1;
      }
      if (e instanceof IOException io) {
        line.getErr().println("fgbg: error: " + inWords(io));
        return 1;
      }
      if (e instanceof IllegalArgumentException) {
        line.getErr().println("fgbg: error: " + e.getMessage());
        return 1;
      }
      throw e;
    });
    cl.setExecutionStrategy(parsed -> StopWords.execute(parsed, System.out, System.err));
    return ArgFiles.laterWins(cl).execute(args);
  }

  /** A file's failure as its path and what went wrong (the exception's message is the path). */
  private static String inWords(IOException e) {
    if (!(e instanceof FileSystemException f) || f.getFile() == null) {
      return e.getMessage();
    }
    boolean notAFolder = e instanceof FileAlreadyExistsException
        && !Files.isDirectory(Path.of(f.getFile()));
    String why = notAFolder ? "already exists and is not a folder" : InWords.of(e);
    return f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": " + why;
  }
}
