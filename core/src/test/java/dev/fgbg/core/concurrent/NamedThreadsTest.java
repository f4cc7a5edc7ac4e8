package dev.fgbg.core.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class NamedThreadsTest {
  /** Recursion deep enough to overflow a default 1 MB stack, not a 64 MB one. */
  private static int depth(int n) {
    byte[] pad = new byte[64];
    return n == 0 ? pad.length - 64 : 1 + depth(n - 1) + pad[0];
  }

  @Test
  void onLargeStackRunsThereAndHandsBackTheResultOrTheFailure() {
    assertEquals("fgbg-big", NamedThreads.onLargeStack("fgbg-big", 1 << 20,
        () -> Thread.currentThread().getName()));
    assertEquals(200_000, NamedThreads.onLargeStack("deep", 256L << 20, () -> depth(200_000)));
    IllegalStateException boom = new IllegalStateException("boom");
    assertSame(boom, assertThrows(IllegalStateException.class,
        () -> NamedThreads.onLargeStack("x", 1 << 20, () -> {
          throw boom;
        })));
    // An Error (a native library's static initialiser) reaches the caller too, not null.
    ExceptionInInitializerError init = new ExceptionInInitializerError("native");
    assertSame(init, assertThrows(ExceptionInInitializerError.class,
        () -> NamedThreads.onLargeStack("y", 1 << 20, () -> {
          throw init;
        })));
  }
}
