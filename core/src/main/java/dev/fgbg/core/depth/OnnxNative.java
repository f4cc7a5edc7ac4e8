package dev.fgbg.core.depth;

import ai.onnxruntime.OrtEnvironment;
import dev.fgbg.common.InWords;
import dev.fgbg.core.FgbgException;
import java.io.IOException;

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

  private OnnxNative() {}

  /** The environment; throws {@link FgbgException} (invalid config) naming the fix. */
  public static OrtEnvironment environment() {
    try {
      return OrtEnvironment.getEnvironment();
    } catch (ExceptionInInitializerError | NoClassDefFoundError | UnsatisfiedLinkError e) {
      throw refusal(e, System.getProperty("java.io.tmpdir"));
    }
  }

  /** The refusal for {@code e}, raised with {@code tmpdir} as java.io.tmpdir. */
  static FgbgException refusal(Throwable e, String tmpdir) {
    IOException io = ioCause(e);
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

  private static IOException ioCause(Throwable t) {
    for (Throwable e = t; e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (e instanceof IOException io) {
        return io;
      }
    }
    return null;
  }
}
