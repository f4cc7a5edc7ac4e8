package dev.fgbg.core.load;

import java.util.Map;

/**
 * Caps on the streams open at once, over the whole server and per client (whatever identity the
 * transport gives: a peer address, an authenticated name). Opening past either cap fails at once
 * with RESOURCE_EXHAUSTED naming the limit and its value.
 */
public interface StreamCaps {

  static StreamCaps of(NamedLimit total, NamedLimit perClient) {
    return new CountedStreamCaps(total, perClient);
  }

  /**
   * Counts a new stream of {@code client}.
   *
   * @throws dev.fgbg.core.FgbgException RESOURCE_EXHAUSTED when a cap is reached
   */
  Slot open(String client);

  /** Streams open now. */
  int count();

  /** Streams {@code client} has open now. */
  int count(String client);

  /** Streams open now by client, for clients with any open (a copy, sorted by client). */
  Map<String, Integer> openByClient();

  /** Streams refused since the start. */
  long refused();

  /** An open stream; {@link #close()} (once or more) when it ends, however it ends. */
  interface Slot extends AutoCloseable {
    @Override
    void close();
  }
}
