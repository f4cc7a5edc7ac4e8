package dev.fgbg.core.export;

import dev.fgbg.common.FileNameEncoding;
import dev.fgbg.common.InWords;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.logging.Logger;

/**
 * The one folder exports may write under. A destination is resolved inside it: control
 * characters and folder names not in Unicode NFC are refused with INVALID_ARGUMENT; a backslash,
 * any `..` (even one that stays inside), every absolute path (in the root or not, in the same
 * words) and any symbolic link on the way (in the root or out of it) are refused with
 * PERMISSION_DENIED, before anything is written, so that an export, its lock and an overwrite
 * always act on the folder that was named. Messages name paths relative to the root, never the
 * server's own folders.
 */
public final class ExportRoot {
  private static final Logger LOG = Logger.getLogger(ExportRoot.class.getName());
  /** Longest destination accepted, in characters. */
  static final int MAX_DESTINATION = 1024;
  /** Longest name of one folder on the way, in bytes (the file system's limit). */
  static final int MAX_NAME_BYTES = 255;
  /** The server's flag that names the root, for messages. */
  static final String FLAG = "--export-root";
  /** Names in the root the server keeps for itself (destination locks, new folders). */
  static final String RESERVED = ".fgbg-";

  private final Path root;
  /** False while a root that could not be created at start-up is still missing. */
  private volatile boolean made;

  /**
   * The root, made if missing; one that cannot be made is refused (INVALID_CONFIG naming it), as
   * a job writing to a destination (Spark's) wants.
   */
  public ExportRoot(Path root) {
    this(root, false);
  }

  /**
   * The server's root ({@value #FLAG}): one that cannot be made (a read-only working folder in
   * a pod, where the default root 'exports' is relative to it) is one WARNING, as an unwritable
   * one is: the server still starts, and each export is refused saying why ({@link #ready}).
   */
  public static ExportRoot served(Path root) {
    return new ExportRoot(root, true);
  }

