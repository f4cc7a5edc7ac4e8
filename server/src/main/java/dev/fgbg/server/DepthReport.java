package dev.fgbg.server;

import dev.fgbg.core.depth.DepthRuntime;
import java.util.List;
import java.util.function.Consumer;

/**
 * The periodic depth report: one line per model, and only for a model whose figures changed
 * since the last line about it (an idle server stays quiet).
 */
final class DepthReport implements Runnable {
  private final List<DepthRuntime> runtimes;
  private final Consumer<String> sink;
  private final String[] last;

  DepthReport(List<DepthRuntime> runtimes, Consumer<String> sink) {
    this.runtimes = List.copyOf(runtimes);
    this.sink = sink;
    this.last = new String[this.runtimes.size()];
  }

  @Override
  public synchronized void run() {
    for (int i = 0; i < last.length; i++) {
      DepthRuntime r = runtimes.get(i);
      String now = r.stats().snapshot().toString();
      if (!now.equals(last[i])) {
        last[i] = now;
        sink.accept("depth " + r.name() + ": " + now);
      }
    }
  }
}
