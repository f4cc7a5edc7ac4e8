package dev.fgbg.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.common.MetadataLimit;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessTokensTest {
  private static final String A = "0123456789abcdef0123";
  private static final String B = "fedcba9876543210fedc";

  @TempDir
  Path dir;

  @Test
  void namedUnnamedAndExportingTokensWithCommentsAndBlankLines() {
    AccessTokens t = AccessTokens.parse(List.of("# tokens", "", "  alice:" + A + "  export ",
        B, "\t# indented comment"), "f");
    assertTrue(t.required());
    assertEquals(2, t.size());
    assertEquals(Optional.of(new AccessTokens.Holder("alice", true)), t.match(A));
    assertEquals(Optional.of(new AccessTokens.Holder("token on line 4", false)), t.match(B));
    assertEquals(Optional.empty(), t.match(A + "x"));
    assertEquals(Optional.empty(), t.match(A.substring(0, A.length() - 1)));
    assertEquals(Optional.empty(), t.match(""));
    assertFalse(AccessTokens.NONE.required());
    AccessTokens bom = AccessTokens.parse(List.of("\uFEFF" + A, "bob:" + B), "f");
    assertEquals(Optional.of(new AccessTokens.Holder("token on line 1", false)), bom.match(A),
        "a byte-order mark before the first line is not part of its token");
  }

  @Test
  void badLinesFailNamingTheLine() {
    for (String[] c : new String[][] {
        {"alice:" + A + " read", "f line 1: expected [NAME:]TOKEN [export], got 2 words"},
        {A + " export extra", "f line 1: expected [NAME:]TOKEN [export], got 3 words"},
        {"alice:short", "f line 1: a token needs at least 16 characters"},
        {":" + A, "f line 1: the name before ':' is empty"},
        {"a:b:" + A, "f line 1: a token needs at least 16 characters and no ':'"},
        {"bob:" + "\u00e4".repeat(18), "f line 1: a token is printable ASCII"},
        {"bob:abcdabcdabcdabcd", "f line 1: a token needs at least 5 different characters"},
        {"caf\u00e9:" + A, "f line 1: the name 'caf\u00e9' must be 1-64 ASCII letters"},
        {"-x:" + A, "f line 1: the name '-x' must be"},
        {"x".repeat(65) + ":" + A, "f line 1: the name 'xxx"}}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> AccessTokens.parse(List.of(c[0]), "f"));
      assertTrue(e.getMessage().startsWith(c[1]), e.getMessage());
    }
    AccessTokens names = AccessTokens.parse(List.of("alice.smith@example.com:" + A,
        "ci-2_b:" + B), "f");
    assertEquals("alice.smith@example.com", names.match(A).orElseThrow().name());
    assertEquals("f line 2: the name 'x' is used twice", assertThrows(
        IllegalArgumentException.class,
        () -> AccessTokens.parse(List.of("x:" + A, "x:" + B), "f")).getMessage());
    assertEquals("f line 3: this token is listed twice", assertThrows(
        IllegalArgumentException.class,
        () -> AccessTokens.parse(List.of("x:" + A, "", "y:" + A), "f")).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> AccessTokens.parse(List.of("# only a comment"), "f")).getMessage()
        .startsWith("f: no tokens in it"));
  }

  @Test
  void aTokenNoServerCouldTakeIsRefusedNamingTheLineAndTheBound(@TempDir Path dir)
      throws Exception {
    String most = "jwt-0123456789".repeat(MetadataLimit.MAX_TOKEN_BYTES / 14 + 1)
        .substring(0, MetadataLimit.MAX_TOKEN_BYTES);
    Path file = dir.resolve("tokens");
    Files.writeString(file, "# identity provider tokens\nidp:" + most + "\nbig:" + most + "j\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AccessTokens.load(file));
    assertEquals("--token-file " + file + " line 3: a token has at most 49152 characters (fgbg "
        + "servers take call metadata up to 64 KiB, and keep 16 KiB of it for other headers): "
        + "this one has 49153", e.getMessage());
    Files.writeString(file, "idp:" + most + "\n");
    assertTrue(AccessTokens.load(file).match(most).isPresent());
  }

  @Test
  void aWorldReadableFileIsLoadedWithAWarning() throws Exception {
    Path file = Files.writeString(dir.resolve("tokens"), "alice:" + A + " export\n");
    List<String> warnings = new ArrayList<>();
    Logger log = Logger.getLogger(AccessTokens.class.getName());
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        warnings.add(r.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    log.addHandler(h);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      assertEquals(1, AccessTokens.load(file).size());
      assertEquals(List.of(), warnings);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      assertEquals(1, AccessTokens.load(file).size());
      assertEquals(List.of("--token-file " + file + " can be read by every user of this "
          + "machine; chmod 600 it (a Kubernetes Secret: defaultMode 0440 with the pod's "
          + "fsGroup)"), warnings);
    } finally {
      log.removeHandler(h);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AccessTokens.load(dir.resolve("missing")));
    assertTrue(e.getMessage().startsWith("--token-file " + dir.resolve("missing")
        + ": cannot read it"), e.getMessage());
  }

  @Test
  void aFileIsReadFromOneOpeningUpToItsCap() throws Exception {
    // One opening, read to the cap + 1: a file that grows after its size was checked is not
    // read whole.
    Path f = Files.write(dir.resolve("five"), new byte[] {1, 2, 3, 4, 5});
    assertEquals(5, TlsFiles.readAtMost(f, 5).length);
    assertEquals(null, TlsFiles.readAtMost(f, 4));
  }

  @Test
  void aFifoADeviceOrAHugeFileIsRefusedUnread() throws Exception {
    // Read at every reload tick too: a FIFO would block that thread, a device or a huge file
    // fill the heap.
    Path fifo = dir.resolve("fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    assertEquals("--token-file " + fifo + ": cannot read it (not a regular file: a folder, a "
        + "FIFO or a device)", assertThrows(IllegalArgumentException.class,
            () -> AccessTokens.load(fifo)).getMessage());
    Path zero = Files.createSymbolicLink(dir.resolve("zero"), Path.of("/dev/zero"));
    assertThrows(IllegalArgumentException.class, () -> AccessTokens.load(zero));
    Path big = dir.resolve("big");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(TlsFiles.MAX_BYTES + 1);
    }
    assertEquals("--token-file " + big + ": cannot read it (" + (TlsFiles.MAX_BYTES + 1)
        + " bytes; a token file has at most " + TlsFiles.MAX_BYTES + " bytes)",
        assertThrows(IllegalArgumentException.class, () -> AccessTokens.load(big))
            .getMessage());
  }
}
