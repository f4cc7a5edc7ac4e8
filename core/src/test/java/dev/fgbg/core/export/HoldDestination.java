package dev.fgbg.core.export;

import java.nio.file.Path;

/**
 * Another server's export, for {@link DestinationLockTest}: a separate process that takes the
 * lock of destination {@code args[1]} under export root {@code args[0]}, says "held", and keeps
 * it until its standard input closes.
 */
public final class HoldDestination {
  private HoldDestination() {}

  public static void main(String[] args) throws Exception {
    ExportRoot root = new ExportRoot(Path.of(args[0]));
    try (ConfinedFolder top = ConfinedFolder.open(root.path());
         DestinationLock lock = DestinationLock.acquire(top, root, root.resolve(args[1]),
             args[1])) {
      System.out.println("held");
      System.out.flush();
      while (System.in.read() >= 0) {
        // held until the test lets go
      }
    }
  }
}
