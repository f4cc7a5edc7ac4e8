package dev.fgbg.server.ui;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real headless Chromium (Debian's {@code chromium}, or {@code $FGBG_CHROMIUM}) driven over the
 * DevTools protocol on a WebSocket: one page, navigation, script evaluation (promises awaited),
 * screenshots. Started with a fresh profile and with everything that would call out of this
 * closed machine turned off. Used by the UI's browser tests and by {@code fgbg bench ui}.
 */
public final class HeadlessChromium implements AutoCloseable {
  /** The flags every start uses: headless, no sandbox or GPU, no calls home. */
  public static final List<String> FLAGS = List.of("--headless", "--no-sandbox",
      "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--force-color-profile=srgb",
      "--hide-scrollbars", "--remote-debugging-port=0");
  private static final long TIMEOUT_SECONDS = 120;

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonObject>> replies = new ConcurrentHashMap<>();
  private final Map<String, List<CompletableFuture<JsonObject>>> waiters =
      new ConcurrentHashMap<>();
  private final String session;

  private HeadlessChromium(Process process, Path profile, String endpoint) throws IOException {
    this.process = process;
    this.profile = profile;
    this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create(endpoint), new Listener()).join();
    String target = send(null, "Target.createTarget", object("url", "about:blank"))
        .get("targetId").getAsString();
    JsonObject attach = object("targetId", target);
    attach.addProperty("flatten", true);
    this.session = send(null, "Target.attachToTarget", attach).get("sessionId").getAsString();
    call("Page.enable", new JsonObject());
    call("Runtime.enable", new JsonObject());
  }

  /** The browser to start: {@code $FGBG_CHROMIUM}, else {@code /usr/bin/chromium}. */
  public static Path binary() {
    String env = System.getenv("FGBG_CHROMIUM");
    return Path.of(env != null && !env.isBlank() ? env : "/usr/bin/chromium");
  }

  /** Starts a browser with a window of {@code width}×{@code height}. */
  public static HeadlessChromium start(int width, int height) throws IOException {
    Path binary = binary();
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(binary + " is not there: the browser tests need Debian's "
          + "chromium (apt-get install chromium chromium-driver; ./fgbg test installs it)");
    }
    Path profile = Files.createTempDirectory("fgbg-chromium");
    List<String> command = new ArrayList<>(List.of(binary.toString()));
    command.addAll(FLAGS);
    command.add("--user-data-dir=" + profile);
    command.add("--window-size=" + width + "," + height);
    command.add("about:blank");
    Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    CompletableFuture<String> endpoint = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(),
          StandardCharsets.UTF_8))) {
        for (String line = err.readLine(); line != null; line = err.readLine()) {
          int at = line.indexOf("DevTools listening on ");
          if (at >= 0) {
            endpoint.complete(line.substring(at + "DevTools listening on ".length()).strip());
          }
        }
        endpoint.completeExceptionally(new IOException("chromium ended without a DevTools "
            + "endpoint (exit " + p.waitFor() + ")"));
      } catch (IOException | InterruptedException e) {
        endpoint.completeExceptionally(e);
      }
    }, "chromium-stderr");
    reader.setDaemon(true);
    reader.start();
    try {
      return new HeadlessChromium(p, profile, endpoint.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    } catch (InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
      p.destroyForcibly();
      throw new IOException("chromium did not start: " + e, e);
    }
  }

  private static JsonObject object(String key, String value) {
    JsonObject o = new JsonObject();
    o.addProperty(key, value);
    return o;
  }

  /** A DevTools command on the page; its result. */
  public JsonObject call(String method, JsonObject params) {
    return send(session, method, params);
  }

  private JsonObject send(String sessionId, String method, JsonObject params) {
    int id = ids.incrementAndGet();
    JsonObject message = new JsonObject();
    message.addProperty("id", id);
    message.addProperty("method", method);
    message.add("params", params);
    if (sessionId != null) {
      message.addProperty("sessionId", sessionId);
    }
    CompletableFuture<JsonObject> reply = new CompletableFuture<>();
    replies.put(id, reply);
    synchronized (socket) {
      socket.sendText(message.toString(), true).join();
    }
    JsonObject r = await(reply, method);
    if (r.has("error")) {
      throw new IllegalStateException(method + " failed: " + r.get("error"));
    }
    return r.getAsJsonObject("result");
  }

  private static <T> T await(CompletableFuture<T> f, String what) {
    try {
      return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + what, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("no answer to " + what + ": " + e, e);
    }
  }

  /** The next event {@code method} of the page from now on. */
  public CompletableFuture<JsonObject> next(String method) {
    CompletableFuture<JsonObject> f = new CompletableFuture<>();
    waiters.computeIfAbsent(method, m -> new ArrayList<>()).add(f);
    return f;
  }

  /**
   * Opens {@code url} and waits until the page says it is shown ({@code body[data-state]}, set by
   * the UI's scripts once their images are decoded); returns that state.
   */
  public String open(String url) {
    CompletableFuture<JsonObject> loaded = next("Page.loadEventFired");
    call("Page.navigate", object("url", url));
    await(loaded, "the load of " + url);
    return awaitShown();
  }

  /** Waits for the current page's {@code fgbg-ready} signal; returns {@code body[data-state]}. */
  public String awaitShown() {
    return eval("new Promise(r => { const s = () => document.body && document.body.dataset.state;"
        + " if (s()) r(s()); else addEventListener('fgbg-ready', () => r(s())); })")
        .getAsString();
  }

  /** Evaluates {@code expression} in the page, awaiting a promise; its value as JSON. */
  public JsonElement eval(String expression) {
    JsonObject p = object("expression", expression);
    p.addProperty("awaitPromise", true);
    p.addProperty("returnByValue", true);
    JsonObject r = call("Runtime.evaluate", p);
    if (r.has("exceptionDetails")) {
      throw new IllegalStateException("the page's script failed: " + r.get("exceptionDetails"));
    }
    JsonObject result = r.getAsJsonObject("result");
    return result.has("value") ? result.get("value") : JsonParser.parseString("null");
  }

  /** A PNG of the whole page, beyond the window too. */
  public byte[] screenshot() {
    return screenshot(true);
  }

  /** A PNG of the whole page, or of the window only. */
  public byte[] screenshot(boolean wholePage) {
    JsonObject p = object("format", "png");
    p.addProperty("captureBeyondViewport", wholePage);
    return Base64.getDecoder().decode(call("Page.captureScreenshot", p).get("data")
        .getAsString());
  }

  /** Writes {@link #screenshot()} to {@code file} (folders made). */
  public void screenshot(Path file) {
    screenshot(file, true);
  }

  /** Writes {@link #screenshot(boolean)} to {@code file} (folders made). */
  public void screenshot(Path file, boolean wholePage) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, screenshot(wholePage));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      send(null, "Browser.close", new JsonObject());
    } catch (RuntimeException e) {
      // gone already
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> all = Files.walk(profile)) {
      all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  /** Joins a message's frames, then hands it to its waiting command or event. */
  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        JsonObject m = JsonParser.parseString(text.toString()).getAsJsonObject();
        text.setLength(0);
        if (m.has("id")) {
          CompletableFuture<JsonObject> r = replies.remove(m.get("id").getAsInt());
          if (r != null) {
            r.complete(m);
          }
        } else if (m.has("method")) {
          List<CompletableFuture<JsonObject>> w = waiters.remove(m.get("method").getAsString());
          if (w != null) {
            w.forEach(f -> f.complete(m));
          }
        }
      }
      ws.request(1);
      return null;
    }
  }
}
