package dev.fgbg.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A server in its own JVM on a free loopback port, for benchmarks; close() stops it. */
final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on [^:]+:(\\d+)");

  private final Process process;
  private final int port;

  /**
   * {@code relative} in the repository ({@code $FGBG_HOME}, which the launcher sets; else the
   * current folder): where the jars and models are wherever the bench is run from.
   */
  static Path inRepository(String relative) {
    String home = System.getenv("FGBG_HOME");
    return home == null || home.isEmpty() ? Path.of(relative) : Path.of(home, relative);
  }

  ServerProcess(Path jar, List<String> args) throws Exception {
    this(java(jar, args));
  }

  /** Runs {@code command} (a server that prints the port it listens on). */
  ServerProcess(List<String> command) throws Exception {
    this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
    this.port = awaitPort();
  }

  /** {@code java -jar JAR --port 0 ARGS}: what the launcher ran before it sized the heap. */
  static List<String> java(Path jar, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
        "java").toString(), "-XX:+ExitOnOutOfMemoryError", "-jar", jar.toString(), "--port",
        "0"));
    cmd.addAll(args);
    return cmd;
  }

  long pid() {
    return process.pid();
  }

  int port() {
    return port;
  }

  /** CPU time the server process has used so far, or null where the platform does not say. */
  Duration cpu() {
    return process.info().totalCpuDuration().orElse(null);
  }

  private int awaitPort() throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8));
    CompletableFuture<Integer> found = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        String line;
        while ((line = out.readLine()) != null) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            found.complete(Integer.parseInt(m.group(1)));
          } else if (line.contains("error")) {
            System.err.println("server: " + line);
          }
        }
        found.completeExceptionally(new IllegalStateException("server exited before listening"));
      } catch (IOException e) {
        found.completeExceptionally(e);
      }
    }, "server-log");
    reader.setDaemon(true);
    reader.start();
    return found.get(120, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
