package dev.fgbg.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A folder reached only from its handle: links are refused, removed, never followed. */
class ConfinedFolderTest {
  @TempDir
  Path tmp;

  @Test
  void linksOnTheWayAreRefusedAndRemovedButNeverFollowed() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("keep.txt"), "theirs");
    Path top = Files.createDirectories(tmp.resolve("top"));
    try (ConfinedFolder f = ConfinedFolder.open(top)) {
      f.mkdirs("a/b/c");
      try (OutputStream out = f.create("a/b/c/x.txt")) {
        out.write("mine".getBytes(StandardCharsets.UTF_8));
      }
      assertEquals(List.of("a"), f.list(""));
      assertEquals(List.of("a"), f.list(""), "the top folder lists twice");
      assertEquals(4, f.attributes("a/b/c/x.txt").size());
      Files.createSymbolicLink(top.resolve("a/link"), outside);
      Files.createSymbolicLink(top.resolve("a/file.txt"), outside.resolve("keep.txt"));
      for (String through : List.of("a/link/new.txt", "a/link/deeper/new.txt")) {
        assertThrows(LinkRefusedException.class, () -> f.create(through).close());
      }
      assertThrows(LinkRefusedException.class, () -> f.mkdirs("a/link/made"));
      assertThrows(LinkRefusedException.class, () -> f.open("a/file.txt").close());
      assertThrows(LinkRefusedException.class, () -> f.create("a/file.txt").close());
      assertTrue(f.attributes("a/link").isSymbolicLink(), "seen as the link it is");
      f.move("a/b/c/x.txt", "a/y.txt");
      assertEquals(List.of("b", "file.txt", "link", "y.txt"), f.list("a"));
      f.deleteTree("a");
      assertFalse(f.exists("a"));
      assertEquals(List.of("keep.txt"), List.of(outside.toFile().list()), "links removed, "
          + "their targets untouched");
      assertEquals("theirs", Files.readString(outside.resolve("keep.txt")));
      assertEquals(List.of(), List.of(top.toFile().list()), "no folder left in the making");
    }
    Files.createSymbolicLink(tmp.resolve("linked-top"), top);
    assertThrows(LinkRefusedException.class, () -> ConfinedFolder.open(tmp.resolve(
        "linked-top")));
  }
}
