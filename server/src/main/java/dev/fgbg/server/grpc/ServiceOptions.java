package dev.fgbg.server.grpc;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.shm.SharedRing;
import dev.fgbg.core.export.ExportLimits;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How the service runs streams and exports. Immutable; the builder rejects a bad value naming
 * the field.
 *
 * @param window chunks each stream renders ahead of what it has sent
 * @param exportRoot the only folder exports may write under; null: exports are off (a server
 *     listening beyond loopback without an explicit {@code --export-root})
 * @param ticker times export progress and rates (the system ticker outside tests)
 * @param load the memory budget, stream caps and admission limits
 * @param exportLimits the per-export and total export quotas
 * @param sharedMemory whether same-host clients' shared-memory rings are accepted
 * @param ringDirectory where those rings must lie ({@code /dev/shm})
 * @param tokens the bearer tokens callers must present ({@link AccessTokens#NONE}: none)
 * @param reflection whether server reflection (v1 and v1alpha) is served
 */
public record ServiceOptions(int window, Path exportRoot, Ticker ticker, LoadOptions load,
    ExportLimits exportLimits, boolean sharedMemory, Path ringDirectory, AccessTokens tokens,
    boolean reflection) {

  public ServiceOptions {
    if (window < 1) {
      throw new IllegalArgumentException("window must be at least 1, got " + window);
    }
    Objects.requireNonNull(ticker, "ticker");
    Objects.requireNonNull(load, "load");
    Objects.requireNonNull(exportLimits, "exportLimits");
    Objects.requireNonNull(ringDirectory, "ringDirectory");
    Objects.requireNonNull(tokens, "tokens");
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds {@link ServiceOptions}; defaults: window 4, export root ./exports, system ticker, the
   * default {@link LoadOptions}, no export quota, shared memory on in
   * {@link SharedRing#DIRECTORY}, no tokens, reflection on.
   */
  public static final class Builder {
    private int window = 4;
    private Path exportRoot = Path.of("exports");
    private Ticker ticker = Ticker.systemTicker();
    private LoadOptions load = LoadOptions.builder().build();
    private boolean sharedMemory = true;
    private Path ringDirectory = SharedRing.DIRECTORY;
    private ExportLimits exportLimits = ExportLimits.NONE;
    private AccessTokens tokens = AccessTokens.NONE;
    private boolean reflection = true;

    private Builder() {}

    public Builder window(int window) {
      if (window < 1) {
        throw new IllegalArgumentException("window must be at least 1, got " + window);
      }
      this.window = window;
      return this;
    }

    /** The export root; null turns exports off. */
    public Builder exportRoot(Path exportRoot) {
      this.exportRoot = exportRoot;
      return this;
    }

    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    public Builder load(LoadOptions load) {
      this.load = Objects.requireNonNull(load, "load");
      return this;
    }

    public Builder sharedMemory(boolean on) {
      this.sharedMemory = on;
      return this;
    }

    public Builder ringDirectory(Path dir) {
      this.ringDirectory = Objects.requireNonNull(dir, "ringDirectory");
      return this;
    }

    public Builder exportLimits(ExportLimits exportLimits) {
      this.exportLimits = Objects.requireNonNull(exportLimits, "exportLimits");
      return this;
    }

    public Builder tokens(AccessTokens tokens) {
      this.tokens = Objects.requireNonNull(tokens, "tokens");
      return this;
    }

    public Builder reflection(boolean reflection) {
      this.reflection = reflection;
      return this;
    }

    public ServiceOptions build() {
      return new ServiceOptions(window, exportRoot, ticker, load, exportLimits, sharedMemory,
          ringDirectory, tokens, reflection);
    }
  }
}
