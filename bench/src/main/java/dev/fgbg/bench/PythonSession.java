package dev.fgbg.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A bare Python ONNX Runtime session ({@code bench/python/bare_onnx.py}) in its own process,
 * timed on request, so that a benchmark can interleave it with what it compares against it.
 */
final class PythonSession implements AutoCloseable {
  private final Process process;
  private final BufferedReader out;
  private final Writer in;
  private final String version;

  /** Why a session could not be started (no interpreter, no onnxruntime, a bad model). */
  static final class Unavailable extends Exception {
    Unavailable(String why) {
      super(why);
    }
  }

  private PythonSession(Process process, BufferedReader out, Writer in, String version) {
    this.process = process;
    this.out = out;
    this.in = in;
    this.version = version;
  }

  /**
   * Starts {@code python} on {@code model}, fed the float32 rows in {@code input} as a tensor of
   * {@code shape}, with fgbg's session settings: {@code sessions} sessions sharing
   * {@code threads}, run at once.
   */
  static PythonSession start(String python, Path model, Path input, long[] shape,
      String inputName, int threads, int sessions, Map<String, String> config, boolean cuda)
      throws Unavailable, IOException {
    List<String> cmd = new ArrayList<>(List.of(python,
        ServerProcess.inRepository("bench/python/bare_onnx.py").toString(),
        "--model", model.toString(), "--input", input.toString(),
        "--shape", String.join(",", Arrays.stream(shape).mapToObj(Long::toString).toList()),
        "--input-name", inputName, "--threads", Integer.toString(threads),
        "--sessions", Integer.toString(sessions)));
    config.forEach((k, v) -> cmd.addAll(List.of("--config", k + "=" + v)));
    if (cuda) {
      cmd.add("--cuda");
    }
    Path err = Files.createTempFile("fgbg-bare-onnx", ".log");
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
    } catch (IOException e) {
      throw new Unavailable("cannot run " + python + ": " + e.getMessage());
    }
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8));
    String ready = out.readLine();
    if (ready == null || !ready.startsWith("ready ")) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      p.destroyForcibly();
      List<String> lines = Files.readAllLines(err);
      Files.deleteIfExists(err);
      throw new Unavailable(lines.isEmpty() ? python + " exited" : lines.get(lines.size() - 1));
    }
    Files.deleteIfExists(err);
    return new PythonSession(p, out, new OutputStreamWriter(p.getOutputStream(),
        StandardCharsets.UTF_8), ready.substring("ready ".length()).trim());
  }

  /** The onnxruntime version the session runs. */
  String version() {
    return version;
  }

  /** Images per second over at least {@code seconds} (whole batches), and CPU per image. */
  Rounds.Side rate(double seconds) throws IOException {
    in.write(String.format(Locale.ROOT, "run %.3f%n", seconds));
    in.flush();
    String line = out.readLine();
    if (line == null) {
      throw new IOException("the Python session exited");
    }
    String[] words = line.trim().split(" ");
    double images = Double.parseDouble(words[0]);
    return new Rounds.Side("Python", images / Double.parseDouble(words[1]),
        Double.parseDouble(words[2]) / images * 1e6);
  }

  @Override
  public void close() throws InterruptedException {
    try {
      in.write("quit\n");
      in.flush();
    } catch (IOException e) {
      // already gone
    }
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
