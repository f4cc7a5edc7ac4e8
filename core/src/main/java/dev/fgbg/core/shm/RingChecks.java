package dev.fgbg.core.shm;

import com.sun.security.auth.module.UnixSystem;
import dev.fgbg.common.InWords;
import dev.fgbg.common.RingFormat;
import dev.fgbg.core.Quoted;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;

/** What an offered ring must be before it is mapped; each refusal names what did not hold. */
final class RingChecks {
  private RingChecks() {}

  /** A path the client sent, as messages show it: quoted, cut and escaped. */
  static String quoted(Path path) {
    return Quoted.of(path.toString());
  }

  /**
   * What went wrong, without the path a file system exception repeats (it may be long); an
   * exception that has only the path (AccessDeniedException) in words ("permission denied"),
   * with what that means for a ring and what to do.
   */
  static String reason(Exception e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied: the server (uid " + UID + ") may not read and write the"
          + " client's ring, as when they run as different users; run them as one user, or"
          + " turn shared memory off in the client";
    }
    return e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
        : InWords.of(e);
  }

  /** The offer's path, slot count and sizes. */
  static void offer(RingOffer offer, Path directory) throws RingRefusedException {
    Path path = offer.path();
    if (!path.isAbsolute() || !directory.equals(path.getParent())
        || !RingFormat.isRingName(path.getFileName().toString())) {
      throw new RingRefusedException("path " + quoted(path) + " is not a " + RingFormat.PREFIX
          + "* file directly in " + directory);
    }
    if (offer.slots() < 1 || offer.slots() > RingFormat.MAX_SLOTS) {
      throw new RingRefusedException("slots = " + offer.slots() + " must be between 1 and "
          + RingFormat.MAX_SLOTS);
    }
    if (offer.slotBytes() < 64 || offer.slotBytes() % 64 != 0) {
      throw new RingRefusedException("slot_bytes = " + offer.slotBytes()
          + " must be a positive multiple of 64");
    }
    // Divided, not multiplied: slots x slot_bytes of a client's offer may pass a long.
    long most = (RingFormat.MAX_FILE_BYTES - RingFormat.HEADER_BYTES) / offer.slots();
    if (offer.slotBytes() > most) {
      throw new RingRefusedException("slots x slot_bytes = " + offer.slots() + " x "
          + offer.slotBytes() + " bytes exceed the " + RingFormat.MAX_FILE_BYTES
          + " bytes a ring may have, with its header");
    }
  }

  /**
   * The process's effective uid (the owner of the files it makes), read once at start-up by
   * number, never by name: near the open-files limit a lookup of a user's name fails, and a
   * refusal must not blame the file for it. From the kernel's {@code /proc/self/status}: the
   * JDK's UnixSystem says 0 for a uid with no passwd entry (a pod's runAsUser), and the server
   * then refused its own user's rings.
   */
  static final long UID = uid(Path.of("/proc/self/status"));

  /** The effective uid in a {@code /proc/PID/status} file; getuid() where there is none. */
  static long uid(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("Uid:")) { // real, effective, saved and file-system uids
          return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: getuid() below
    }
    return new UnixSystem().getUid();
  }

  /** The file: regular, the server's user's, of the offered size; returns its identity. */
  static Object file(Path path, long bytes) throws RingRefusedException {
    Map<String, Object> a;
    try {
      // One stat, by number: the owner's uid, never its name.
      a = Files.readAttributes(path, "unix:uid,size,isRegularFile,fileKey",
          LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new RingRefusedException(quoted(path) + " does not exist on the server's host "
          + "(another host, or a container without a shared /dev/shm)", e);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      throw new RingRefusedException("cannot read " + quoted(path) + ": " + reason(e), e);
    }
    long owner = ((Number) a.get("uid")).longValue();
    long size = (Long) a.get("size");
    if (!(Boolean) a.get("isRegularFile")) {
      throw new RingRefusedException(quoted(path) + " is not a regular file");
    }
    if (!owns(owner)) {
      throw new RingRefusedException(quoted(path) + " is owned by uid " + owner
          + ", not by the server's uid " + UID + " (" + System.getProperty("user.name") + ")");
    }
    if (size != bytes) {
      throw new RingRefusedException(quoted(path) + " has " + size + " bytes; slots x "
          + "slot_bytes + header = " + bytes);
    }
    return a.get("fileKey");
  }

  /** Whether a file of owner {@code uid} is the server's own: numbers, never names. */
  static boolean owns(long uid) {
    return uid == UID;
  }

  /** The header read from the offered file: the magic, the offer's nonce, its sizes. */
  static void header(RingOffer offer, byte[] magic, byte[] nonce, long slots, long slotBytes)
      throws RingRefusedException {
    Path path = offer.path();
    if (!Arrays.equals(magic, RingFormat.MAGIC)) {
      throw new RingRefusedException(quoted(path) + " has no ring header");
    }
    if (offer.nonce().length != RingFormat.NONCE_BYTES
        || !MessageDigest.isEqual(nonce, offer.nonce())) {
      throw new RingRefusedException("the nonce in " + quoted(path) + " is not the one offered "
          + "(another host's file of that name?)");
    }
    if (slots != offer.slots() || slotBytes != offer.slotBytes()) {
      throw new RingRefusedException("the header of " + quoted(path) + " says " + slots
          + " slots of " + slotBytes + " bytes, the offer " + offer.slots() + " of "
          + offer.slotBytes());
    }
  }
}
