package dev.fgbg.server.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where an OutOfMemoryError is noticed (the process exit itself is {@code ProcessFaultTest}'s).
 */
class FatalErrorsTest {
  private final AtomicReference<OutOfMemoryError> seen = new AtomicReference<>();
  private Consumer<OutOfMemoryError> previous;

  @BeforeEach
  void record() {
    previous = FatalErrors.handler(seen::set);
  }

  @AfterEach
  void restore() {
    FatalErrors.handler(previous);
  }

  @Test
  void anOutOfMemoryErrorInsideAFailedFutureIsFatal() {
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
    FatalErrors.check(new IllegalStateException(new ExecutionException(oom)));
    assertSame(oom, seen.get());
  }

  @Test
  void statusesDoNotTurnItIntoAStatusQuietly() {
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
    Statuses.toStatus(new CompletionException(oom));
    assertSame(oom, seen.get());
  }

  @Test
  void otherFailuresAreNot() {
    FatalErrors.check(new CompletionException(new IllegalArgumentException("bad")));
    FatalErrors.check(null);
    assertNull(seen.get());
    assertEquals(3, FatalErrors.EXIT_CODE);
  }
}
