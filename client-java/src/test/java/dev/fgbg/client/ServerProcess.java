package dev.fgbg.client;

import dev.fgbg.server.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real server process (the test classpath's Main) on a free loopback port, or on a given one
 * (a restarted server's).
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern PORT = Pattern.compile("listening on [^:]+:(\\d+)");

  private final Process process;
  private final int port;

  public ServerProcess(List<String> args) throws IOException {
    this(args, 0);
  }

  /** On {@code listen} (0: a free port). */
  public ServerProcess(List<String> args, int listen) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--port",
        Integer.toString(listen)));
    cmd.addAll(args);
    process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8));
    String line;
    Integer found = null;
    while (found == null && (line = r.readLine()) != null) {
      Matcher m = PORT.matcher(line);
      if (m.find()) {
        found = Integer.parseInt(m.group(1));
      }
    }
    if (found == null) {
      process.destroyForcibly();
      throw new IllegalStateException("the server did not start");
    }
    port = found;
    Thread drain = new Thread(() -> {
      try {
        while (r.readLine() != null) {
          // keep the pipe flowing
        }
      } catch (IOException ignored) {
        // the process is gone
      }
    }, "server-log-drain");
    drain.setDaemon(true);
    drain.start();
  }

  public String target() {
    return "127.0.0.1:" + port;
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  /** SIGTERM: the server shuts down as an operator (or a scheduler) stops it. */
  public void stop() throws InterruptedException {
    process.destroy();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGSTOP: the replica hangs (holds its connections, answers nothing), as a frozen one does. */
  public void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT: a paused replica runs on. */
  public void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    if (process.isAlive()) {
      new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start()
          .waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** SIGKILL: the replica vanishes mid-stream, as a lost node does. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // a paused one goes too
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
