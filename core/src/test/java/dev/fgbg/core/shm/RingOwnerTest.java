package dev.fgbg.core.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ring file's owner is compared by number with the process's uid: a name lookup (the
 * passwd database, a file to open) fails near the open-files limit, and a refusal then said
 * "owned by 0, not by the server's user root".
 */
class RingOwnerTest {
  @TempDir
  Path dir;

  @Test
  void theServersOwnFileIsItsOwnByUid() throws Exception {
    RingOffer offer = TestRings.create(dir, "own", 2, 64);
    long uid = ((Number) Files.getAttribute(offer.path(), "unix:uid", LinkOption.NOFOLLOW_LINKS))
        .longValue();
    assertEquals(uid, RingChecks.UID, "the file this process made is its uid's");
    assertTrue(RingChecks.owns(uid));
    assertFalse(RingChecks.owns(uid + 1));
    RingChecks.file(offer.path(), offer.fileBytes()); // passes
  }

  @Test
  void anotherUidsFileIsRefusedInNumbers() throws Exception {
    // ./fgbg test runs as root in CI (as SmallDisk's tmpfs tests do): only root can give a file
    // away, so elsewhere this fails saying so rather than skipping.
    assertEquals(0, RingChecks.UID, "run the suite as root, as CI does: only root can give a file"
        + " away");
    RingOffer offer = TestRings.create(dir, "theirs", 2, 64);
    // A uid with no name: the lookup by name would fail, the comparison by number cannot.
    Files.setAttribute(offer.path(), "unix:uid", 54321, LinkOption.NOFOLLOW_LINKS);
    RingRefusedException e = assertThrows(RingRefusedException.class,
        () -> RingChecks.file(offer.path(), offer.fileBytes()));
    assertEquals(RingChecks.quoted(offer.path()) + " is owned by uid 54321, not by the "
        + "server's uid 0 (" + System.getProperty("user.name") + ")", e.getMessage());
  }
}
