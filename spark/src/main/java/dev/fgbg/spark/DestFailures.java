package dev.fgbg.spark;

import dev.fgbg.common.Causes;
import dev.fgbg.common.InWords;
import dev.fgbg.core.export.DestinationLock;
import dev.fgbg.core.export.HandleWalk;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * A job's failure at its destination in words naming {@code --dest} as typed: an unknown host
 * (Hadoop's message was the bare exception), a folder that cannot be made (named by the folder
 * it was made in, never the temporary name it was made under).
 */
final class DestFailures {
  private DestFailures() {}

  /** An unknown host in {@code e}'s causes, as --dest's when {@code dest} names a host. */
  static String unknownHost(Throwable e, String dest) {
    return Causes.find(e, UnknownHostException.class).map(u -> {
      String host = host(dest);
      String named = host != null ? host : String.valueOf(u.getMessage()).split(":", 2)[0];
      return (host != null ? "--dest " + dest + ": " : "") + "unknown host '" + named.strip()
          + "' (no address for it here): check the URI's host name";
    }).orElse(null);
  }

  /**
   * File {@code f}'s failure: as --dest's when it is the local destination's ({@link #ours}),
   * else as the file's own.
   */
  static String file(FileSystemException f, String dest) {
    String why = InWords.of(f);
    Path failed;
    try {
      failed = Path.of(f.getFile()).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      return f.getFile() + ": " + why;
    }
    Path local = localPath(dest);
    if (local == null || !ours(failed, local)) {
      return f.getFile() + ": " + why;
    }
    String what = made(failed) ? "cannot make a folder in " + failed.getParent()
        : failed.toString();
    return "--dest " + dest + " cannot be written: " + what + ": " + why;
  }

  /**
   * Whether {@code failed} is the destination's: itself or a file in it, a folder being made
   * beside it (before its rename into place), or the lock folder beside it. A config, weights
   * or photo in the same folder is not.
   */
  private static boolean ours(Path failed, Path local) {
    if (failed.startsWith(local)) {
      return true;
    }
    Path beside = local.getParent();
    return beside != null && (made(failed) && beside.equals(failed.getParent())
        || failed.startsWith(beside.resolve(DestinationLock.LOCKS)));
  }

  /** A folder's temporary name before its rename into place. */
  private static boolean made(Path failed) {
    Path name = failed.getFileName();
    return name != null && name.toString().startsWith(HandleWalk.NEW_PREFIX);
  }

  /** The host of URI {@code dest}, else null (a local path, none given). */
  private static String host(String dest) {
    try {
      return dest == null ? null : new URI(dest).getHost();
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /** The local folder {@code dest} names (a path as typed, or file://), else null. */
  private static Path localPath(String dest) {
    if (dest == null) {
      return null;
    }
    try {
      URI u = new URI(dest);
      if (u.getScheme() == null) {
        return Path.of(dest).toAbsolutePath().normalize();
      }
      return "file".equals(u.getScheme()) ? Paths.get(u).toAbsolutePath().normalize() : null;
    } catch (URISyntaxException | IllegalArgumentException e) {
      try {
        return Path.of(dest).toAbsolutePath().normalize(); // a path that is no URI ('a b')
      } catch (InvalidPathException bad) {
        return null;
      }
    }
  }
}
