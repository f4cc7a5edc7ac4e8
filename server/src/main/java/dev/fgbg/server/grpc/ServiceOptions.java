package dev.fgbg.server.grpc;

import com.github.benmanes.caffeine.cache.Ticker;
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
 * @param tokens the bearer tokens callers must present ({@link AccessTokens#NONE}: none)
 * @param reflection whether server reflection (v1 and v1alpha) is served
 */
public record ServiceOptions(int window, Path exportRoot, Ticker ticker, LoadOptions load,
    AccessTokens tokens, boolean reflection) {

  public ServiceOptions {
    if (window < 1) {
      throw new IllegalArgumentException("window must be at least 1, got " + window);
    }
    Objects.requireNonNull(ticker, "ticker");
    Objects.requireNonNull(load, "load");
    Objects.requireNonNull(tokens, "tokens");
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds {@link ServiceOptions}; defaults: window 4, export root ./exports, system ticker, the
   * default {@link LoadOptions}, no tokens, reflection on.
   */
  public static final class Builder {
    private int window = 4;
    private Path exportRoot = Path.of("exports");
    private Ticker ticker = Ticker.systemTicker();
    private LoadOptions load = LoadOptions.builder().build();
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

    public Builder tokens(AccessTokens tokens) {
      this.tokens = Objects.requireNonNull(tokens, "tokens");
      return this;
    }

    public Builder reflection(boolean reflection) {
      this.reflection = reflection;
      return this;
    }

    public ServiceOptions build() {
      return new ServiceOptions(window, exportRoot, ticker, load, tokens, reflection);
    }
  }
}
