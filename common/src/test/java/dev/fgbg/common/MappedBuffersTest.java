package dev.fgbg.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM without sun.misc.Unsafe.invokeCleaner, or one that refuses it
 * (--sun-misc-unsafe-memory-access=deny), leaves a mapping to the collector: the buffer stays
 * mapped and readable, and unmap neither fails nor throws.
 */
class MappedBuffersTest {
  @Test
  void withoutInvokeCleanerTheMappingIsLeftToTheCollector(@TempDir Path dir) throws Exception {
    MethodHandle missing = MappedBuffers.find("no.such.Unsafe");
    assertNull(missing);
    MappedByteBuffer m = mapped(dir.resolve("ring"));
    MappedBuffers.unmap(m, missing);
    assertEquals(42, m.get(7), "still mapped");
  }

  @Test
  void aRefusedInvokeCleanerLeavesTheMappingToTheCollector(@TempDir Path dir) throws Exception {
    // What invokeCleaner does under --sun-misc-unsafe-memory-access=deny.
    MethodHandle refused = MethodHandles.dropArguments(MethodHandles.throwException(void.class,
        UnsupportedOperationException.class).bindTo(new UnsupportedOperationException(
            "sun.misc.Unsafe.invokeCleaner not supported")), 0, ByteBuffer.class);
    MappedByteBuffer m = mapped(dir.resolve("ring"));
    MappedBuffers.unmap(m, refused);
    assertEquals(42, m.get(7), "still mapped");
  }

  private static MappedByteBuffer mapped(Path file) throws Exception {
    byte[] bytes = new byte[16];
    bytes[7] = 42;
    Files.write(file, bytes);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return ch.map(FileChannel.MapMode.READ_ONLY, 0, bytes.length);
    }
  }
}
