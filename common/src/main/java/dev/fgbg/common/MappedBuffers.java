package dev.fgbg.common;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/**
 * Unmaps a mapped buffer now rather than when it is collected: a ring's shared memory is given
 * back to the system (and to the budget) when its stream ends, not at some later GC. Uses
 * {@code sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported, open to everyone; Java 24 and
 * later warn once of its use unless started with {@code --sun-misc-unsafe-memory-access=allow}).
 * Where the method is missing, or refused (that option's {@code deny}), the mapping is left to
 * the collector: the same bytes, only given back later. The caller must never touch the buffer
 * again.
 */
public final class MappedBuffers {
  private static final MethodHandle INVOKE_CLEANER = find("sun.misc.Unsafe");

  private MappedBuffers() {}

  /** {@code unsafe}'s invokeCleaner bound to its instance, or null where it has none. */
  static MethodHandle find(String unsafe) {
    try {
      Class<?> c = Class.forName(unsafe);
      Field f = c.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      return MethodHandles.lookup().findVirtual(c, "invokeCleaner",
          MethodType.methodType(void.class, ByteBuffer.class)).bindTo(f.get(null));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  public static void unmap(ByteBuffer mapped) {
    unmap(mapped, INVOKE_CLEANER);
  }

  /** Unmaps {@code mapped} through {@code invokeCleaner}; with none, leaves it to the GC. */
  static void unmap(ByteBuffer mapped, MethodHandle invokeCleaner) {
    if (invokeCleaner == null) {
      return;
    }
    try {
      invokeCleaner.invokeExact(mapped);
    } catch (UnsupportedOperationException e) {
      // Refused (--sun-misc-unsafe-memory-access=deny): the collector unmaps it.
    } catch (Throwable e) {
      throw new IllegalStateException("unmapping a shared-memory ring failed", e);
    }
  }
}
