package dev.fgbg.client;

import com.google.protobuf.ByteString;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.SampleMeta;
import dev.fgbg.v1.SharedMemorySlot;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Whole batches from a StreamEpoch call, joining chunks, or copied out of a shared-memory ring's
 * slots when the server accepted the client's ring (the slot is freed at once). Reading to the
 * end closes it by itself; close it (try-with-resources) when you stop early: until then it
 * holds a server stream and, on this host, a ring in /dev/shm (tens of MiB, which other local
 * trainers need). One dropped unclosed is closed when the garbage collector finds it
 * unreachable, with a warning, but that may be never. One thread reads it; any thread may close
 * it (a watchdog, the client's close): the reader's {@code hasNext} then answers false.
 */
public final class BatchIterator implements Iterator<Batch>, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(BatchIterator.class.getName());

  private final Iterator<SampleBatch> messages;
  private final ClientRing offered;
  private final String whyNot;
  private final OnceLog said;
  private final OpenStream stream;
  private SampleBatch pending;
  private Batch next;
  private boolean logged;
  private volatile long streamSamples;

  /**
   * @param offered the ring offered in the request, or null ({@code whyNot} says why)
   * @param stream what the call holds: its context and that ring
   * @param said the client's once-said lines
   */
  BatchIterator(Iterator<SampleBatch> messages, OpenStream stream, ClientRing offered,
      String whyNot, OnceLog said) {
    this.messages = messages;
    this.stream = stream;
    this.offered = offered;
    this.whyNot = whyNot;
    this.said = said;
    stream.endWhenUnreachable(this);
  }

  @Override
  public boolean hasNext() {
    try {
      if (next == null) {
        next = stream.read(this::assemble,
            "the stream ended: every batch was read (hasNext() answers false)");
      }
      return next != null;
    } finally {
      Reference.reachabilityFence(this); // not cleaned while its reader waits in it
    }
  }

  /**
   * The samples the whole stream sends, as its first message says (for progress and an ETA);
   * 0 until the first batch has arrived, or from a server that does not say.
   */
  public long streamSamples() {
    return streamSamples;
  }

  @Override
  public Batch next() {
    if (!hasNext()) {
      // Else ended by a close: its own, another thread's, or its client's.
      throw new NoSuchElementException("no next batch: "
          + stream.endedAs("this BatchIterator was closed (by its close() or its FgbgClient's)"));
    }
    Batch b = next;
    next = null;
    return b;
  }

  private Batch assemble() {
    SampleBatch first = pending != null ? pending : (messages.hasNext() ? messages.next() : null);
    pending = null;
    if (first == null) {
      return null;
    }
    if (!logged) {
      logged = true;
      streamSamples = first.getStreamSamples();
      logPath(first);
    }
    if (offered != null && first.hasSharedMemory()) {
      return stream.withRing(ring -> copied(ring, first));
    }
    List<Long> indices = new ArrayList<>(first.getIndicesList());
    List<SampleMeta> meta = new ArrayList<>(first.getMetaList());
    var images = first.getImages();
    var masks = first.getMasks();
    var depth = first.getDepth();
    var instances = first.getInstances();
    var backgrounds = first.getBackgrounds();
    var backgroundDepths = first.getBackgroundDepths();
    List<Integer> rows = new ArrayList<>(first.getBackgroundRowsList());
    for (int c = 1; c < first.getChunkCount(); c++) {
      if (!messages.hasNext()) {
        throw new IllegalStateException("stream ended inside batch " + first.getBatchIndex());
      }
      SampleBatch m = messages.next();
      if (m.getBatchIndex() != first.getBatchIndex() || m.getChunkIndex() != c) {
        throw new IllegalStateException("expected chunk " + c + " of batch "
            + first.getBatchIndex() + ", got chunk " + m.getChunkIndex() + " of batch "
            + m.getBatchIndex());
      }
      indices.addAll(m.getIndicesList());
      meta.addAll(m.getMetaList());
      images = images.concat(m.getImages());
      masks = masks.concat(m.getMasks());
      depth = depth.concat(m.getDepth());
      instances = instances.concat(m.getInstances());
      // A chunk's rows index its own backgrounds, which follow the earlier chunks'.
      int base = rows.stream().mapToInt(r -> r + 1).max().orElse(0);
      m.getBackgroundRowsList().forEach(r -> rows.add(base + r));
      backgrounds = backgrounds.concat(m.getBackgrounds());
      backgroundDepths = backgroundDepths.concat(m.getBackgroundDepths());
    }
    return new Batch(first.getBatchIndex(), List.copyOf(indices), first.getHeight(),
        first.getWidth(), images, masks, depth, first.getDepthDtype(), first.getDepthHeight(),
        first.getDepthWidth(), List.copyOf(meta), first.getFingerprint(), instances, backgrounds,
        backgroundDepths, List.copyOf(rows));
  }

  private void logPath(SampleBatch first) {
    if (offered != null && first.hasSharedMemory()) {
      // Once per client at INFO, as the network's reason: a trainer streams an epoch at a time.
      said.log(LOG, "shared memory", Level.INFO, String.format(Locale.ROOT, "fgbg StreamEpoch: "
          + "batches through shared memory (%s, %d slots of %.1f MiB)", offered.path(),
          offered.slots(), offered.slotBytes() / 1048576.0));
      return;
    }
    if (!first.getSharedMemoryRefused().isEmpty()) {
      stream.dropRing(); // never to be written: its room in /dev/shm is freed now, not at the end
      LOG.warning("fgbg StreamEpoch: the server refused shared memory ("
          + first.getSharedMemoryRefused() + "); batches over the network");
    } else if (offered == null) {
      // Once per client: the reason does not change.
      said.log(LOG, "network", whyNot.startsWith(ClientStreams.NO_RING) ? Level.WARNING
          : Level.INFO, "fgbg StreamEpoch: batches over the network (shared memory off: "
          + whyNot + ")");
    }
  }

  /** The batch in the message's slot, copied out; the slot is given back. */
  private static Batch copied(ClientRing ring, SampleBatch m) {
    SharedMemorySlot at = m.getSharedMemory();
    ByteString images = ring.copy(at.getSlot(), at.getImagesOffset(), at.getImagesLength());
    ByteString masks = ring.copy(at.getSlot(), at.getMasksOffset(), at.getMasksLength());
    ByteString depth = ring.copy(at.getSlot(), at.getDepthOffset(), at.getDepthLength());
    ByteString instances = ring.copy(at.getSlot(), at.getInstancesOffset(),
        at.getInstancesLength());
    ByteString backgrounds = ring.copy(at.getSlot(), at.getBackgroundsOffset(),
        at.getBackgroundsLength());
    ByteString backgroundDepths = ring.copy(at.getSlot(), at.getBackgroundDepthsOffset(),
        at.getBackgroundDepthsLength());
    ring.free(at.getSlot());
    return new Batch(m.getBatchIndex(), List.copyOf(m.getIndicesList()), m.getHeight(),
        m.getWidth(), images, masks, depth, m.getDepthDtype(), m.getDepthHeight(),
        m.getDepthWidth(), List.copyOf(m.getMetaList()), m.getFingerprint(), instances,
        backgrounds, backgroundDepths, List.copyOf(m.getBackgroundRowsList()));
  }

  /** Cancels the call if it is still running, and removes the ring. */
  @Override
  public void close() {
    stream.end(false);
  }
}
