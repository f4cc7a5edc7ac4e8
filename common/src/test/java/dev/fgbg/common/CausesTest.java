package dev.fgbg.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The cause chain walked once, outermost first, ending at a cycle. */
class CausesTest {
  @Test
  void findsTheOutermostOfATypeAmongTheCauses() {
    AccessDeniedException denied = new AccessDeniedException("/export/.fgbg-new-1");
    FileSystemException wrapper = new FileSystemException("/export");
    wrapper.initCause(denied);
    RuntimeException top = new IllegalStateException(new UncheckedIOException(wrapper));
    assertSame(denied, Causes.find(top, AccessDeniedException.class).orElseThrow());
    assertSame(wrapper, Causes.find(top, FileSystemException.class).orElseThrow(),
        "the outermost, not the deepest");
    assertSame(top, Causes.find(top, RuntimeException.class).orElseThrow(), "itself included");
    assertEquals(Optional.empty(), Causes.find(top, UnknownHostException.class));
    assertEquals(Optional.empty(), Causes.find(null, Throwable.class));
    assertEquals(List.of(top, top.getCause(), wrapper, denied), Causes.chain(top));
  }

  @Test
  void aCycleOfCausesEndsTheWalk() {
    IOException a = new IOException("a");
    IOException b = new IOException("b", a);
    a.initCause(b); // a -> b -> a: Throwable refuses only a cause that is itself
    assertEquals(List.of(a, b), Causes.chain(a));
    assertEquals(Optional.empty(), Causes.find(a, UnknownHostException.class));
    Throwable self = new Throwable() {
      @Override
      public synchronized Throwable getCause() {
        return this; // a subclass may say so
      }
    };
    assertEquals(List.of(self), Causes.chain(self));
  }
}
