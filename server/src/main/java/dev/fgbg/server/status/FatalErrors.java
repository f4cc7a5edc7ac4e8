package dev.fgbg.server.status;

import dev.fgbg.common.Causes;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * An OutOfMemoryError ends the process (exit code 3, as the JVM's own
 * {@code -XX:+ExitOnOutOfMemoryError}), so that a supervisor restarts a clean server rather than
 * one that lingers half-broken. It is caught where our code sees it: in {@link Statuses} (renders,
 * depth and caches fail futures with it), in call handlers (this interceptor) and in threads that
 * die of it ({@link #install()}). The launcher also passes {@code -XX:+ExitOnOutOfMemoryError}.
 *
 * <p>So does a class of the server's that cannot be loaded or linked (a NoClassDefFoundError, a
 * ClassFormatError, a NoSuchMethodError) escaping a call: the jars changed under the running
 * process (rebuilt in place), and every call that needs a class not loaded yet would fail while
 * health still said SERVING. Not the native-library errors a depth model refuses in words
 * (UnsatisfiedLinkError, a failed static initialiser, wrapped into an FgbgException first).
 */
public final class FatalErrors {
  public static final int EXIT_CODE = 3;

  private static final Logger LOG = Logger.getLogger(FatalErrors.class.getName());
  private static volatile Consumer<Error> handler = FatalErrors::halt;
  /**
   * Built before any memory runs out, for when the full line cannot be: bytes written straight
   * to the descriptor (a PrintStream may need memory to print even a constant).
   */
  private static final byte[] OOM_LINE = ("fgbg: fatal: " + OutOfMemoryError.class.getName()
      + "; exiting (code " + EXIT_CODE + ")\n").getBytes(StandardCharsets.UTF_8);
  private static final FileOutputStream STDERR = new FileOutputStream(FileDescriptor.err);

  private FatalErrors() {}

  /** Makes threads that die of an OutOfMemoryError or a code change end the process too. */
  public static void install() {
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
      check(e);
      if (previous != null) {
        previous.uncaughtException(t, e);
      } else {
        System.err.print("Exception in thread \"" + t.getName() + "\" ");
        e.printStackTrace();
      }
    });
  }

  /** Replaces what happens on a fatal error (tests); returns the previous handler. */
  static Consumer<Error> handler(Consumer<Error> h) {
    Consumer<Error> old = handler;
    handler = h;
    return old;
  }

  /**
   * Ends the process if {@code t} or one of its causes is an OutOfMemoryError, or if {@code t}
   * (under a future's wrappers only: a cause of our own exceptions was handled) is a class that
   * cannot be loaded.
   */
  public static void check(Throwable t) {
    for (Throwable e : Causes.chain(t)) {
      if (e instanceof OutOfMemoryError oom) {
        handler.accept(oom);
        return;
      }
    }
    Throwable e = t;
    for (Throwable c : Causes.chain(t)) {
      e = c;
      if (!(c instanceof CompletionException || c instanceof ExecutionException)) {
        break;
      }
    }
    if (e instanceof LinkageError linkage && codeChanged(linkage)) {
      handler.accept(linkage);
    }
  }

  /**
   * A class of the process's own that cannot be found or linked; not a native library that will
   * not load, nor a static initialiser that failed (then "Could not initialize class" later).
   */
  private static boolean codeChanged(LinkageError e) {
    if (e instanceof UnsatisfiedLinkError || e instanceof ExceptionInInitializerError) {
      return false;
    }
    String message = e.getMessage();
    return message == null || !message.startsWith("Could not initialize class");
  }

  private static void halt(Error e) {
    if (e instanceof LinkageError) {
      try {
        LOG.severe("fatal: " + e.getClass().getSimpleName() + " for " + e.getMessage()
            + ": the server's code changed under it (a rebuild of its jars?); restart it."
            + " Exiting (code " + EXIT_CODE + ")");
      } finally {
        Runtime.getRuntime().halt(EXIT_CODE);
      }
    }
    // No logging framework: it may need memory there is none of. Even the line may not fit
    // (a string to build): the halt comes whatever happens to it.
    try {
      System.err.println("fgbg: fatal: " + e + "; exiting (code " + EXIT_CODE
          + ") so that a supervisor can restart the server");
    } catch (Throwable ignored) {
      try {
        STDERR.write(OOM_LINE);
      } catch (Throwable alsoIgnored) {
        // nothing more can be said
      }
    } finally {
      Runtime.getRuntime().halt(EXIT_CODE);
    }
  }

  /** Catches an OutOfMemoryError or a code change thrown out of a call's handler code. */
  public static ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        return new Guarded<>(guarded(() -> next.startCall(call, headers)));
      }
    };
  }

  private static <T> T guarded(Supplier<T> body) {
    try {
      return body.get();
    } catch (OutOfMemoryError | LinkageError e) {
      check(e);
      throw e;
    }
  }

  private static void guard(Runnable body) {
    try {
      body.run();
    } catch (OutOfMemoryError | LinkageError e) {
      check(e);
      throw e;
    }
  }

  private static final class Guarded<Q> extends SimpleForwardingServerCallListener<Q> {
    Guarded(ServerCall.Listener<Q> delegate) {
      super(delegate);
    }

    @Override
    public void onMessage(Q message) {
      guard(() -> super.onMessage(message));
    }

    @Override
    public void onHalfClose() {
      guard(super::onHalfClose);
    }

    @Override
    public void onCancel() {
      guard(super::onCancel);
    }

    @Override
    public void onComplete() {
      guard(super::onComplete);
    }

    @Override
    public void onReady() {
      guard(super::onReady);
    }
  }
}
