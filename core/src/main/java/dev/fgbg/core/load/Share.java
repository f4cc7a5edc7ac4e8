package dev.fgbg.core.load;

/**
 * What one client may hold of an {@link Admission}'s places: {@code held}, running and queued
 * together, of which {@code running} at once (more of its own wait queued, not refused).
 */
public record Share(NamedLimit held, NamedLimit running) {

  /**
   * Half of the places running and queued together (at least one), and half of those running,
   * rounded up: a client's burst leaves room in the queue for the others, and, while it holds
   * its half of the running places, the other half is free or freed for them, never held by it
   * until its own run ends (with {@code --max-stats 2}, one client runs one Stats at a time
   * while another client holds or waits; alone, it may use every place: {@link Admission#admit}).
   */
  public static Share half(NamedLimit running, NamedLimit queued) {
    return new Share(new NamedLimit("half of " + running.name() + " + " + queued.name(),
        Math.max(1, (running.value() + queued.value()) / 2)),
        new NamedLimit("half of " + running.name() + ", rounded up", (running.value() + 1) / 2));
  }
}
