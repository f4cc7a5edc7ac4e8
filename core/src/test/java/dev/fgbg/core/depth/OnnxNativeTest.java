package dev.fgbg.core.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The refusals when ONNX Runtime's native library cannot be loaded, in words (the real path,
 * a server process with a read-only java.io.tmpdir: the server's ReadOnlyPodStartUpTest).
 */
class OnnxNativeTest {
  @Test
  void anUnpackFailureNamesTmpdirAndTheFixAndAnyOtherIsOneLineToo() {
    ExceptionInInitializerError unpack = new ExceptionInInitializerError(new RuntimeException(
        "Failed to load onnx-runtime library", new FileSystemException("/tmp/onnxruntime-java1",
            null, "Read-only file system")));
    assertEquals("ONNX Runtime cannot unpack its native libraries into java.io.tmpdir /tmp "
        + "(read-only file system): a depth model needs about 30 MB writable there; give the "
        + "server a writable folder with FGBG_JAVA_OPTS=-Djava.io.tmpdir=DIR (in a pod, an "
        + "emptyDir mounted at /tmp)", OnnxNative.refusal(unpack, "/tmp").getMessage());
    UnsatisfiedLinkError link = new UnsatisfiedLinkError("/tmp/x/libonnxruntime.so: failed to "
        + "map segment from shared object");
    assertEquals("ONNX Runtime's native library cannot be loaded (/tmp/x/libonnxruntime.so: "
        + "failed to map segment from shared object): it is unpacked into java.io.tmpdir /tmp, "
        + "which must be writable and not mounted noexec (FGBG_JAVA_OPTS=-Djava.io.tmpdir=DIR),"
        + " on Linux x86-64 or aarch64 with glibc", OnnxNative.refusal(link, "/tmp")
        .getMessage());
    NoClassDefFoundError again = new NoClassDefFoundError("Could not initialize the class");
    assertEquals("ONNX Runtime's native library cannot be loaded (it failed to load earlier in "
        + "this process): it is unpacked into java.io.tmpdir /tmp, which must be writable and "
        + "not mounted noexec (FGBG_JAVA_OPTS=-Djava.io.tmpdir=DIR), on Linux x86-64 or aarch64"
        + " with glibc", OnnxNative.refusal(again, "/tmp").getMessage());
  }
  /**
   * A full java.io.tmpdir: the runtime logs its failed unpack and then fails to load the library
   * from java.library.path, an error without a word of space. The refusal names the free space
   * (of a real folder, the check stubbed to a full disk's figure), and the runtime's record of
   * the unpack, a WARNING with a trace, becomes a FINE line.
   */
  @Test
  void aFullTmpdirIsNamedAsFullAndTheRuntimesUnpackTraceIsKeptOutOfTheLog(@TempDir Path tmp) {
    UnsatisfiedLinkError link = new UnsatisfiedLinkError("no onnxruntime in java.library.path: "
        + "/usr/java/packages/lib:/usr/lib64:/lib64:/lib:/usr/lib");
    String full = OnnxNative.refusal(link, tmp.toString(), p -> {
      assertEquals(tmp, p);
      return 3_400_000;
    }).getMessage();
    assertEquals("ONNX Runtime cannot unpack its native libraries into java.io.tmpdir " + tmp
        + ": it has only 3.4 MB free, and the runtime unpacks about 28.6 MB there; free some "
        + "space there or give the server another folder with "
        + "FGBG_JAVA_OPTS=-Djava.io.tmpdir=DIR (in a pod, an emptyDir mounted at /tmp)", full);
    // Room enough (or a folder that cannot be told): the other causes, as before.
    assertTrue(OnnxNative.refusal(link, tmp.toString(), p -> 1L << 30).getMessage()
        .startsWith("ONNX Runtime's native library cannot be loaded (no onnxruntime in "));
    assertTrue(OnnxNative.refusal(link, tmp.resolve("none").toString()).getMessage()
        .startsWith("ONNX Runtime's native library cannot be loaded"));

    Logger ort = Logger.getLogger(OnnxUnpackLog.ORT);
    List<LogRecord> seen = new ArrayList<>();
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        seen.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    OnnxUnpackLog.install();
    ort.addHandler(h);
    boolean parents = ort.getUseParentHandlers();
    ort.setUseParentHandlers(false);
    LogRecord unpack = new LogRecord(Level.WARNING, "Failed to extract library "
        + "'libonnxruntime.so' from the resources");
    unpack.setThrown(new IOException("No space left on device"));
    LogRecord other = new LogRecord(Level.WARNING, "something else");
    try {
      ort.log(unpack);
      ort.log(other);
    } finally {
      ort.removeHandler(h);
      ort.setUseParentHandlers(parents);
    }
    assertEquals(List.of(other), seen, "the unpack failure is the refusal's to say");
  }
}
