package dev.fgbg.server.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fgbg.core.FgbgException;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.ListDatasetsRequest;
import dev.fgbg.v1.ListDatasetsResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where an OutOfMemoryError or a code change is noticed (the process exit itself is
 * {@code ProcessFaultTest}'s).
 */
class FatalErrorsTest {
  private final AtomicReference<Error> seen = new AtomicReference<>();
  private Consumer<Error> previous;

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

  @Test
  void aClassThatCannotBeLoadedInACallEndsTheProcess() throws Exception {
    // What a call meets once the jar it runs from was rebuilt in place: a class not loaded yet.
    NoClassDefFoundError gone = new NoClassDefFoundError("dev/fgbg/server/rpc/Gone$1");
    FgbgGrpc.FgbgImplBase service = new FgbgGrpc.FgbgImplBase() {
      @Override
      public void listDatasets(ListDatasetsRequest request,
          StreamObserver<ListDatasetsResponse> reply) {
        throw gone;
      }
    };
    Server server = ServerBuilder.forPort(0)
        .addService(ServerInterceptors.intercept(service, FatalErrors.interceptor())).build()
        .start();
    ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", server.getPort(),
        InsecureChannelCredentials.create()).build();
    try {
      assertThrows(StatusRuntimeException.class, () -> FgbgGrpc.newBlockingStub(ch)
          .listDatasets(ListDatasetsRequest.getDefaultInstance()));
      assertSame(gone, seen.get());
    } finally {
      ch.shutdownNow();
      server.shutdownNow();
    }
  }

  @Test
  void aClassThatCannotBeLoadedInAFailedFutureIsFatal() {
    NoClassDefFoundError gone = new NoClassDefFoundError("dev/fgbg/server/BoundedShutdown");
    Statuses.toStatus(new CompletionException(gone));
    assertSame(gone, seen.get());
  }

  @Test
  void nativeLibrariesAndFailedInitialisersRefusedInWordsAreNot() {
    // What a depth model's ONNX Runtime throws where its native library will not load: the
    // refusal (an FgbgException) keeps it as a cause; the server answers it as a status.
    FatalErrors.check(FgbgException.invalidConfig("no ONNX Runtime",
        new NoClassDefFoundError("Could not initialize class OrtEnvironment")));
    FatalErrors.check(new UnsatisfiedLinkError("no onnxruntime in java.library.path"));
    FatalErrors.check(new ExceptionInInitializerError("static"));
    FatalErrors.check(new NoClassDefFoundError("Could not initialize class Depth"));
    assertNull(seen.get());
  }
}
