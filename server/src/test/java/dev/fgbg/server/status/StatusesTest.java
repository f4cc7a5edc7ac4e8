package dev.fgbg.server.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class StatusesTest {
  @Test
  void mapsEachReason() {
    assertEquals(Status.Code.INVALID_ARGUMENT, code(FgbgException.invalidArgument("x")));
    assertEquals(Status.Code.NOT_FOUND, code(FgbgException.notFound("x")));
    assertEquals(Status.Code.FAILED_PRECONDITION, code(FgbgException.failedPrecondition("x")));
    assertEquals(Status.Code.PERMISSION_DENIED,
        code(new FgbgException(FgbgException.Reason.PERMISSION_DENIED, "x")));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED,
        code(new FgbgException(FgbgException.Reason.RESOURCE_EXHAUSTED, "x")));
    assertEquals(Status.Code.INVALID_ARGUMENT,
        code(new CompletionException(FgbgException.invalidArgument("wrapped"))));
  }

  @Test
  void aLongMessageIsCutToFitAHeader() {
    String m = Statuses.toStatus(FgbgException.notFound("x".repeat(1 << 20))).getStatus()
        .getDescription();
    assertEquals(Statuses.MAX_MESSAGE + "… (1048576 characters)".length(), m.length());
    assertTrue(m.endsWith("x… (1048576 characters)"), m);
  }

  @Test
  void keepsTheMessageAndHidesInternals() {
    assertEquals("batch_size 0 bad",
        Statuses.toStatus(FgbgException.invalidArgument("batch_size 0 bad")).getStatus()
            .getDescription());
    Status internal = Statuses.toStatus(new NullPointerException("secret detail")).getStatus();
    assertEquals(Status.Code.INTERNAL, internal.getCode());
    assertTrue(internal.getDescription().startsWith("internal error (server log ref "));
    assertFalse(internal.getDescription().contains("secret detail"));
    assertEquals(null, internal.getCause(), "no stack trace travels");
  }

  @Test
  void orErrorEndsTheCallWithTheStatusOfWhatTheHandlerThrows() {
    List<Throwable> errors = new ArrayList<>();
    StreamObserver<Object> call = new StreamObserver<>() {
      @Override
      public void onNext(Object value) {}

      @Override
      public void onError(Throwable t) {
        errors.add(t);
      }

      @Override
      public void onCompleted() {}
    };
    Statuses.orError(call, () -> { });
    assertTrue(errors.isEmpty(), "a handler that returns ends nothing");
    Statuses.orError(call, () -> {
      throw FgbgException.notFound("no dataset 'x'");
    });
    assertEquals(1, errors.size());
    Status s = Status.fromThrowable(errors.get(0));
    assertEquals(Status.Code.NOT_FOUND, s.getCode());
    assertEquals("no dataset 'x'", s.getDescription());
  }

  @Test
  void theServerMadeStatusesKeepTheWordsClientsRead() {
    Status down = Statuses.shuttingDown().getStatus();
    assertEquals(Status.Code.UNAVAILABLE, down.getCode());
    assertTrue(down.getDescription().startsWith("the server is shutting down"));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, Statuses.expiredInQueue().getStatus().getCode());
    assertEquals(Status.Code.CANCELLED, Statuses.exportCancelled().getStatus().getCode());
    assertEquals(Status.Code.UNAVAILABLE, Statuses.stopping().getCode());
  }

  private static Status.Code code(Throwable t) {
    return Statuses.toStatus(t).getStatus().getCode();
  }
}
