package dev.fgbg.common;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * The JVM's file-name encoding ({@code sun.jnu.encoding}), fixed from the locale when the JVM
 * starts (a -D flag does not change it on JDK 17). Under LANG=C, LC_ALL=POSIX or no locale at all
 * (a container's default, env -i) it is ASCII: a non-ASCII file name is read as '?'s and cannot
 * be opened, and a non-ASCII path given as a flag is no path at all. Messages then blame the JVM,
 * not the file, and name the fix.
 */
public final class FileNameEncoding {
  private static final String NAME = System.getProperty("sun.jnu.encoding", "UTF-8");
  private static final boolean UTF8 = isUtf8(NAME);

  private FileNameEncoding() {}

  /** The encoding's name, e.g. ANSI_X3.4-1968 (glibc's name for ASCII). */
  public static String name() {
    return NAME;
  }

  /** Whether every file name can be read: the encoding is UTF-8. */
  public static boolean utf8() {
    return UTF8;
  }

  static boolean isUtf8(String name) {
    try {
      return Charset.forName(name).equals(StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The line to say at start, or null when the encoding is UTF-8. */
  public static String startLine() {
    return UTF8 ? null : startLine(NAME, System.getenv());
  }

  static String startLine(String name, Map<String, String> env) {
    return "the JVM's file-name encoding is " + name + " (" + locale(env) + "): non-ASCII file "
        + "names cannot be read; start it with LANG=C.UTF-8";
  }

  /** Why a non-ASCII name or path cannot be used here, and the fix, for a message. */
  public static String cause() {
    return "this JVM cannot use non-ASCII names (its file-name encoding is " + NAME + ", "
        + locale(System.getenv()) + "); start it with LANG=C.UTF-8";
  }

  /** The locale the JVM took its encoding from, as LC_ALL, LC_CTYPE then LANG choose it. */
  static String locale(Map<String, String> env) {
    for (String var : new String[] {"LC_ALL", "LC_CTYPE", "LANG"}) {
      String v = env.get(var);
      if (v != null && !v.isEmpty()) {
        return v.equals("C") || v.equals("POSIX") ? "locale C/POSIX"
            : var + "=" + v + (v.matches("(?i).*utf-?8.*") ? ", not installed" : "");
      }
    }
    return "no locale set: C/POSIX";
  }

  /**
   * A path flag's value that is no path, in one line naming the flag: a non-ASCII path in an
   * ASCII JVM is the usual case; a NUL character the other.
   */
  public static String invalidPath(String flag, InvalidPathException e) {
    String what = (flag == null ? "" : flag + " ") + e.getInput().replace('\uFFFD', '?');
    if (!UTF8 && e.getInput().chars().anyMatch(c -> c > 127)) {
      return what + ": " + cause();
    }
    return what + " is not a valid path: " + e.getReason();
  }

  /**
   * {@code value} as a path flag's converter gives it: a value that is no path becomes
   * {@code refusal} of {@link #invalidPath} (the command line parser's conversion error, so that
   * the user reads why, not a class name). The CLI's and the server's one converter.
   */
  public static Path path(String value, Function<String, ? extends RuntimeException> refusal) {
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw refusal.apply(invalidPath(null, e));
    }
  }

  /**
   * The flag whose value {@code e}'s input is, or starts with (a path made from it), in
   * {@code args} (--flag value or --flag=value); null when none is.
   */
  public static String flagOf(String[] args, InvalidPathException e) {
    String input = e.getInput();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      int eq = a.indexOf('=');
      if (a.startsWith("-") && eq > 0 && input.startsWith(a.substring(eq + 1))
          && eq + 1 < a.length()) {
        return a.substring(0, eq);
      }
      if (i > 0 && args[i - 1].startsWith("-") && !a.isEmpty() && input.startsWith(a)) {
        return args[i - 1];
      }
    }
    return null;
  }

  /** The first InvalidPathException in {@code t}'s cause chain, or null. */
  public static InvalidPathException find(Throwable t) {
    return Causes.find(t, InvalidPathException.class).orElse(null);
  }
}
