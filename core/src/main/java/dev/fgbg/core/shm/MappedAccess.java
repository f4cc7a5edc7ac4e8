package dev.fgbg.core.shm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Accesses to memory mapped from a file another process owns. If that process shrinks the file,
 * touching a page past its end raises SIGBUS; HotSpot turns it into an InternalError that is
 * thrown asynchronously: not at the access, but when the thread next returns from the VM, which
 * may be anywhere later in the thread (a render worker's next task). {@link #run} forces that
 * return right after the access — a multi-dimensional array whose size the compiler cannot know
 * is allocated by a call into the VM in the interpreter and in both compilers — so the error is
 * thrown inside it and becomes the caller's exception. SharedRingTest's race test pins this.
 */
final class MappedAccess {
  private static volatile int one = 1;
  private static volatile Object sink;

  private MappedAccess() {}

  /** Runs {@code access}; a fault of it throws {@code onFault}'s exception here. */
  static <T> T run(Supplier<T> access, Supplier<RuntimeException> onFault) {
    try {
      T value = access.get();
      sink = new byte[one][0];
      sink = null;
      return value;
    } catch (InternalError e) {
      String m = e.getMessage();
      if (m != null && m.contains("unsafe memory access")) {
        throw onFault.get();
      }
      throw e;
    }
  }

  /**
   * The likely cause of a fault on a ring at {@code path}: a file system with less room than a
   * slot (a page of the client's sparse file could not be had), else the client.
   */
  static String cause(Path path, long slotBytes) {
    long free;
    try {
      free = Files.getFileStore(path).getUsableSpace();
    } catch (IOException | RuntimeException e) {
      free = Long.MAX_VALUE;
    }
    String quoted = RingChecks.quoted(path);
    return free < slotBytes ? "the file system of " + quoted + " is full: the ring's pages "
        + "could not all be had (give /dev/shm more room, or set FGBG_SHM=0)"
        : "a fault reading or writing " + quoted + " (the file shrank or was removed mid-copy, "
        + "by its client or another process)";
  }
}
