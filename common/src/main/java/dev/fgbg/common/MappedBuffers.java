package dev.fgbg.common;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/**
 * Unmaps a mapped buffer now rather than when it is collected: a ring's shared memory is given
 * back to the system (and to the budget) when its stream ends, not at some later GC. Uses
 * {@code sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported, open to everyone); without it,
 * the mapping is left to the collector. The caller must never touch the buffer again.
 */
public final class MappedBuffers {
  private static final MethodHandle INVOKE_CLEANER = find();

  private MappedBuffers() {}

  private static MethodHandle find() {
    try {
      Class<?> unsafe = Class.forName("sun.misc.Unsafe");
      Field f = unsafe.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      return MethodHandles.lookup().findVirtual(unsafe, "invokeCleaner",
          MethodType.methodType(void.class, ByteBuffer.class)).bindTo(f.get(null));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  public static void unmap(ByteBuffer mapped) {
    if (INVOKE_CLEANER == null) {
      return;
    }
    try {
      INVOKE_CLEANER.invokeExact(mapped);
    } catch (Throwable e) {
      throw new IllegalStateException("unmapping a shared-memory ring failed", e);
    }
  }
}
