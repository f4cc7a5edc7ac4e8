package dev.fgbg.core.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

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
}
