package dev.fgbg.server.flags;

import dev.fgbg.server.options.ServerOptions;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Every flag of {@code fgbg serve}, and the options they make. */
public final class ServeFlags {
  @Option(names = "--port", description = "Port to listen on (0 picks a free one). Default: 50051.")
  int port = 50051;

  @Option(names = "--export-root", description = "The only folder exports may write under "
      + "(created). Default: exports on loopback; beyond loopback exports are off without it.")
  Path exportRoot;

  @Option(names = "--workers", description = "Render threads. Default: the number of cores.")
  int workers = Runtime.getRuntime().availableProcessors();

  @Option(names = "--window",
      description = "Chunks each stream renders ahead. Default: 2 x workers.")
  Integer window;

  @Option(names = "--no-shared-memory", description = "Send every batch over gRPC, even to "
      + "clients on this host that offer a shared-memory ring (/dev/shm).")
  boolean noSharedMemory;

  @Mixin
  BuiltinFlags builtin;

  @Mixin
  FolderFlags folder;

  @Mixin
  DepthFlags depth;

  @Mixin
  SceneFlags scene;

  @Mixin
  LoadFlags load;

  @Mixin
  ExportFlags exports;

  @Mixin
  MetricsFlags metrics;

  @Mixin
  ConnectFlags connect;

  @Mixin
  UiFlags ui;

  /** Whether --memory-budget-mb was given. */
  public boolean budgetGiven() {
    return load.budgetGiven();
  }

  /** Whether --depth-cache-mb was given. */
  public boolean depthCacheGiven() {
    return depth.cacheMb != null;
  }

  /** The validated options for this JVM; a bad value is an exception naming the flag or file. */
  public ServerOptions options() {
    return options(Runtime.getRuntime().maxMemory());
  }

  /** The validated options for a JVM of {@code maxHeapBytes} (sizing the JVM to start). */
  public ServerOptions options(long maxHeapBytes) {
    return options(maxHeapBytes, Long.MAX_VALUE, Long.MAX_VALUE);
  }

  /**
   * As {@link #options(long)}, the default memory budget at most {@code budgetCapBytes} and the
   * default depth cache at most {@code depthCacheCapBytes}.
   */
  public ServerOptions options(long maxHeapBytes, long budgetCapBytes,
      long depthCacheCapBytes) {
    return ui.apply(ServerOptions.builder())
        .port(port)
        .workers(workers)
        .window(window)
        .exportRoot(exportRoot)
        .builtin(builtin.config(depth, scene, folder))
        .datasets(folder.datasets(depth, scene))
        .skipByKey(folder.skipByKey(depth))
        .device(depth.device)
        .depthSessions(depth.sessions())
        .depthCacheBytes(depth.cacheBytes(depthCacheCapBytes))
        .cacheDir(depth.cacheDir)
        .depthStore(depth.depthStore)
        .diskCacheBytes(depth.diskCacheBytes())
        .load(load.options(maxHeapBytes, budgetCapBytes))
        .shutdownGrace(load.shutdownGrace())
        .drainDelay(load.drainDelay())
        .exportLimits(exports.limits())
        .metrics(metrics.host, metrics.port == null ? ServerOptions.METRICS_OFF : metrics.port)
        .sharedMemory(!noSharedMemory)
        .connect(connect.options())
        .build();
  }
}
