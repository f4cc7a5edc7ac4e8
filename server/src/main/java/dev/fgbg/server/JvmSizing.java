package dev.fgbg.server;

import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.core.catalog.DatasetCatalog;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.depth.DepthRuntimes;
import dev.fgbg.server.options.ServerOptions;
import dev.fgbg.v1.FolderDatasetConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The JVM a server with these options runs in, sized by what it holds rather than by the
 * machine (a JVM's default heap is a quarter of RAM, which it fills before collecting): the
 * memory budget for rendered bytes and the depth cache's memory tier of each depth model used
 * (half as much again: room for the collector, and for a piece's arrays beside its copy),
 * each dataset's assets (an estimate: every image file decoded at the output size, 16 bytes a
 * pixel with its depth encodings) and resampled-foreground cache, and a fixed part for the
 * transport and the rest. Transport buffers outside the heap hold what the budget charges, so
 * they are not counted twice.
 * {@code ./fgbg serve} runs {@link #main} with the server's flags and starts the server with
 * what it prints; {@code FGBG_JAVA_OPTS} comes after, so an {@code -Xmx} there wins. In a
 * container with a memory limit the default budget and depth cache are first lowered to fit it
 * ({@link ContainerFit}), as the server itself does; when even their floors cannot fit, it
 * prints nothing and the server refuses to start, saying why.
 */
public final class JvmSizing {
  /** The transport's heap, classes, requests, headroom. */
  static final long FIXED_BYTES = 256L << 20;
  /** Bytes a decoded asset pixel takes, with its depth as floats and both encodings. */
  static final long PIXEL_BYTES = 16;

  private JvmSizing() {}

  /** The heap a server with {@code o} needs: its budget, its depth cache, the fixed part. */
  public static long heapBytes(ServerOptions o) {
    return heapBytes(o, o.load().memoryBudgetBytes(), o.depth().memoryBytes());
  }

  /**
   * As {@link #heapBytes(ServerOptions)} with a budget of {@code budgetBytes} and a depth cache
   * of {@code depthCacheBytes} for each depth model (every model has its own).
   */
  static long heapBytes(ServerOptions o, long budgetBytes, long depthCacheBytes) {
    BuiltinConfig b = o.builtin();
    long datasets = dataset(b.backgrounds() + b.foregrounds(), (long) b.height() * b.width());
    for (FolderDatasetConfig f : o.datasets()) {
      int[] hw = DatasetCatalog.size(f.getSize().isEmpty() ? "224" : f.getSize());
      datasets += dataset(files(f.getBg()) + files(f.getFg()) + files(f.getFgMasks()),
          (long) hw[0] * hw[1]);
    }
    long held = budgetBytes + depthModels(o) * depthCacheBytes;
    return held + held / 2 + datasets + FIXED_BYTES;
  }

  /** A dataset of {@code images} at {@code pixels}: its assets and resampled foregrounds. */
  private static long dataset(long images, long pixels) {
    long assets = images * pixels * PIXEL_BYTES;
    return assets + Math.min(Dataset.DEFAULT_SCALED_CACHE_BYTES, assets);
  }

  private static long files(String folder) {
    if (folder.isEmpty()) {
      return 0;
    }
    try (Stream<Path> all = Files.walk(Path.of(folder))) {
      return all.filter(Files::isRegularFile).count();
    } catch (IOException | UncheckedIOException e) {
      return 0; // the server names what is wrong with the folder
    }
  }

  /**
   * What to tell the user when a heap of {@code maxHeapBytes} (an {@code -Xmx} given by hand, a
   * plain {@code java -jar}) is well below what {@code o} holds at full load, or null when it
   * is not: the server would then run out of memory under load and exit.
   */
  public static String shortfall(ServerOptions o, long maxHeapBytes) {
    long need = heapBytes(o);
    if (maxHeapBytes >= need - need / 10) { // a JVM reports a little less than its -Xmx
      return null;
    }
    return String.format(Locale.ROOT, "the JVM's heap is %d MiB, but this server's settings "
        + "take about %d MiB at full load (memory budget %d MiB%s, half as much again, the "
        + "datasets' images and %d MiB); under load it may run out of memory and exit: give "
        + "-Xmx%dm (./fgbg serve sizes the heap itself), or lower --memory-budget-mb%s",
        maxHeapBytes >> 20, need >> 20, o.load().memoryBudgetBytes() >> 20,
        usesDepthModel(o) ? " and depth cache " + (o.depth().memoryBytes() >> 20) + " MiB" : "",
        FIXED_BYTES >> 20, need >> 20, usesDepthModel(o) ? " or --depth-cache-mb" : "");
  }

  /** The JVM flags for {@code o}. */
  public static List<String> flags(ServerOptions o) {
    return flags(o, ContainerMemory.NONE);
  }

  /** The JVM flags for {@code o} in a container of {@code limitBytes}. */
  static List<String> flags(ServerOptions o, long limitBytes) {
    return List.of(String.format(Locale.ROOT, "-Xmx%dm",
        ContainerFit.heapBytes(o, limitBytes) >> 20));
  }

  static boolean usesDepthModel(ServerOptions o) {
    return depthModels(o) > 0;
  }

  /**
   * The depth models {@code o} loads: one per (model, weights) by {@link DepthRuntimes#key}, so
   * one model written two ways ({@code models/x}, {@code /abs/models/x}) counts once.
   */
  static int depthModels(ServerOptions o) {
    Set<String> models = new HashSet<>();
    if (!o.builtin().depthModel().isEmpty()) {
      models.add(DepthRuntimes.key(o.builtin().depthModel(), o.builtin().depthWeights()));
    }
    for (FolderDatasetConfig d : o.datasets()) {
      if (!d.getDepthModel().isEmpty()) {
        models.add(DepthRuntimes.key(d.getDepthModel(), d.getDepthWeights()));
      }
    }
    return models.size();
  }

  /**
   * Prints the JVM flags for the {@code fgbg serve} flags {@code args}, one line; prints nothing
   * when they are bad or the container refuses them (the server then says what is wrong, by the
   * same rule, {@link ContainerFit#refusal}, whatever its heap).
   */
  public static void main(String[] args) {
    String line = line(ContainerMemory.limitBytes(), args);
    if (line != null) {
      System.out.println(line);
    }
  }

  /** What {@link #main} prints in a container of {@code limitBytes}, or null: nothing. */
  static String line(long limitBytes, String... args) {
    try {
      ServerOptions o = Main.options(Long.MAX_VALUE, limitBytes, args);
      return String.join(" ", flags(o, limitBytes));
    } catch (RuntimeException e) {
      return null; // the server itself reports bad flags, naming them
    }
  }
}
