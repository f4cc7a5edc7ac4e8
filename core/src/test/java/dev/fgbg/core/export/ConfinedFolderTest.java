package dev.fgbg.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

  @Test
  void aChainOfLinksIsRefusedAsALinkNotCalledALoop() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Path top = Files.createDirectories(tmp.resolve("top"));
    try (ConfinedFolder f = ConfinedFolder.open(top)) {
      f.mkdirs("a");
      Files.createSymbolicLink(tmp.resolve("hop"), outside);
      Files.createSymbolicLink(top.resolve("a/chain"), tmp.resolve("hop"));
      Files.createSymbolicLink(top.resolve("a/inner"), top.resolve("a/chain"));
      for (String link : List.of("a/chain", "a/inner")) {
        for (String through : List.of(link + "/new.txt", link + "/deeper/new.txt", link)) {
          LinkRefusedException e = assertThrows(LinkRefusedException.class,
              () -> f.create(through).close(), through);
          assertTrue(e.getMessage().endsWith(" is a symbolic link; exports never follow links"),
              e.getMessage());
        }
        assertThrows(LinkRefusedException.class, () -> f.mkdirs(link + "/made"));
        assertThrows(LinkRefusedException.class, () -> f.list(link));
        assertThrows(LinkRefusedException.class, () -> f.channel(link,
            StandardOpenOption.WRITE).close());
      }
      // What the kernel says when a link is swapped in between two steps of a write (ELOOP
      // under O_NOFOLLOW) is worded as the link it is, with the status of a refused link.
      IOException loop = assertThrows(IOException.class, () -> Files
          .newByteChannel(top.resolve("a/inner"), StandardOpenOption.READ,
              LinkOption.NOFOLLOW_LINKS).close());
      FgbgException e = FileIo.failure("sym_partial", loop);
      assertEquals(FgbgException.Reason.PERMISSION_DENIED, e.reason());
      assertTrue(e.getMessage().startsWith("export stopped: ") && e.getMessage().endsWith(
          " is a symbolic link; exports never follow links (writing sym_partial)"),
          e.getMessage());
      f.deleteTree("a");
      assertEquals(List.of(), List.of(outside.toFile().list()), "nothing written outside");
    }
  }
}
