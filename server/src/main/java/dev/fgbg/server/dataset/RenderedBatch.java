package dev.fgbg.server.dataset;

import dev.fgbg.server.synth.Compositor;
import dev.fgbg.server.synth.DepthEncoding;
import java.util.function.BooleanSupplier;

/**
 * A run of samples rendered into fresh contiguous arrays: images [n,H,W,3], masks [n,H,W],
 * depth [n,H,W] in the requested encoding. Arrays not asked for are null. The arrays are never
 * written again once returned, so they can be handed to a transport without copying.
 */
public record RenderedBatch(long[] indices, byte[] images, byte[] masks, byte[] depth,
    DepthEncoding encoding, SampleInfo[] infos) {

  /** Renders {@code indices}; stops early (returning null) when {@code cancelled} turns true. */
  public static RenderedBatch render(Dataset d, long seed, long[] indices, Outputs out,
      DepthEncoding enc, BooleanSupplier cancelled) {
    return renderAsync(d, seed, indices, out, enc, cancelled, true).join();
  }

  /**
   * Synthesis now, on this thread; teacher depth, when asked for, completes the future later
   * without holding this thread (so render workers never wait on the model). With {@code wait}
   * the teacher depth is awaited here instead, checking {@code cancelled}.
   */
  public static java.util.concurrent.CompletableFuture<RenderedBatch> renderAsync(Dataset d,
      long seed, long[] indices, Outputs out, DepthEncoding enc, BooleanSupplier cancelled,
      boolean wait) {
    int n = indices.length;
    int ib = d.imageBytes();
    int mb = d.maskBytes();
    int db = d.depthBytes(enc);
    boolean teacher = out.depth() && d.teacher() != null;
    // A teacher needs the composite even when the caller does not.
    byte[] images = out.image() || teacher ? new byte[n * ib] : null;
    byte[] masks = out.mask() ? new byte[n * mb] : null;
    byte[] depth = out.depth() && db > 0 ? new byte[n * db] : null;
    SampleInfo[] infos = new SampleInfo[n];
    for (int s = 0; s < n; s++) {
      if (cancelled.getAsBoolean()) {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
      }
      if (images == null && masks == null && depth == null) {
        infos[s] = d.place(seed, indices[s]);
      } else {
        // The arrays are fresh, hence zero: the mask needs no clearing.
        infos[s] = d.render(seed, indices[s], enc, new Compositor.Target(images, s * ib, masks,
            s * mb, depth, s * db, true));
      }
    }
    if (!teacher) {
      return java.util.concurrent.CompletableFuture.completedFuture(
          new RenderedBatch(indices, images, masks, depth, enc, infos));
    }
    byte[] shownImages = out.image() ? images : null;
    if (wait) {
      return java.util.concurrent.CompletableFuture.completedFuture(
          teacherDepth(d, seed, indices, images, ib, depth, enc, cancelled)
              ? new RenderedBatch(indices, shownImages, masks, depth, enc, infos) : null);
    }
    java.util.List<java.util.concurrent.CompletableFuture<DepthMap>> futures =
        new java.util.ArrayList<>(indices.length);
    for (int s = 0; s < indices.length; s++) {
      futures.add(d.teacher().depth(d, seed, indices[s], images, s * ib));
    }
    return java.util.concurrent.CompletableFuture.allOf(
        futures.toArray(new java.util.concurrent.CompletableFuture<?>[0])).thenApply(v -> {
          for (int s = 0; s < futures.size(); s++) {
            System.arraycopy(futures.get(s).join().encoded(enc), 0, depth, s * db, db);
          }
          return new RenderedBatch(indices, shownImages, masks, depth, enc, infos);
        });
  }

  /** Asks for every sample's depth at once (so they batch), then waits and encodes. */
  private static boolean teacherDepth(Dataset d, long seed, long[] indices, byte[] images, int ib,
      byte[] depth, DepthEncoding enc, BooleanSupplier cancelled) {
    java.util.List<java.util.concurrent.CompletableFuture<DepthMap>> futures =
        new java.util.ArrayList<>(indices.length);
    for (int s = 0; s < indices.length; s++) {
      futures.add(d.teacher().depth(d, seed, indices[s], images, s * ib));
    }
    int db = d.depthBytes(enc);
    for (int s = 0; s < indices.length; s++) {
      DepthMap map;
      while (true) {
        if (cancelled.getAsBoolean()) {
          return false;
        }
        try {
          map = futures.get(s).get(50, java.util.concurrent.TimeUnit.MILLISECONDS);
          break;
        } catch (java.util.concurrent.TimeoutException e) {
          // check for cancellation again
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        } catch (java.util.concurrent.ExecutionException e) {
          throw e.getCause() instanceof RuntimeException re ? re
              : new IllegalStateException(e.getCause());
        }
      }
      System.arraycopy(map.encoded(enc), 0, depth, s * db, db);
    }
    return true;
  }
}
