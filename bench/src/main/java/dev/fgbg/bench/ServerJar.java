package dev.fgbg.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Which server a benchmark starts in its own JVM, and extra flags for it (a picocli mixin). */
final class ServerJar {
  @Option(names = "--server-jar", description = "Default: server/target/fgbg-server.jar.")
  Path jar = ServerProcess.inRepository("server/target/fgbg-server.jar");

  @Option(names = "--server-args", split = " ", description = "Extra server flags.")
  List<String> args = new ArrayList<>();

  /** The server process, or null (after a line on stderr) when the jar is not there. */
  ServerProcess start() throws Exception {
    if (!Files.isRegularFile(jar)) {
      System.err.println("fgbg bench: error: " + jar + " not found; build it with "
          + "./fgbg serve or mvn install");
      return null;
    }
    return new ServerProcess(jar, args);
  }
}
