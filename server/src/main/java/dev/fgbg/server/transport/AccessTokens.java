package dev.fgbg.server.transport;

import dev.fgbg.common.InWords;
import dev.fgbg.common.MetadataLimit;
import dev.fgbg.common.Sha256;
import dev.fgbg.core.Quoted;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The bearer tokens a server accepts, read from a {@code --token-file}. One token a line:
 *
 * <pre>
 * # comments and blank lines are ignored
 * alice:9f2c0e7d4b1a6385f0e29f2c0e7d4b1a  export   (named alice, may export)
 * ci:77aa01b2c3d4e5f6071877aa01b2c3d4e5             (named ci, may not export)
 * 0d1e2f3a4b5c6d7e8f900d1e2f3a4b5c6d                (unnamed: "token on line 4")
 * </pre>
 *
 * A line is {@code [NAME:]TOKEN [export]}: a token has at least {@link #MIN_LENGTH} characters
 * ({@link #MIN_DISTINCT} of them different) and at most {@link MetadataLimit#MAX_TOKEN_BYTES},
 * none of them white space or {@code :}; the word {@code export} lets its holder run Export. The
 * name (1-64 ASCII letters, digits, {@code _.@-}) is the caller's identity for per-client
 * limits and in logs. A token under {@link #GOOD_BITS} is accepted, but named in {@link #weak}.
 * Only SHA-256 digests of the tokens are kept, and a presented token is
 * compared with every one in constant time.
 */
public final class AccessTokens {
  private static final Logger LOG = Logger.getLogger(AccessTokens.class.getName());
  /** The shortest token accepted: shorter ones can be guessed. */
  public static final int MIN_LENGTH = 16;
  /**
   * The fewest distinct characters a token may have: {@code aaaaaaaaaaaaaaaa} or {@code
   * abababab...} are the first an attacker tries ({@link TokenGuesses} only slows him). A random
   * token has about 10 in 16 hex characters; the chance that one has fewer than 5 is 4e-7 for
   * 16 hex characters ({@code openssl rand -hex 8}), 2e-9 for 20, 1e-16 for 32 ({@code openssl
   * rand -hex 16}), 3e-14 for 16 Base64 ones and 2e-21 for 22 ({@code
   * secrets.token_urlsafe(16)}): never, in practice. (6 would refuse one 16-hex token in 32,000.)
   */
  public static final int MIN_DISTINCT = 5;
  /**
   * A token's name, as dataset names are: it is written into log lines and status messages,
   * where control characters (an ESC recolouring a terminal) or spaces would mislead.
   */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}");
  /** No tokens: nothing is asked of callers. */
  public static final AccessTokens NONE = new AccessTokens(List.of());

  /**
   * The fewest bits a token should carry, as {@link #bits} estimates them; a weaker one is
   * accepted (files that work keep working) with a WARNING naming it ({@link LiveTokens}).
   */
  public static final int GOOD_BITS = 128;

  /** Who holds a token, and whether it may export. */
  public record Holder(String name, boolean mayExport) {}

  private record Entry(byte[] digest, Holder holder) {}

  private final List<Entry> entries;
  /** The names of tokens under {@link #GOOD_BITS}, in file order. */
  private final List<String> weak;

  private AccessTokens(List<Entry> entries) {
    this(entries, List.of());
  }

  private AccessTokens(List<Entry> entries, List<String> weak) {
    this.entries = List.copyOf(entries);
    this.weak = List.copyOf(weak);
  }

  /** The names of the tokens that look chosen by a person: under {@link #GOOD_BITS}. */
  public List<String> weak() {
    return weak;
  }

  /**
   * A token's strength, estimated simply: its length times log2 of the alphabet of the classes
   * of characters it uses (26 lower-case letters, 26 upper-case, 10 digits, 33 others). It is
   * what a random token of that length and alphabet has, so a word or a pattern scores too
   * high, never too low: {@code openssl rand -hex 16} scores 165 (32 characters of 36 letters
   * and digits), {@code openssl rand -hex 32} 330, {@code password12345678} 82.
   */
  static double bits(String token) {
    int alphabet = (token.chars().anyMatch(c -> c >= 'a' && c <= 'z') ? 26 : 0)
        + (token.chars().anyMatch(c -> c >= 'A' && c <= 'Z') ? 26 : 0)
        + (token.chars().anyMatch(c -> c >= '0' && c <= '9') ? 10 : 0)
        + (token.chars().anyMatch(c -> !Character.isLetterOrDigit(c)) ? 33 : 0);
    return token.length() * Math.log(alphabet) / Math.log(2);
  }

  /** Whether callers must present a token. */
  public boolean required() {
    return !entries.isEmpty();
  }

  public int size() {
    return entries.size();
  }

  /**
   * The holder of {@code token}, if it is one of these. Every entry is compared (in constant
   * time) whatever matches, so the time taken says nothing about which token is close.
   */
  public Optional<Holder> match(String token) {
    return matchDigest(digest(token));
  }

  /** As {@link #match}, given the token's {@link #digest}: what a UI session keeps. */
  public Optional<Holder> matchDigest(byte[] d) {
    Holder found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.digest, d) && found == null) {
        found = e.holder;
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * Reads {@code file} (see the class comment); logs a warning when others may read it.
   *
   * @throws IllegalArgumentException naming the file, and the line, of what is wrong
   */
  public static AccessTokens load(Path file) {
    AccessTokens tokens = parse(read(file), file);
    warnIfWorldReadable(file);
    return tokens;
  }

  /** The bytes of {@code file}; an IllegalArgumentException naming it when it cannot be read. */
  static byte[] read(Path file) {
    try {
      // Read at start-up and at every reload tick: a FIFO would block the reading thread for
      // ever, a device (a link to /dev/zero) or a huge file would fill the heap.
      if (Files.exists(file) && !Files.isRegularFile(file)) {
        throw new IllegalArgumentException("--token-file " + file + ": cannot read it (not a "
            + "regular file: a folder, a FIFO or a device)");
      }
      long size = Files.size(file);
      byte[] bytes = size > TlsFiles.MAX_BYTES ? null : TlsFiles.readAtMost(file,
          TlsFiles.MAX_BYTES);
      if (bytes == null) {
        throw new IllegalArgumentException("--token-file " + file + ": cannot read it ("
            + (size > TlsFiles.MAX_BYTES ? size + " bytes" : "it grew as it was read")
            + "; a token file has at most " + TlsFiles.MAX_BYTES + " bytes)");
      }
      return bytes;
    } catch (IOException e) {
      throw new IllegalArgumentException("--token-file " + file + ": cannot read it ("
          + InWords.of(e) + ")", e);
    }
  }

  static void warnIfWorldReadable(Path file) {
    if (worldReadable(file)) {
      LOG.warning("--token-file " + file + " can be read by every user of this machine; "
          + "chmod 600 it (a Kubernetes Secret: defaultMode 0440 with the pod's fsGroup)");
    }
  }

  /**
   * Parses the bytes of {@code file} as UTF-8 lines (ended by LF, CR or CRLF, as
   * {@link Files#readAllLines} reads them): the same rules at start-up and at a reload.
   */
  static AccessTokens parse(byte[] bytes, Path file) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("--token-file " + file + ": not UTF-8 text", e);
    }
    return parse(text.lines().toList(), "--token-file " + file);
  }

  /** Parses token lines; {@code source} names them in messages. */
  public static AccessTokens parse(List<String> lines, String source) {
    List<Entry> entries = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> seen = new HashSet<>();
    List<String> weak = new ArrayList<>();
    for (int n = 1; n <= lines.size(); n++) {
      String line = lines.get(n - 1);
      line = (n == 1 && line.startsWith("\uFEFF") ? line.substring(1) : line).strip(); // a BOM
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = source + " line " + n;
      String[] words = line.split("\\s+");
      if (words.length > 2 || (words.length == 2 && !words[1].equals("export"))) {
        throw new IllegalArgumentException(where + ": expected [NAME:]TOKEN [export], got "
            + words.length + " words (the only word allowed after the token is 'export')");
      }
      int colon = words[0].indexOf(':');
      String name = colon >= 0 ? words[0].substring(0, colon) : "token on line " + n;
      String token = words[0].substring(colon + 1);
      if (colon == 0) {
        throw new IllegalArgumentException(where + ": the name before ':' is empty");
      }
      if (colon > 0 && !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(where + ": the name " + Quoted.of(name) + " must be "
            + "1-64 ASCII letters, digits, '_', '.', '@' or '-', starting with a letter or digit");
      }
      if (token.length() < MIN_LENGTH || token.indexOf(':') >= 0) {
        throw new IllegalArgumentException(where + ": a token needs at least " + MIN_LENGTH
            + " characters and no ':' (e.g. openssl rand -hex 32)");
      }
      if (MetadataLimit.tooLong(token) != null) {
        // No client could present it: the server refuses the call's headers first.
        throw new IllegalArgumentException(where + ": " + MetadataLimit.tooLong(token));
      }
      if (!token.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
        // gRPC clients send metadata values as printable ASCII only: such a token could never
        // be presented.
        throw new IllegalArgumentException(where + ": a token is printable ASCII (letters, "
            + "digits, punctuation); this one has other characters");
      }
      long distinct = token.chars().distinct().count();
      if (distinct < MIN_DISTINCT) {
        throw new IllegalArgumentException(where + ": a token needs at least " + MIN_DISTINCT
            + " different characters, so that it is not a pattern easily guessed; this one has "
            + distinct + " (draw a random one: openssl rand -hex 32)");
      }
      if (!names.add(name)) {
        throw new IllegalArgumentException(where + ": the name '" + name + "' is used twice");
      }
      if (!seen.add(token)) {
        throw new IllegalArgumentException(where + ": this token is listed twice");
      }
      entries.add(new Entry(digest(token), new Holder(name, words.length == 2)));
      if (bits(token) < GOOD_BITS) {
        weak.add(name);
      }
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException(source + ": no tokens in it (one [NAME:]TOKEN [export] "
          + "a line)");
    }
    return new AccessTokens(entries, weak);
  }

  static boolean worldReadable(Path file) {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    try {
      return view != null
          && view.readAttributes().permissions().contains(PosixFilePermission.OTHERS_READ);
    } catch (IOException e) {
      return false;
    }
  }

  /** The SHA-256 digest of {@code token}, as kept and compared here. */
  public static byte[] digest(String token) {
    return Sha256.newDigest().digest(token.getBytes(StandardCharsets.UTF_8));
  }
}
