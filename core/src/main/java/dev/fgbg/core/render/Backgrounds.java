package dev.fgbg.core.render;

import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.SampleInfo;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The backgrounds of a batch, each distinct one once: {@code ids[r]} is row {@code r}'s
 * background (in order of first use), {@code rows[s]} sample {@code s}'s row, {@code pixels}
 * B×H×W×3 and {@code depth} B×H×W in the batch's depth encoding (null when not asked for).
 * Arrays are never written once made.
 */
public record Backgrounds(int[] rows, int[] ids, byte[] pixels, byte[] depth) {

  /** How many distinct backgrounds. */
  public int count() {
    return ids.length;
  }

  /**
   * The backgrounds of {@code infos}' samples as {@code shape} asks for them (null when it asks
   * for none); a teacher's background depth completes the future later.
   */
  public static CompletableFuture<Backgrounds> of(BatchShape shape, SampleInfo[] infos) {
    if (!shape.outputs().backgrounds()) {
      return CompletableFuture.completedFuture(null);
    }
    Dataset d = shape.dataset();
    int[] rows = new int[infos.length];
    int[] ids = new int[infos.length];
    Map<Integer, Integer> rowOf = new HashMap<>(); // a batch has few; a dataset may have many
    for (int s = 0; s < infos.length; s++) {
      int bg = infos[s].bg();
      rows[s] = rowOf.computeIfAbsent(bg, k -> {
        ids[rowOf.size()] = k;
        return rowOf.size();
      });
    }
    int[] distinct = Arrays.copyOf(ids, rowOf.size());
    byte[] pixels = shape.outputs().background() ? copies(distinct, d.imageBytes(),
        r -> CompletableFuture.completedFuture(d.backgroundRgb(r))).join() : null;
    int db = (int) shape.delivered(SampleArray.BACKGROUND_DEPTH);
    CompletableFuture<byte[]> depth = db > 0
        ? copies(distinct, db, bg -> d.backgroundDepth(bg, shape.encoding()))
        : CompletableFuture.completedFuture(null);
    return depth.thenApply(dep -> new Backgrounds(rows, distinct, pixels, dep));
  }

  private interface Source {
    CompletableFuture<byte[]> of(int bg);
  }

  /** Each background's array from {@code source}, one after another in one array. */
  private static CompletableFuture<byte[]> copies(int[] ids, int bytes, Source source) {
    @SuppressWarnings("unchecked")
    CompletableFuture<byte[]>[] parts = new CompletableFuture[ids.length];
    for (int r = 0; r < ids.length; r++) {
      parts[r] = source.of(ids[r]);
    }
    return CompletableFuture.allOf(parts).thenApply(v -> {
      byte[] out = new byte[ids.length * bytes];
      for (int r = 0; r < ids.length; r++) {
        System.arraycopy(parts[r].join(), 0, out, r * bytes, bytes);
      }
      return out;
    });
  }
}
