package dev.fgbg.client.cli;

import dev.fgbg.client.FgbgClient;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options every verb shares: where the server is and how long to wait. */
final class Connection {
  @Option(names = "--target", description = "Server host:port. Default: localhost:50051.")
  String target = "localhost:50051";

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
