package dev.fgbg.core.export;

import dev.fgbg.core.concurrent.NamedThreads;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Two render workers for a test class's exports, started before its tests and stopped after:
 * {@code @RegisterExtension static final WorkerPool POOL = new WorkerPool();}, then
 * {@code POOL.get()}.
 */
final class WorkerPool implements BeforeAllCallback, AfterAllCallback {
  private ExecutorService pool;

  @Override
  public void beforeAll(ExtensionContext context) {
    pool = NamedThreads.fixedPool("test-worker", 2);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    pool.shutdownNow();
  }

  ExecutorService get() {
    return pool;
  }
}
