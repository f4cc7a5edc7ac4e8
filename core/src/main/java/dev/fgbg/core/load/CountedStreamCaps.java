package dev.fgbg.core.load;

import dev.fgbg.core.FgbgException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@link StreamCaps} as counters under one lock. */
final class CountedStreamCaps implements StreamCaps {
  private final NamedLimit total;
  private final NamedLimit perClient;
  private final Map<String, Integer> byClient = new HashMap<>();
  private int open;
  private long refused;

  CountedStreamCaps(NamedLimit total, NamedLimit perClient) {
    for (NamedLimit l : new NamedLimit[] {total, perClient}) {
      if (l.value() < 1) {
        throw new IllegalArgumentException(l.name() + " must be at least 1, got " + l.value());
      }
    }
    this.total = total;
    this.perClient = perClient;
  }

  @Override
  public synchronized Slot open(String client) {
    int mine = byClient.getOrDefault(client, 0);
    if (open >= total.value()) {
      refused++;
      throw exhausted(open + " streams are open, the most the server allows (" + total
          + "); try again when one ends");
    }
    if (mine >= perClient.value()) {
      refused++;
      throw exhausted("client " + client + " has " + mine + (mine == 1 ? " stream" : " streams")
          + " open, the most one client may have (" + perClient + ")");
    }
    open++;
    byClient.put(client, mine + 1);
    return new Counted(client);
  }

  private static FgbgException exhausted(String message) {
    return new FgbgException(FgbgException.Reason.RESOURCE_EXHAUSTED, message);
  }

  private synchronized void close(String client) {
    open--;
    byClient.computeIfPresent(client, (k, n) -> n > 1 ? n - 1 : null);
  }

  @Override
  public synchronized int count() {
    return open;
  }

  @Override
  public synchronized int count(String client) {
    return byClient.getOrDefault(client, 0);
  }

  @Override
  public synchronized Map<String, Integer> openByClient() {
    return Collections.unmodifiableMap(new TreeMap<>(byClient));
  }

  @Override
  public synchronized long refused() {
    return refused;
  }

  private final class Counted implements Slot {
    private final String client;
    private final AtomicBoolean closed = new AtomicBoolean();

    Counted(String client) {
      this.client = client;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        CountedStreamCaps.this.close(client);
      }
    }
  }
}
