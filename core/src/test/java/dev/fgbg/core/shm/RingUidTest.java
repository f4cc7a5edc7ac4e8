package dev.fgbg.core.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.security.auth.module.UnixSystem;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's uid comes from the kernel's status file, not from the JDK's UnixSystem, which
 * says 0 for a uid with no passwd entry (a pod's runAsUser: 10001), so that such a server
 * refused its own user's rings as "owned by uid 10001, not by the server's uid 0".
 */
class RingUidTest {
  @TempDir
  Path dir;

  @Test
  void theEffectiveUidOfTheStatusFileIsTaken() throws Exception {
    Path status = dir.resolve("status");
    Files.writeString(status, "Name:\tjava\nUmask:\t0022\nState:\tR (running)\n"
        + "Uid:\t1000\t10001\t10001\t10001\nGid:\t10001\t10001\t10001\t10001\n");
    assertEquals(10001, RingChecks.uid(status), "the effective uid, the owner of its files");
  }

  @Test
  void theProcessUidIsTheOneInItsOwnStatus() throws Exception {
    String line = Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
    assertEquals(Long.parseLong(line.split("\\s+")[2]), RingChecks.UID);
  }

  @Test
  void aUidWithoutAPasswdEntryIsItself() throws Exception {
    // As root (CI runs the suite so, as RingOwnerTest says), a JVM started as uid 10001, which
    // has no passwd entry here, as a pod's runAsUser: UnixSystem said 0 for it.
    assertEquals(0, RingChecks.UID, "run the suite as root, as CI does: only root can take "
        + "another uid");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> path = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry);
      if (Files.isDirectory(p)) {
        path.add(entry); // the module's classes, under the checkout
      } else if (Files.isRegularFile(p)) { // a jar in a local repository uid 10001 may not read
        Path copy = Files.copy(p, dir.resolve(path.size() + "-" + p.getFileName()));
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
        path.add(copy.toString());
      }
    }
    Process java = new ProcessBuilder("setpriv", "--reuid", "10001", "--regid", "10001",
        "--clear-groups", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", String.join(File.pathSeparator, path), RingUidProbe.class.getName())
        .redirectErrorStream(true).start();
    String out = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    java.waitFor(60, TimeUnit.SECONDS);
    assertEquals("10001", out.strip(), out);
  }

  @Test
  void withoutAStatusFileItIsGetuid() {
    assertEquals(new UnixSystem().getUid(), RingChecks.uid(dir.resolve("none")));
  }
}
