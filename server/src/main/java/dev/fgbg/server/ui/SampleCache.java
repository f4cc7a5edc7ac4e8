package dev.fgbg.server.ui;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.dataset.SampleInfo;
import dev.fgbg.core.deliver.Delivery;
import dev.fgbg.core.deliver.Piece;
import dev.fgbg.core.deliver.Plan;
import dev.fgbg.core.deliver.Renders;
import dev.fgbg.core.deliver.Sink;
import dev.fgbg.core.load.MemoryBudget;
import dev.fgbg.core.render.Backgrounds;
import dev.fgbg.core.render.BatchShape;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.synth.DepthEncoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Samples rendered for the UI, every output at once, as GetSamples renders them: float16 depth,
 * through the render-delivery pipeline on the UI's lane of the server's fair scheduler, each
 * piece charged to the server's memory budget while it is rendered. A grid page renders all its
 * samples in one delivery ({@link #infos}), so its thumbnails cost one GetSamples of the page;
 * the images are then encoded from here. Bounded by bytes; concurrent asks for one sample share
 * one render. A rendered sample is held by this cache only (by nothing of the request or the
 * delivery that asked for it), so a page of 240 costs the cache's bytes, never 240 samples per
 * request on top of it.
 */
final class SampleCache {
  /**
   * One rendered sample of one dataset (by fingerprint) and seed; {@code full}: every output,
   * else without depth (a dataset with depth, for pictures that show none).
   */
  record Key(String fingerprint, long seed, long index, boolean full) {}

  static final long DEFAULT_BYTES = 96L << 20;
  /** Samples a piece renders: a page of 60 in pieces that keep every worker busy. */
  private static final int PIECE = 8;
  private static final int WINDOW = 4;

  private final AsyncCache<Key, RenderedBatch> cache;
  private final Executor lane;
  private final MemoryBudget budget;

  SampleCache(long maxBytes, Executor lane, MemoryBudget budget) {
    this.cache = Caffeine.newBuilder().maximumWeight(maxBytes)
        .weigher((Key k, RenderedBatch b) -> bytes(b)).buildAsync();
    this.lane = lane;
    this.budget = budget;
  }

  private static int bytes(RenderedBatch b) {
    Backgrounds bgs = b.backgrounds();
    return length(b.images()) + length(b.masks()) + length(b.depth()) + length(b.instances())
        + (bgs == null ? 0 : length(bgs.pixels()) + length(bgs.depth())) + 256;
  }

  private static int length(byte[] a) {
    return a == null ? 0 : a.length;
  }

  /**
   * Sample {@code index} of {@code d} under {@code seed} (the index already checked), with its
   * depth when {@code depth} (else it may have it, if cached so, or not).
   */
  CompletableFuture<RenderedBatch> get(Dataset d, long seed, long index, boolean depth) {
    return prefetch(d, seed, new long[] {index}, depth).get(0);
  }

  /**
   * The meta of the samples {@code indices} in order, those not cached rendered in one call.
   * The future holds only the meta: each sample's pixels stay in the cache, which may evict them
   * before the page is built (a page larger than the cache), so what a grid request holds does
   * not grow with its page.
   */
  CompletableFuture<SampleInfo[]> infos(Dataset d, long seed, long[] indices, boolean depth) {
    SampleInfo[] out = new SampleInfo[indices.length];
    CompletableFuture<?>[] each = new CompletableFuture<?>[indices.length];
    List<CompletableFuture<RenderedBatch>> samples = prefetch(d, seed, indices, depth);
    for (int s = 0; s < each.length; s++) {
      int at = s;
      each[s] = samples.get(s).thenAccept(b -> out[at] = b.infos()[0]);
    }
    return CompletableFuture.allOf(each).thenApply(v -> out);
  }

  /**
   * The samples {@code indices}, those not cached rendered in one call; completes with them in
   * order. Without {@code depth} a sample cached with every output is taken as it is, else one
   * is rendered without depth: a grid page that shows none never waits for a teacher's model.
   */
  private List<CompletableFuture<RenderedBatch>> prefetch(Dataset d, long seed, long[] indices,
      boolean depth) {
    boolean full = depth || !d.hasDepth();
    List<CompletableFuture<RenderedBatch>> out = new ArrayList<>();
    List<CompletableFuture<RenderedBatch>> mine = new ArrayList<>();
    long[] missing = new long[indices.length];
    int n = 0;
    for (long i : indices) {
      CompletableFuture<RenderedBatch> whole = full ? null
          : cache.getIfPresent(new Key(d.fingerprint(), seed, i, true));
      if (whole != null) {
        out.add(whole);
        continue;
      }
      CompletableFuture<RenderedBatch> f = new CompletableFuture<>();
      CompletableFuture<RenderedBatch> had = cache.asMap().putIfAbsent(
          new Key(d.fingerprint(), seed, i, full), f);
      if (had == null) {
        mine.add(f);
        missing[n++] = i;
      }
      out.add(had != null ? had : f);
    }
    if (n > 0) {
      render(d, seed, Arrays.copyOf(missing, n), mine, full);
    }
    return out;
  }

  /**
   * Renders {@code indices} as one delivery on the UI's lane: pieces of {@link #PIECE} on every
   * worker at once, each charged to the budget until its samples are sliced out (whole from the
   * first piece: this cache takes each as it comes, so a teacher's model gets each piece's
   * depth as one request, not a client stream's slow start of one sample a piece), and
   * {@code futures} (one per index) completed piece by piece. The delivery lets go of each
   * future as it completes it, so the samples already sliced are the cache's alone.
   */
  private void render(Dataset d, long seed, long[] indices,
      List<CompletableFuture<RenderedBatch>> futures, boolean full) {
    BatchShape shape = new BatchShape(d, outputs(d, full), DepthEncoding.FLOAT16);
    AtomicReferenceArray<CompletableFuture<RenderedBatch>> pending =
        new AtomicReferenceArray<>(futures.toArray(new CompletableFuture[0]));
    Sink<RenderedBatch> slices = new Sink<>() {
      @Override
      public void deliver(Piece p, RenderedBatch b) {
        for (int s = 0; s < p.count(); s++) {
          CompletableFuture<RenderedBatch> f = pending.getAndSet((int) p.local() + s, null);
          if (f != null) {
            f.complete(slice(b, s));
          }
        }
      }

      @Override
      public void ended(Throwable cause) {
        for (int i = 0; i < pending.length(); i++) {
          CompletableFuture<RenderedBatch> f = pending.getAndSet(i, null);
          if (f != null) { // not delivered: failed, or cancelled with the server
            f.completeExceptionally(cause != null ? cause : new CancellationException());
          }
        }
      }
    };
    Delivery.of(Plan.of(indices), Renders.fresh(shape, seed), slices, lane).window(WINDOW)
        .pieceSamples(PIECE).budgetTakenAtOnce(budget, shape.renderBytes(1)).start();
  }

  /**
   * Every output the sample page shows: the sample's own, its background and that one's depth,
   * and instance ids for a scene; not {@code full}: the same less both depths.
   */
  private static Outputs outputs(Dataset d, boolean full) {
    boolean depth = full && d.hasDepth();
    return new Outputs(true, true, depth, true, d.spec().isScene(), true, depth);
  }

  /** Sample {@code s} of a batch in arrays of its own, so the batch's can go. */
  private static RenderedBatch slice(RenderedBatch b, int s) {
    Backgrounds bgs = b.backgrounds();
    int row = bgs.rows()[s];
    Backgrounds own = new Backgrounds(new int[] {0}, new int[] {bgs.ids()[row]},
        part(bgs.pixels(), row, bgs.count()), part(bgs.depth(), row, bgs.count()));
    return new RenderedBatch(new long[] {b.indices()[s]}, part(b.images(), s, b.size()),
        part(b.masks(), s, b.size()), part(b.depth(), s, b.size()),
        part(b.instances(), s, b.size()), b.encoding(), new SampleInfo[] {b.infos()[s]}, own);
  }

  private static byte[] part(byte[] all, int s, int n) {
    if (all == null) {
      return null;
    }
    int each = all.length / n;
    return Arrays.copyOfRange(all, s * each, (s + 1) * each);
  }
}
