package dev.fgbg.client;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A client's stream rings kept for its next streams: a stream offers its ring with {@code keep},
 * the ring comes back here when the stream ended with OK, and a later stream of the same shape
 * takes it instead of a new file (a new ring's every page faults in again, in the server as it
 * writes and here as the client reads). At most {@link #MOST} are kept; {@link #close} removes
 * them.
 */
final class ClientRings implements AutoCloseable {
  static final int MOST = 8;
  /** Slots of a stream's ring. */
  static final int SLOTS = 4;

  private final Deque<ClientRing> idle = new ArrayDeque<>();
  private boolean closed;

  /** A kept ring of {@code slots} slots of {@code slotBytes} (rounded up), else a new one. */
  ClientRing take(int slots, long slotBytes) throws IOException {
    long size = ClientRing.rounded(slotBytes);
    List<ClientRing> gone = new ArrayList<>();
    ClientRing found = null;
    synchronized (this) {
      for (ClientRing r : idle) {
        if (r.slots() == slots && r.slotBytes() == size) {
          if (r.reusable()) {
            found = r;
            break;
          }
          gone.add(r);
        }
      }
      idle.removeAll(gone);
      idle.remove(found);
    }
    gone.forEach(ClientRing::close);
    return found != null ? found : ClientRing.create(slots, slotBytes);
  }

  /**
   * Keeps {@code ring}, whose stream ended with OK, for a later stream, the oldest kept ring
   * going when {@link #MOST} are kept; removes a ring that cannot be kept (or once the client is
   * closed).
   */
  void give(ClientRing ring) {
    ClientRing gone = ring;
    synchronized (this) {
      if (!closed && ring.reusable()) {
        idle.add(ring);
        gone = idle.size() > MOST ? idle.pollFirst() : null;
      }
    }
    if (gone != null) {
      gone.close();
    }
  }

  synchronized int size() {
    return idle.size();
  }

  @Override
  public void close() {
    List<ClientRing> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(idle);
      idle.clear();
    }
    all.forEach(ClientRing::close);
  }
}
