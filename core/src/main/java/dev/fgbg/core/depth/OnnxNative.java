package dev.fgbg.core.depth;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import dev.fgbg.common.Causes;
import dev.fgbg.common.InWords;
import dev.fgbg.core.FgbgException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * ONNX Runtime's environment, its native libraries loaded, or a refusal in one line. The runtime
 * unpacks its libraries (about 28 MB) into java.io.tmpdir and loads them from there on first
 * use; on a read-only root file system (a locked-down pod) that fails inside a static
 * initialiser, an Error that no caller expected: the server printed a 40-line trace and exited
 * 1. The first failure is an ExceptionInInitializerError, every later one a
 * NoClassDefFoundError; a library that unpacked but would not load (a noexec tmpdir, a missing
 * system library) is an UnsatisfiedLinkError.
 */
final class OnnxNative {
  static final String FIX = "FGBG_JAVA_OPTS=-Djava.io.tmpdir=DIR";
  /** Bytes the runtime unpacks (its Linux x86-64 libraries in 1.29: 28.6 MB). */
  static final long UNPACKED_BYTES = 28_600_000L;

  private OnnxNative() {}

  /**
   * The environment; throws {@link FgbgException} (invalid config) naming the fix. The runtime
   * writes its own log lines to standard error, in its own format with terminal colour codes
   * (a file too), which Java cannot route: it logs errors only, so its warnings (the telemetry's
   * "Failed to persist telemetry device ID" under a read-only HOME, among them) stay out of the
   * log, and its telemetry is off. What fails reaches fgbg as an OrtException, said in its words.
   */
  public static OrtEnvironment environment() {
    OnnxUnpackLog.install(); // the refusal below says what the runtime's trace would
    try {
      OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
          "fgbg");
      try {
        env.setTelemetry(false);
      } catch (OrtException e) {
        // telemetry stays as the runtime set it: nothing served depends on it
      }
      return env;
    } catch (ExceptionInInitializerError | NoClassDefFoundError | UnsatisfiedLinkError e) {
      throw refusal(e, System.getProperty("java.io.tmpdir"));
    }
  }

  /** The refusal for {@code e}, raised with {@code tmpdir} as java.io.tmpdir. */
  static FgbgException refusal(Throwable e, String tmpdir) {
    return refusal(e, tmpdir, OnnxNative::usableBytes);
  }

  /**
   * The refusal, {@code usable} telling a folder's free bytes (-1: unknown). A full tmpdir is
   * named as such: the runtime only logs its unpack failure and then fails to load the library
   * from java.library.path, an error that says nothing of space.
   */
  static FgbgException refusal(Throwable e, String tmpdir, ToLongFunction<Path> usable) {
    IOException io = ioCause(e);
    boolean space = io == null || InWords.of(io).toLowerCase(Locale.ROOT).contains("no space");
    long free = space ? usable(usable, tmpdir) : -1;
    if (free >= 0 && free < UNPACKED_BYTES) {
      return FgbgException.invalidConfig("ONNX Runtime cannot unpack its native libraries into "
          + "java.io.tmpdir " + tmpdir + ": it has only " + mb(free) + " free, and the runtime "
          + "unpacks about " + mb(UNPACKED_BYTES) + " there; free some space there or give the "
          + "server another folder with " + FIX + " (in a pod, an emptyDir mounted at /tmp)", e);
    }
    if (io != null) {
      return FgbgException.invalidConfig("ONNX Runtime cannot unpack its native libraries into "
          + "java.io.tmpdir " + tmpdir + " (" + InWords.of(io) + "): a depth model needs about "
          + "30 MB writable there; give the server a writable folder with " + FIX
          + " (in a pod, an emptyDir mounted at /tmp)", e);
    }
    String why = e instanceof NoClassDefFoundError
        ? "it failed to load earlier in this process" : InWords.of(e);
    return FgbgException.invalidConfig("ONNX Runtime's native library cannot be loaded (" + why
        + "): it is unpacked into java.io.tmpdir " + tmpdir + ", which must be writable and "
        + "not mounted noexec (" + FIX + "), on Linux x86-64 or aarch64 with glibc", e);
  }

  private static long usable(ToLongFunction<Path> usable, String tmpdir) {
    try {
      return tmpdir == null ? -1 : usable.applyAsLong(Path.of(tmpdir));
    } catch (InvalidPathException e) {
      return -1;
    }
  }

  /** Free bytes of {@code dir}'s file system; -1 where it cannot be told (no such folder). */
  private static long usableBytes(Path dir) {
    try {
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException | SecurityException e) {
      return -1;
    }
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }

  private static IOException ioCause(Throwable t) {
    return Causes.find(t, IOException.class).orElse(null);
  }
}