  private ExportRoot(Path root, boolean served) {
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw FgbgException.invalidConfig("export root " + root + " is a file, not a folder");
    }
    Path real;
    try {
      Files.createDirectories(root);
      real = root.toRealPath();
      makeLockFolder(real);
      if (served) {
        warnIfReadOnly(real);
      }
      made = true;
    } catch (IOException e) {
      if (!served) {
        throw FgbgException.invalidConfig("export root " + root + " cannot be created: "
            + InWords.of(e), e);
      }
      real = root.toAbsolutePath().normalize();
      LOG.warning("export root " + root + " (" + FLAG + ") cannot be created (" + InWords.of(e)
          + "); every export will fail until it can: give a writable folder with " + FLAG);
    }
    this.root = real;
  }

  /**
   * Makes a root that could not be made at start-up (it may have become possible since), or
   * refuses the export with FAILED_PRECONDITION saying why; nothing to do for one that exists.
   */
  void ready() {
    if (made) {
      return;
    }
    try {
      Files.createDirectories(root);
      makeLockFolder(root);
      made = true;
    } catch (IOException e) {
      throw FgbgException.failedPrecondition("the export root (" + FLAG + ") could not be "
          + "created when the server started and still cannot be (" + InWords.of(e)
          + "); restart the server with a writable folder as " + FLAG);
    }
  }

  /**
   * One WARNING at start-up when nothing can be written in the root (a read-only mount, no
   * permission): otherwise the first sign is each export failing. The server still starts, since
   * the root may be made writable while it runs; each export keeps its own error.
   */
  private static void warnIfReadOnly(Path root) {
    try {
      Files.delete(Files.createTempFile(root, RESERVED + "probe", ".tmp"));
    } catch (IOException e) {
      LOG.warning("export root " + root + " (" + FLAG + ") is not writable (" + InWords.of(e)
          + "); every export will fail until it is: give a writable folder");
    }
  }

  /** Made at once: a Spark job writing beneath the root finds the root by it (and locks here). */
  private static void makeLockFolder(Path root) {
    try {
      Files.createDirectory(root.resolve(DestinationLock.LOCKS));
    } catch (IOException e) {
      // made before, or not makeable (read-only): the first export's lock says why
    }
  }

  public Path path() {
    return root;
  }

  /** The destination folder, checked to lie inside the root (it may not exist yet). */
  public Path resolve(String destination) {
    checkCharacters(destination);
    Path asked;
    try {
      asked = Path.of(destination);
    } catch (InvalidPathException e) {
      if (!FileNameEncoding.utf8() && !StandardCharsets.US_ASCII.newEncoder().canEncode(
          destination)) { // the server's fault, not the name's
        throw FgbgException.failedPrecondition("export destination " + Quoted.of(destination)
            + " cannot be written on this server: " + FileNameEncoding.cause());
      }
      throw FgbgException.invalidArgument("export destination " + Quoted.of(destination)
          + " is not a valid path: " + e.getReason());
    }
    checkBackslash(destination);
    for (Path name : asked) {
      int bytes = name.toString().getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_NAME_BYTES) {
        throw FgbgException.invalidArgument("export destination " + Quoted.of(destination)
            + " has a folder name of " + bytes + " bytes; a name is at most " + MAX_NAME_BYTES
            + " bytes");
      }
      DestinationNames.checkNfc(destination, name.toString());
    }
    // Every absolute path is refused in the same words, before the root is looked at: one
    // accepted inside the root would tell a client where the server's root is.
    Path target = asked.isAbsolute() ? null : root.resolve(asked).normalize();
    if (target == null || !target.startsWith(root) || target.equals(root)) {
      // Users write paths as for their own shell (../out, /data/x): say what a destination is
      // relative to, and that the root is the server's, set by its own flag.
      throw denied(destination, "it is not a folder inside the server's export root (serve "
          + FLAG + ", a folder on the server's host); a destination is relative to that root,"
          + " not to where the client runs: give a folder name such as 'mine_v1', without"
          + " '..'" + (asked.isAbsolute() ? " and not an absolute path" : ""));
    }
    for (Path name : asked) {
      if (name.toString().equals("..")) { // one that stays inside: 'q/../r' would write r/
        throw denied(destination, "it has a '..' folder; name the folder itself, without"
            + " '..' (a destination is a folder inside the server's export root, " + FLAG + ")");
      }
    }
    if (root.relativize(target).getName(0).toString().startsWith(RESERVED)) {
      throw denied(destination, "'" + relative(root.resolve(root.relativize(target).getName(0)))
          + "' is the server's own folder (names starting with " + RESERVED + " are reserved)");
    }
    // No link anywhere on the way: the lock, the writes and an overwrite must all act on the
    // folder named, and nothing may lead out of the root.
    Path at = root;
    for (Path part : root.relativize(target)) {
      at = at.resolve(part);
      if (Files.isSymbolicLink(at)) {
        throw denied(destination, "'" + relative(at) + "' is a symbolic link (destinations may"
            + " not pass through links)");
      }
      if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
        break;
      }
    }
    return target;
  }

  /**
   * A backslash would become a folder separator later (in the manifest's names, on a Windows
   * client): 'run\\1' was written as run/1/ and '..\\x' passed this check, so it is refused.
   */
  private static void checkBackslash(String destination) {
    int at = destination.indexOf('\\');
    if (at >= 0) {
      throw denied(destination, "it has a backslash ('\\') at position " + at + "; folders in"
          + " a destination are separated by '/' (e.g. 'runs/mine_v1')");
    }
  }

  private static void checkCharacters(String destination) {
    if (destination.length() > MAX_DESTINATION) {
      throw FgbgException.invalidArgument("export destination " + Quoted.of(destination)
          + " is longer than " + MAX_DESTINATION + " characters");
    }
    for (int i = 0; i < destination.length(); i += Character.charCount(
        destination.codePointAt(i))) {
      int c = destination.codePointAt(i);
      // Format characters are invisible and some reorder what follows (U+202E): a folder
      // named with one reads as another in a listing. U+2028/U+2029 end a line in a log
      // reader, so a destination could forge a log line after them.
      int type = Character.getType(c);
      String kind = Character.isISOControl(c) ? "a control"
          : type == Character.FORMAT ? "an invisible format"
          : type == Character.LINE_SEPARATOR ? "a line separator"
          : type == Character.PARAGRAPH_SEPARATOR ? "a paragraph separator" : null;
      if (kind != null) {
        throw FgbgException.invalidArgument(String.format("export destination %s has %s "
            + "character (U+%04X) at position %d; use a plain folder name",
            Quoted.of(destination), kind, c, i));
      }
    }
  }

  /**
   * FAILED_PRECONDITION naming the export root when it is no longer a folder (removed, or
   * replaced by a file or link while the server runs), else null: a write that failed for that
   * reason would otherwise blame the destination. Its path stays out of the message, as every
   * server path does.
   */
  FgbgException gone() {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(root, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return FgbgException.failedPrecondition("export stopped: the export root (" + FLAG
          + ") no longer exists: it was removed while the server was running; create it again");
    } catch (IOException e) {
      return null; // unreadable for another reason: the write's own failure says more
    }
    String now = a.isSymbolicLink() ? "a symbolic link" : a.isDirectory() ? null : "a file";
    return now == null ? null : FgbgException.failedPrecondition("export stopped: the export"
        + " root (" + FLAG + ") is now " + now + ", not a folder: it was replaced while the"
        + " server was running");
  }

  /** Relative name of a path under the root, for messages and the manifest. */
  public String relative(Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }

  /** {@code message} with the root's absolute path taken out (paths read relative to it). */
  String redact(String message) {
    if (message == null) {
      return null;
    }
    String abs = root.toString();
    return message.replace(abs + root.getFileSystem().getSeparator(), "")
        .replace(abs, "<export root>");
  }

  /** {@code e} with its message redacted; itself when there was nothing to take out. */
  FgbgException redact(FgbgException e) {
    String m = redact(e.getMessage());
    return m.equals(e.getMessage()) ? e : new FgbgException(e.reason(), m, e);
  }

  private static FgbgException denied(String destination, String why) {
    return new FgbgException(FgbgException.Reason.PERMISSION_DENIED,
        "export destination " + Quoted.of(destination) + " is refused: " + why);
  }
}
