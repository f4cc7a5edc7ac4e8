package dev.fgbg.server;

import dev.fgbg.common.ArgFiles;
import dev.fgbg.common.Durations;
import dev.fgbg.common.FileNameEncoding;
import dev.fgbg.common.FlagErrors;
import dev.fgbg.common.InWords;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import dev.fgbg.core.catalog.DatasetCatalog;
import dev.fgbg.server.flags.ServeFlags;
import dev.fgbg.server.options.OptionValueException;
import dev.fgbg.server.options.ServerOptions;
import dev.fgbg.server.rpc.FgbgServer;
import dev.fgbg.server.status.FatalErrors;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.TypeConversionException;

/** {@code fgbg serve}: parses the flags into {@link ServerOptions} and runs the application. */
@Command(name = "fgbg serve", mixinStandardHelpOptions = true,
    description = "Serve the built-in dataset, plus folder datasets, over gRPC.")
public final class Main implements Callable<Integer> {
  @Mixin
  ServeFlags flags;

  /** Past the grace, cancelled calls, pools and depth models get this long before the exit. */
  static final Duration STOP_SLACK = Duration.ofSeconds(5);

  public static void main(String[] args) {
    // First, while the few classes this needs still load: under the floor, the next jar opened
    // or socket made fails somewhere that cannot say why.
    long files = FileLimit.max();
    if (!FileLimit.canStart(files)) {
      System.err.println("fgbg: error: " + FileLimit.startLine(files));
      System.exit(2);
    }
    LogFormat.install();
    FatalErrors.install();
    System.exit(run(args));
  }

  /** Runs the command; returns the exit code (the server blocks until it is stopped). */
  public static int run(String[] args) {
    return run(null, args);
  }

