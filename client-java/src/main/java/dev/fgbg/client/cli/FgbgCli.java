package dev.fgbg.client.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;

/** {@code fgbg <verb>}: the client side of the launcher. */
@Command(name = "fgbg", mixinStandardHelpOptions = true,
    description = "Talk to an fgbg server.",
    subcommands = {DescribeCommand.class, GetCommand.class, StreamCommand.class,
        ExportCommand.class, StatsCommand.class, GalleryCommand.class})
public final class FgbgCli {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a verb and returns its exit code; errors print one line naming the problem. */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new FgbgCli());
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      if (e instanceof StatusRuntimeException s) {
        String d = s.getStatus().getDescription();
        // Name the address tried: it may have come from $FGBG_TARGET rather than the command line.
        OptionSpec target = parsed.subcommand() == null ? null
            : parsed.subcommand().commandSpec().findOption("--target");
        line.getErr().println("fgbg: error: " + s.getStatus().getCode() + ": "
            + (d == null ? "" : d) + (s.getStatus().getCode() == Status.Code.UNAVAILABLE
                ? " (is the server running at " + (target == null ? "?" : target.getValue())
                    + "? start it with ./fgbg serve, or set --target / FGBG_TARGET)" : ""));
        return 1;
      }
      if (e instanceof IllegalArgumentException || e instanceof IOException) {
        line.getErr().println("fgbg: error: " + e.getMessage());
        return 1;
      }
      throw e;
    });
    return cl.execute(args);
  }
}
