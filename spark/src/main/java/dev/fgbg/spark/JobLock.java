package dev.fgbg.spark;

import dev.fgbg.core.export.DestinationLock;
import dev.fgbg.core.export.ExportRoot;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The export job's destination lock, the server's {@link DestinationLock}, held by the driver for
 * the whole job, so that a server's export or another job never writes the folder (nor one
 * inside or around it) at once. Its lock files live in the nearest folder above the destination
 * that has {@code .fgbg-locks/} (a server's export root has one from start-up), else in the
 * destination's parent. Only local folders (file://) are locked: other file systems have no
 * file locks.
 */
final class JobLock {
  private JobLock() {}

  /** Takes the lock of destination {@code uri}, refused naming it as the server would. */
  static Closeable take(HadoopStore.Settings settings, String uri) throws IOException {
    URI local = HadoopStore.localFolder(settings, uri);
    if (local == null) {
      return () -> { };
    }
    Path abs = Paths.get(local).toAbsolutePath().normalize();
    Path top = abs.getParent() == null ? abs : abs.getParent();
    for (Path p = top; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve(DestinationLock.LOCKS), LinkOption.NOFOLLOW_LINKS)) {
        top = p;
        break;
      }
    }
    ExportRoot root = new ExportRoot(top);
    DestinationLock lock = DestinationLock.take(root, top.relativize(abs).toString(), uri);
    return lock::close;
  }
}