  /** As {@link #run(String[])}, errors to {@code err} (null: standard error). */
  static int run(PrintWriter err, String... args) {
    CommandLine cl = commandLine(new Main());
    if (err != null) {
      cl.setErr(err);
    }
    // One line, as for every other bad value, not the whole usage after it.
    cl.setParameterExceptionHandler(FlagErrors.oneLine("fgbg", args, e -> null));
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      InvalidPathException bad = FileNameEncoding.find(e);
      if (bad != null) { // a path made from a flag's value (--bg, say): name the flag
        line.getErr().println("fgbg: error: "
            + FileNameEncoding.invalidPath(FileNameEncoding.flagOf(args, bad), bad));
        return 2;
      }
      if (e instanceof CompletionException && e.getCause() instanceof FgbgException fe) {
        line.getErr().println("fgbg: error: " + fe.getMessage());
        return 2;
      }
      if (e instanceof OptionValueException o) {
        line.getErr().println("fgbg: error: " + asFlag(o));
        return 2;
      }
      if (e instanceof FgbgException || e instanceof IllegalArgumentException) {
        line.getErr().println("fgbg: error: " + e.getMessage());
        return 2;
      }
      if (e instanceof IOException || e instanceof UncheckedIOException) {
        // the machine's doing (a file, a socket), not a bug: words, no trace
        line.getErr().println("fgbg: error: " + InWords.of(e));
        return 2;
      }
      throw e;
    });
    return ArgFiles.laterWins(cl).execute(args);
  }

  /**
   * An option's refusal named by the flag that set it ({@code maxStreams}: --max-streams). The
   * budget's own flag, in MiB, is checked before its option is built ({@code LoadFlags}).
   */
  static String asFlag(OptionValueException e) {
    String value = e.value() instanceof Duration d ? Durations.words(d) : String.valueOf(e.value());
    String rule = e.other() == null ? e.rule()
        : e.rule().replaceFirst("\\b" + e.other() + "\\b", flag(e.other()));
    return flag(e.field()) + " " + value + " " + rule;
  }

  /** The flag of builder field {@code field} ({@code maxStreams}: --max-streams). */
  private static String flag(String field) {
    return "--" + field.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
  }

  /** The options {@code args} make (for tests and tools); throws on a bad value. */
  static ServerOptions options(String... args) {
    return options(Runtime.getRuntime().maxMemory(), args);
  }

  /** The options {@code args} make in a JVM of {@code maxHeapBytes}. */
  static ServerOptions options(long maxHeapBytes, String... args) {
    Main m = new Main();
    ArgFiles.parse(commandLine(m), args);
    return m.flags.options(maxHeapBytes);
  }

  /** As {@link #options(long, String...)} in a container of {@code limitBytes} (0: none). */
  static ServerOptions options(long maxHeapBytes, long limitBytes, String... args) {
    return ContainerFit.options(flags(args), maxHeapBytes, limitBytes);
  }

  /** The flags {@code args} give (for tests and tools). */
  static ServeFlags flags(String... args) {
    Main m = new Main();
    ArgFiles.parse(commandLine(m), args);
    return m.flags;
  }

  private static CommandLine commandLine(Main m) {
    CommandLine cl = new CommandLine(m).setCaseInsensitiveEnumValuesAllowed(true);
    // A path flag's value that is no path (non-ASCII in an ASCII JVM): why, not a class name.
    cl.registerConverter(Path.class,
        s -> FileNameEncoding.path(s, TypeConversionException::new));
    return cl;
  }

  @Override
  public Integer call() throws Exception {
    // Not a static logger: the log manager must be chosen (LogFormat) before it is created.
    Logger log = Logger.getLogger(Main.class.getName());
    AtomicReference<FgbgApplication> made = new AtomicReference<>();
    AtomicReference<Duration> bound = new AtomicReference<>();
    // SIGTERM (after its drain), SIGINT and SIGHUP exit through System.exit, which runs this
    // hook; the signals' handler says which came. Both are in place before anything is
    // read (a --config, the folders), so a signal at any moment gets its line: before the
    // application exists, that the server stopped during start-up; after, its stop line
    // (close waits for start). No drain before the options give one: nothing serves yet.
    StopSignals signals = new StopSignals(Duration.ZERO, () -> {
      FgbgApplication app = made.get();
      FgbgServer server = app == null ? null : app.server(); // null: not listening yet
      if (server == null) {
        return false;
      }
      server.notServing();
      return true;
    }, System::exit);
    AtomicBoolean startFailed = new AtomicBoolean();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      FgbgApplication app = made.get();
      try {
        if (startFailed.get()) {
          return; // its error is the one line to say
        }
        if (app == null) {
          log.info("stopped during start-up (" + signals.why() + "), before the server "
              + "listened");
        } else {
          BoundedShutdown.close(() -> app.close(signals.why(), signals.signalled()), bound.get(),
              Runtime.getRuntime()::halt);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "fgbg-shutdown"));
    signals.install();
    try {
      ServerOptions options = options(log);
      bound.set(options.shutdownGrace().plus(STOP_SLACK));
      signals.drainDelay(options.drainDelay());
      ListenFailures.checkPorts(options); // a taken port said now, not after the loading
      log.info(startingLine(options));
      made.set(FgbgApplication.create(options));
      made.get().start();
    } catch (Exception | Error e) { // said by the handler (or FatalErrors): no stop line
      startFailed.set(true);
      throw e;
    }
    FgbgApplication app = made.get();
    // A model that fails its warm-up (NaN depth, say) ends the server with its message.
    app.warm().whenComplete((v, e) -> {
      if (e != null) {
        app.close("a depth model failed its warm-up", null);
      }
    });
    app.awaitTermination();
    // Cancelled: a stop came during the warm-up, an ordinary end.
    if (app.warm().isCompletedExceptionally() && !app.warm().isCancelled()) {
      app.warm().join(); // throws: the handler prints the message and exits with code 2
    }
    return 0;
  }

  /**
   * The first line of every start, said before the loading (seconds; minutes of photos), so
   * that a start is seen to have begun.
   */
  static String startingLine(ServerOptions options) {
    StringJoiner names = new StringJoiner(", ");
    names.add(Quoted.of(DatasetCatalog.BUILTIN));
    options.datasets().forEach(d -> names.add(Quoted.of(d.getName())));
    return "fgbg starting: datasets " + names + "; loading them before listening";
  }

  /** The options, with the start-up lines said before the application is made. */
  private ServerOptions options(Logger log) {
    return startUp(flags, Runtime.getRuntime().maxMemory(), ContainerMemory.limitBytes(), log);
  }

  /**
   * The options {@code flags} make in a JVM of {@code maxHeapBytes} and a container of
   * {@code limitBytes}, the start-up lines about them said to {@code log}; throws the refusal.
   */
  static ServerOptions startUp(ServeFlags flags, long maxHeapBytes, long limitBytes,
      Logger log) {
    ServerOptions options = ContainerFit.options(flags, maxHeapBytes, limitBytes);
    // Both said before anything fails for their reason, in words that name the fix.
    String encoding = FileNameEncoding.startLine();
    if (encoding != null) {
      log.warning(encoding);
    }
    String files = FileLimit.startLine(FileLimit.max()); // too low to start: main said it
    if (files != null) {
      log.warning(files);
    }
    ContainerFit.Line container = ContainerFit.line(flags, options, maxHeapBytes, limitBytes);
    if (container != null) {
      log.log(container.level(), container.message());
    }
    // A container's WARNING names the flags to change already; a second would contradict it.
    String shortfall = container != null && container.level() == Level.WARNING ? null
        : JvmSizing.shortfall(options, maxHeapBytes);
    if (shortfall != null) {
      log.warning(shortfall);
    }
    return options;
  }
}
