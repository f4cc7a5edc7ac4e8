package dev.fgbg.common;

import java.io.EOFException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An I/O failure in words for a message: "permission denied", "not UTF-8 text", "the file ends
 * too early", never a Java class name (AccessDeniedException's own message is only the path).
 * The cause chain is searched for the most telling failure, so a CSV or image library's wrapper
 * says what its cause was.
 */
public final class InWords {
  /** "java.io.IOException: " and the like inside a library's message. */
  private static final Pattern CLASS_NAMES = Pattern.compile(
      "\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_]*(?:Exception|Error):\\s*");

  private InWords() {}

  /** "1 stream", "4 streams": {@code n} and {@code noun}, plural unless n is 1. */
  public static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /** What went wrong, in words (without the path of the file, which the caller names). */
  public static String of(Throwable t) {
    List<Throwable> chain = Causes.chain(t);
    for (Throwable e : chain) {
      String known = known(e);
      if (known != null) {
        return known;
      }
    }
    // The outermost message there is: a wrapper without one says what its cause said.
    return chain.stream().map(Throwable::getMessage).filter(m -> m != null && !m.isBlank())
        .findFirst().map(m -> CLASS_NAMES.matcher(m).replaceAll("").strip())
        .orElse("an I/O error");
  }

  private static String known(Throwable e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or folder";
    }
    if (e instanceof NotDirectoryException) {
      return "not a folder";
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "the folder is not empty";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "it already exists";
    }
    if (e instanceof FileSystemLoopException) {
      return "a symbolic link loop";
    }
    if (e instanceof CharacterCodingException) {
      return "not UTF-8 text";
    }
    if (e instanceof EOFException) {
      return "the file ends too early";
    }
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      String reason = fse.getReason();
      return reason.contains("Too many levels of symbolic links") ? "a symbolic link loop"
          : reason.toLowerCase(Locale.ROOT);
    }
    return null;
  }
}
