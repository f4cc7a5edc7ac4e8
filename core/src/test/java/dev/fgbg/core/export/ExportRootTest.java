package dev.fgbg.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportRootTest {
  @TempDir
  Path tmp;

  @Test
  void resolvesInsideAndRefusesEverythingElse() throws Exception {
    ExportRoot root = new ExportRoot(tmp.resolve("root"));
    assertEquals(root.path().resolve("a/b"), root.resolve("a/b"));
    assertEquals(root.path().resolve("a"), root.resolve("a/./c/.."));
    denied(root, "../outside");
    denied(root, "a/../../outside");
    denied(root, "/etc");
    denied(root, ".");
    denied(root, "");
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.createSymbolicLink(root.path().resolve("link"), outside);
    FgbgException e = denied(root, "link/x");
    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    assertEquals(root.path().resolve("ok"), root.resolve(root.path().resolve("ok").toString()),
        "an absolute path inside the root is fine");
  }

  private static FgbgException denied(ExportRoot root, String dest) {
    FgbgException e = assertThrows(FgbgException.class, () -> root.resolve(dest));
    assertEquals(FgbgException.Reason.PERMISSION_DENIED, e.reason(), dest);
    assertTrue(e.getMessage().contains("'" + dest + "'"), e.getMessage());
    return e;
  }
}
