package dev.fgbg.client.cli;

import dev.fgbg.client.FgbgClient;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options every verb shares: where the server is and how long to wait. */
final class Connection {
  // picocli reads the environment when the option is absent, so FGBG_TARGET serves every verb.
  @Option(names = "--target", defaultValue = "${env:FGBG_TARGET:-localhost:50051}",
      description = "Server host:port. Default: $FGBG_TARGET, else localhost:50051.")
  String target;

  @Option(names = "--deadline", converter = DurationConverter.class,
      description = "Deadline per call (streams: for the whole stream). Default: 30s; stream 24h.")
  Duration deadline;

  FgbgClient client() {
    FgbgClient.Builder b = FgbgClient.builder().target(target);
    if (deadline != null) {
      b.deadline(deadline).streamDeadline(deadline);
    }
    return b.build();
  }
}
