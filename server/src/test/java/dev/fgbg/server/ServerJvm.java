package dev.fgbg.server;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code fgbg serve} ({@link Main}) in a JVM of its own on a free port, its log collected. */
final class ServerJvm implements AutoCloseable {
  private static final Pattern PORT = Pattern.compile("listening on [^:]+:(\\d+)");

  final Process process;
  final int port;
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final Thread reader;

  /** Starts it with {@code jvmArgs} (e.g. -Xmx96m) and server flags; returns once it listens. */
  ServerJvm(List<String> jvmArgs, String... args) throws Exception {
    this(List.of(), null, jvmArgs, false, args);
  }

  /** Started in working folder {@code dir} (where relative defaults such as 'exports' go). */
  static ServerJvm inFolder(Path dir, String... args) throws Exception {
    return new ServerJvm(List.of(), dir.toFile(), List.of(), false, args);
  }

  /** Started under a limit of {@code files} open file descriptors (a shell's ulimit -n). */
  static ServerJvm withFileLimit(int files, String... args) throws Exception {
    return new ServerJvm(List.of("sh", "-c", "ulimit -n " + files + " && exec \"$@\"", "sh"),
        null, List.of(), false, args);
  }

  /**
   * Started bound by files' permission bits as an ordinary user is: root's capabilities to
   * write and read past them are dropped (setpriv), so a folder without write permission
   * refuses it as it refuses the user a pod or a service runs the server as.
   */
  static ServerJvm boundByPermissions(String... args) throws Exception {
    List<String> prefix = "root".equals(System.getProperty("user.name"))
        ? List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search") : List.of();
    return new ServerJvm(prefix, null, List.of(), false, args);
  }

  /**
   * Started with SIGINT handled as by default: a process started by a non-interactive shell's
   * background job (as a CI step may be) inherits SIGINT ignored, which a JVM then leaves so.
   */
  static ServerJvm interruptible(String... args) throws Exception {
    return withDefaultSignal("INT", args);
  }

  /** Started with SIG{@code name} handled as by default (nohup leaves SIGHUP ignored). */
  static ServerJvm withDefaultSignal(String name, String... args) throws Exception {
    return new ServerJvm(List.of("env", "--default-signal=" + name), null, List.of(), false,
        args);
  }

  /**
   * Started with no locale in its environment (as env -i, or a container's default, starts
   * it), under {@code prefix} (e.g. a shell that sets a locale as ./fgbg does, then execs).
   */
  static ServerJvm withoutLocale(List<String> prefix, String... args) throws Exception {
    return new ServerJvm(prefix, null, List.of(), true, args);
  }

  /**
   * Started in working folder {@code dir} with environment variables {@code vars}
   * ({@code NAME=value}) added, as env(1).
   */
  static ServerJvm withEnvironment(Path dir, List<String> vars, String... args)
      throws Exception {
    List<String> prefix = new ArrayList<>(List.of("env"));
    prefix.addAll(vars);
    return withPrefix(dir, prefix, args);
  }

  /** In {@code dir}, started by {@code prefix} (a command that ends by running its arguments). */
  static ServerJvm withPrefix(Path dir, List<String> prefix, String... args) throws Exception {
    return new ServerJvm(prefix, dir.toFile(), List.of(), false, args);
  }

  /** The command that runs the server with {@code prefix} and {@code args}. */
  static List<String> command(List<String> prefix, List<String> jvmArgs, String... args) {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "--port", "0"));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Removes the locale's variables: the JVM's file-name encoding is then ASCII. */
  static ProcessBuilder withoutLocale(ProcessBuilder pb) {
    pb.environment().keySet().removeIf(k -> k.equals("LANG") || k.startsWith("LC_"));
    return pb;
  }

  private ServerJvm(List<String> prefix, File dir, List<String> jvmArgs, boolean noLocale,
      String... args) throws Exception {
    List<String> cmd = command(prefix, jvmArgs, args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir).redirectErrorStream(true);
    this.process = (noLocale ? withoutLocale(pb) : pb).start();
    CompletableFuture<Integer> listening = new CompletableFuture<>();
    this.reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          log.add(line);
          Matcher m = PORT.matcher(line);
          if (m.find()) {
            listening.complete(Integer.parseInt(m.group(1)));
          }
        }
      } catch (IOException ignored) {
        // the process is gone
      }
      listening.completeExceptionally(new IllegalStateException("server exited: " + log));
    }, "server-jvm-log");
    reader.setDaemon(true);
    reader.start();
    this.port = listening.get(120, TimeUnit.SECONDS);
  }

  /** Sends it signal SIG{@code name} ({@code TERM}, {@code INT}) as kill(1) does. */
  void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
        .redirectErrorStream(true).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: "
          + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  ManagedChannel channel() {
    return Grpc.newChannelBuilder("localhost:" + port, InsecureChannelCredentials.create())
        .maxInboundMessageSize(64 << 20).build();
  }

  /** Its lines that contain {@code text}, once {@code n} are printed (fails after a minute). */
  List<String> awaitLines(String text, int n) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (true) {
      List<String> found = log.stream().filter(l -> l.contains(text)).toList();
      if (found.size() >= n) {
        return found;
      }
      if (System.nanoTime() > end || !process.isAlive()) {
        throw new AssertionError("not " + n + " lines with '" + text + "' in: " + log());
      }
      Thread.sleep(10);
    }
  }

  /** Everything it has printed so far; once it has exited, everything it printed. */
  String log() throws InterruptedException {
    if (!process.isAlive()) {
      reader.join(10_000); // the last lines may still be in the pipe
    }
    return String.join("\n", log);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }
}
