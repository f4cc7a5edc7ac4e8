package dev.fgbg.server;

import dev.fgbg.core.depth.DepthRuntime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The periodic depth report: one line per model, and only for a model whose figures changed
 * since the last line about it (an idle server stays quiet).
 */
final class DepthReport implements Runnable {
  private final List<DepthRuntime> runtimes;
  private final Consumer<String> sink;
  private final Map<String, String> last = new HashMap<>();

  DepthReport(List<DepthRuntime> runtimes, Consumer<String> sink) {
    this.runtimes = List.copyOf(runtimes);
    this.sink = sink;
  }

  @Override
  public synchronized void run() {
    for (DepthRuntime r : runtimes) {
      String now = r.stats().toString();
      if (!now.equals(last.put(r.name(), now))) {
        sink.accept("depth " + r.name() + ": " + now);
      }
    }
  }
}
