package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.common.FileNameEncoding;
import dev.fgbg.core.Fixtures;
import dev.fgbg.v1.ExportFormat;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a server process started in a bare environment says, as real processes: with no locale
 * (env -i, a container's default) the JVM's file-name encoding is ASCII and a UTF-8 file name
 * cannot be read, which it says in one line at start and blames on itself, not on the files;
 * the launcher's locale ({@code ./fgbg}'s utf8_locale) reads them. A low open-files limit is one
 * line naming ulimit -n, a warning or, too low to start, the error.
 */
class StartConditionsTest {
  /** The launcher's own shell functions, run before the server as ./fgbg runs them. */
  private static final Path LAUNCHER = Path.of("..", "fgbg").toAbsolutePath().normalize();

  @TempDir
  Path root;
  Path bg;
  Path fg;

  @BeforeEach
  void utf8Names() {
    // Surefire gives test JVMs LC_ALL=C.UTF-8 (the parent pom), whatever the machine's locale.
    assertTrue(FileNameEncoding.utf8(), "the test JVM itself must write UTF-8 names: run it "
        + "through Maven, whose surefire sets LC_ALL=C.UTF-8");
    bg = root.resolve("données").resolve("bg");
    fg = root.resolve("données").resolve("fg");
    Fixtures.write(Fixtures.rgb(40, 40, 1), bg.resolve("été 1.png"));
    Fixtures.write(Fixtures.disc(20, 20, 0xFF3030), fg.resolve("chaise à bras.png"));
  }

  @Test
  void anAsciiJvmSaysSoOnceAndBlamesItselfNotTheFiles() throws Exception {
    // An ASCII folder holding the UTF-8 names: the folder opens, the files cannot.
    Path asc = root.resolve("asc");
    Files.move(root.resolve("données"), asc);
    Result r = run(ServerJvm.command(List.of(), List.of(), "--builtin-counts", "1:1", "--bg",
        asc.resolve("bg").toString(), "--fg", asc.resolve("fg").toString()));
    assertEquals(2, r.code, r.out);
    assertEquals(1, r.out.lines().filter(l -> l.contains("WARNING")).count(), r.out);
    assertTrue(r.out.contains("WARNING " + Main.class.getName() + ": the JVM's file-name "
        + "encoding is ANSI_X3.4-1968 (no locale set: C/POSIX): non-ASCII file names cannot be read; start "
        + "it with LANG=C.UTF-8"), r.out);
    assertTrue(r.out.contains("??t?? 1.png: cannot be read: this JVM cannot use non-ASCII names"),
        r.out);
    assertFalse(r.out.contains("rename it") || r.out.contains("holds no PNG"), r.out);
    assertFalse(r.out.contains("\tat ") || r.out.contains("Exception"), r.out);
  }

  @Test
  void aNonAsciiPathFlagIsOneLineNamingTheFlagAndTheEncoding() throws Exception {
    Result folder = run(ServerJvm.command(List.of(), List.of(), "--bg", bg.toString(), "--fg",
        fg.toString()));
    assertEquals(2, folder.code, folder.out);
    String error = folder.out.lines().filter(l -> l.startsWith("fgbg: error:")).findFirst()
        .orElseThrow(() -> new AssertionError(folder.out));
    assertTrue(error.startsWith("fgbg: error: --bg " + root + "/donn??es/bg: this JVM cannot "
        + "use non-ASCII names (its file-name encoding is ANSI_X3.4-1968"), error);
    Result export = run(ServerJvm.command(List.of(), List.of(), "--export-root",
        root.resolve("données").toString()));
    assertEquals(2, export.code, export.out);
    assertTrue(export.out.startsWith("fgbg: error: Invalid value for option '--export-root': "
        + root + "/donn??es: this JVM cannot use non-ASCII names"), export.out);
    for (String out : List.of(folder.out, export.out)) {
      assertFalse(out.contains("\tat ") || out.contains("Exception"), out);
    }
  }

  @Test
  void anAsciiServerRefusesANonAsciiExportAsItsOwnFault() throws Exception {
    try (ServerJvm s = ServerJvm.withoutLocale(List.of(), "--builtin-counts", "1:1",
        "--export-root", root.resolve("exports").toString())) {
      ManagedChannel ch = s.channel();
      try {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
            () -> FgbgGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS)
                .export(ExportRequest.newBuilder().setDataset("builtin")
                    .setFormat(ExportFormat.EXPORT_FORMAT_FOLDERS).setDestination("été").build())
                .hasNext());
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertEquals("export destination 'été' cannot be written on this server: this JVM "
            + "cannot use non-ASCII names (its file-name encoding is ANSI_X3.4-1968, no locale set: "
            + "C/POSIX); start it with LANG=C.UTF-8", e.getStatus().getDescription());
      } finally {
        ch.shutdownNow();
      }
    }
  }

  @Test
  void theLaunchersLocaleReadsUtf8Names() throws Exception {
    List<String> launcher = List.of("bash", "-c", "source <(sed -n '/^utf8_locale()/,/^}/p' "
        + LAUNCHER + ") && utf8_locale && exec \"$@\"", "bash");
    try (ServerJvm s = ServerJvm.withoutLocale(launcher, "--builtin-counts", "1:1", "--bg",
        bg.toString(), "--fg", fg.toString())) {
      String log = s.log();
      assertFalse(log.contains("WARNING"), log);
      assertTrue(log.contains("its enlargement: été 1.png 5.6x"), log); // read, and said right
    }
  }

  @Test
  void aLowFileLimitIsOneWarningAndTooLowToStartOneError() throws Exception {
    try (ServerJvm s = ServerJvm.withFileLimit(100, "--builtin-counts", "1:1")) {
      String log = s.log();
      assertEquals(1, log.lines().filter(l -> l.contains("WARNING")).count(), log);
      assertTrue(log.contains("WARNING " + Main.class.getName() + ": the open-files limit "
          + "(ulimit -n) is 100, too low to serve"), log);
    }
    Result low = run(ServerJvm.command(List.of("sh", "-c", "ulimit -n 64 && exec \"$@\"", "sh"),
        List.of(), "--builtin-counts", "1:1"));
    assertEquals(2, low.code, low.out);
    assertTrue(low.out.startsWith("fgbg: error: the open-files limit (ulimit -n) is 64"),
        low.out);
    assertEquals(1, low.out.lines().count(), low.out);
    // The launcher says it before a JVM that could not start at all.
    Result launcher = run(List.of("bash", "-c", "ulimit -n 40 && source <(sed -n "
        + "'/^files_limit()/,/^}/p' " + LAUNCHER + ") && files_limit 96 'the server to start'"
        + " && echo started"));
    assertEquals(2, launcher.code, launcher.out);
    assertEquals("fgbg: error: the open-files limit (ulimit -n) is 40, too low for the server "
        + "to start (at least 96); raise it: ulimit -n 65536, or docker run --ulimit "
        + "nofile=65536", launcher.out.strip());
  }

  private record Result(int code, String out) {}

  /** Runs {@code cmd} to its end with no locale in its environment. */
  private static Result run(List<String> cmd) throws Exception {
    ProcessBuilder pb = ServerJvm.withoutLocale(new ProcessBuilder(new ArrayList<>(cmd)))
        .redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
    return new Result(p.exitValue(), out);
  }
}
