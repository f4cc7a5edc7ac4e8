package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.v1.ExportFormat;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export root, or a folder in it, that the server's user cannot write (a root-owned volume,
 * a pod run as another user), on a server process bound by permission bits: each export is
 * FAILED_PRECONDITION naming the destination and the folder, never PERMISSION_DENIED (a token's
 * refusal) naming a temporary file. The server's log line names that file in full, once.
 */
class UnwritableExportRootTest {
  private static final String FIX = "writable by the user the server runs as (e.g. chown -R"
      + " it to that user, or a pod's fsGroup)";

  @TempDir
  Path dir;

  private static void writable(Path p, boolean yes) throws Exception {
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(yes ? "rwxr-xr-x"
        : "r-xr-xr-x"));
  }

  private static Status export(ManagedChannel ch, String dest) {
    ExportRequest r = ExportRequest.newBuilder().setDataset("builtin").setEnd(2)
        .setFormat(ExportFormat.EXPORT_FORMAT_FOLDERS).setDestination(dest).build();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () ->
        FgbgGrpc.newBlockingStub(ch).withDeadlineAfter(120, TimeUnit.SECONDS).export(r)
            .forEachRemaining(p -> { }));
    return e.getStatus();
  }

  private static void assertRefused(String expected, Status s) {
    assertEquals(Status.Code.FAILED_PRECONDITION, s.getCode(), s.toString());
    assertEquals(expected, s.getDescription());
  }

  /**
   * The server's end line of its {@code n}th failed export to {@code dest} names, once and in
   * full, the file the kernel refused ({@code file}, or a name it starts), which the client is
   * not told (a temporary name, or a lock file).
   */
  private static void assertLogged(ServerJvm s, Path root, String dest, int n, Path file)
      throws InterruptedException {
    String line = s.awaitLines("export to '" + dest + "' failed", n).get(n - 1);
    assertTrue(line.contains(" (permission denied on " + file), line);
    // The server's own failure, for its operator: a WARNING (it was INFO), still no trace.
    assertTrue(line.matches(".* WARNING \\S+\\.ExportService: export to '.*"), line);
    assertEquals(line.indexOf(root.toString()), line.lastIndexOf(root.toString()), line);
  }

  @Test
  void anUnwritableRootOrFolderInItIsAFailedPreconditionNamingIt() throws Exception {
    Path root = Files.createDirectories(dir.resolve("exports"));
    Path locks = root.resolve(".fgbg-locks");
    try (ServerJvm s = ServerJvm.boundByPermissions("--export-root", root.toString(),
        "--builtin-size", "16", "--builtin-counts", "1:1")) {
      ManagedChannel ch = s.channel();
      try {
        String start = "export destination 'q' cannot be written: the server's user cannot write"
            + " in ";
        String ofRoot = start + "the export root (--export-root) (permission denied); make it "
            + FIX + ", or serve a folder it can write as --export-root";
        // The lock folder made at start-up, the root then unwritable: the destination's new
        // folder is refused (it was "PERMISSION_DENIED ... writing q (.fgbg-new-<uuid>)").
        writable(root, false);
        assertRefused(ofRoot, export(ch, "q"));
        assertLogged(s, root, "q", 1, root.resolve(".fgbg-new-"));
        // No lock folder either: the same, not the lock folder's name.
        writable(root, true);
        try (Stream<Path> in = Files.list(locks)) {
          for (Path f : in.toList()) {
            Files.delete(f);
          }
        }
        Files.delete(locks);
        writable(root, false);
        assertRefused(ofRoot, export(ch, "q"));
        assertLogged(s, root, "q", 2, root.resolve(".fgbg-new-"));
        // The root writable, its lock folder not (it was "... writing q (guard)").
        writable(root, true);
        writable(Files.createDirectory(locks), false);
        String ofLocks = start + "'.fgbg-locks' in the export root (--export-root), where the"
            + " server keeps its destination locks (permission denied); make it and its files "
            + FIX;
        assertRefused(ofLocks, export(ch, "q"));
        assertLogged(s, root, "q", 3, locks.resolve("guard"));
        // The lock folder writable, its guard file not (left by a server run as another user).
        writable(locks, true);
        Path guard = Files.createFile(locks.resolve("guard"));
        Files.setPosixFilePermissions(guard, PosixFilePermissions.fromString("r--r--r--"));
        assertRefused(ofLocks, export(ch, "q"));
        assertLogged(s, root, "q", 4, locks.resolve("guard"));
        // The root read-only too: the root is the folder to fix, but the log names the file
        // refused where it was (it was "<root>/guard", the root and the refused name joined).
        writable(root, false);
        assertRefused(ofRoot, export(ch, "q"));
        assertLogged(s, root, "q", 5, locks.resolve("guard"));
        writable(root, true);
        // A folder of the destination.
        Files.setPosixFilePermissions(guard, PosixFilePermissions.fromString("rw-r--r--"));
        writable(Files.createDirectories(root.resolve("a/b")), false);
        assertRefused("export destination 'a/b/c' cannot be written: the server's user cannot"
            + " write in its folder 'a/b' in the export root (--export-root) (permission denied);"
            + " make it " + FIX + ", or export elsewhere", export(ch, "a/b/c"));
        // The new folder was refused its move into a/b: named as the folder it was to become.
        assertLogged(s, root, "a/b/c", 1, root.resolve("a/b/c"));
        // A root the server may only read, with a writable lock folder and a writable folder
        // below it, is no working set-up: a new folder is made in the root (.fgbg-new-*) and
        // then moved into place, so naming the root is the truth, not the folder below.
        writable(Files.createDirectories(root.resolve("alice")), true);
        writable(root, false);
        assertRefused("export destination 'alice/run1' cannot be written: the server's user"
            + " cannot write in the export root (--export-root) (permission denied); make it "
            + FIX + ", or serve a folder it can write as --export-root", export(ch, "alice/run1"));
        assertLogged(s, root, "alice/run1", 1, root.resolve(".fgbg-new-"));
        writable(root, true);
        assertFalse(s.log().contains("\tat "), s.log());
      } finally {
        ch.shutdownNow();
        writable(root, true);
      }
    }
  }
}
