package dev.fgbg.core.assets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What image format a file's first bytes say it is, whatever its name: ImageIO knows GIF, BMP
 * and TIFF but not the formats people most often save under a .jpg name by mistake, a web
 * download's WebP and an iPhone's HEIC (or AVIF). Used to say what a misnamed file really is,
 * and how to convert it, and to name a file with an unsupported extension truthfully.
 */
final class ImageMagic {
  /** ISO-BMFF (ftyp) brands: HEIC first (a HEIC file may also list mif1), then AVIF. */
  private static final Set<String> HEIC = Set.of("heic", "heix", "hevc", "hevx", "heim",
      "heis", "hevm", "hevs");
  private static final Set<String> AVIF = Set.of("avif", "avis");
  private static final Set<String> HEIF = Set.of("mif1", "msf1");

  /** How to convert each format fgbg does not read (IN to OUT, with tools easy to find). */
  private static final Map<String, String> CONVERT = Map.of(
      "WEBP", "e.g. dwebp IN -o OUT, or magick IN OUT",
      "HEIC", "e.g. heif-convert IN OUT, or magick IN OUT",
      "HEIF", "e.g. heif-convert IN OUT, or magick IN OUT",
      "AVIF", "e.g. avifdec IN OUT, or magick IN OUT");
  /** Said after a HEIC file's commands: how not to make more of them. */
  private static final String IPHONE = "; an iPhone saves JPEG under Settings > Camera > "
      + "Formats > Most Compatible";

  private ImageMagic() {}

  /**
   * The format of {@code file} by its first bytes ("PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP",
   * "HEIC", "HEIF", "AVIF"), or null when they are none of these.
   */
  static String of(Path file) throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(64);
    }
    return of(head);
  }

  static String of(byte[] b) {
    if (starts(b, 0, (byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G')) {
      return "PNG";
    }
    if (starts(b, 0, (byte) 0xFF, (byte) 0xD8, (byte) 0xFF)) {
      return "JPEG";
    }
    if (text(b, 0, 4).equals("GIF8")) {
      return "GIF";
    }
    if (text(b, 0, 4).equals("II*\0") || text(b, 0, 4).equals("MM\0*")) {
      return "TIFF";
    }
    if (text(b, 0, 4).equals("RIFF") && text(b, 8, 4).equals("WEBP")) {
      return "WEBP";
    }
    if (text(b, 4, 4).equals("ftyp")) {
      return isoBrand(b);
    }
    // "BM" alone is any text that starts so; a BMP header's reserved bytes 6..9 are 0.
    return b.length >= 14 && text(b, 0, 2).equals("BM") && b[6] == 0 && b[7] == 0
        && b[8] == 0 && b[9] == 0 ? "BMP" : null;
  }

  /**
   * How to convert {@code file}, whose bytes are {@code format}'s: "convert it to PNG" (lossless:
   * a mask must be, and the tools write PNG whatever the name), with example commands where
   * {@link #tools} knows some.
   */
  static String convert(String format, Path file) {
    String how = tools(format, file);
    return "convert it to PNG" + (how == null ? "" : " (" + how + ")");
  }

  /** Example commands that convert {@code file} ("e.g. …"), or null for a format without. */
  static String tools(String format, Path file) {
    String how = CONVERT.get(format);
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    // Always a PNG name (the tools write PNG whatever it is); a new one beside the file, as x.png
    // would overwrite what it reads, then put in the original's place.
    boolean png = name.toLowerCase(Locale.ROOT).endsWith(".png");
    String out = stem + (png ? "-converted.png" : ".png");
    String then = png ? ", then move " + out + " over " + name : ", then remove " + name;
    return how == null ? null : how.replace("IN", name).replace("OUT", out) + then
        + (format.equals("HEIC") ? IPHONE : "");
  }

  /** "a GIF", "an AVIF": the format with its article. */
  static String a(String format) {
    return (format.startsWith("A") ? "an " : "a ") + format;
  }

  /** The format an unsupported extension names (tif → TIFF, heif → HEIF). */
  static String ofExtension(String ext) {
    String e = ext.toUpperCase(Locale.ROOT);
    return e.equals("TIF") ? "TIFF" : e;
  }

  /** HEIC, HEIF or AVIF by the ftyp box's major and compatible brands, or null. */
  private static String isoBrand(byte[] b) {
    int size = b.length >= 4 ? ((b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8
        | (b[3] & 0xff)) : 0;
    int end = Math.min(b.length, Math.max(16, size));
    boolean heic = false;
    boolean avif = false;
    boolean heif = false;
    for (int o = 8; o + 4 <= end; o += 4) {
      if (o == 12) {
        continue; // the minor version, not a brand
      }
      String brand = text(b, o, 4);
      heic |= HEIC.contains(brand);
      avif |= AVIF.contains(brand);
      heif |= HEIF.contains(brand);
    }
    return heic ? "HEIC" : avif ? "AVIF" : heif ? "HEIF" : null;
  }

  private static boolean starts(byte[] b, int at, byte... magic) {
    if (b.length < at + magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (b[at + i] != magic[i]) {
        return false;
      }
    }
    return true;
  }

  private static String text(byte[] b, int at, int n) {
    return b.length < at + n ? "" : new String(b, at, n, StandardCharsets.ISO_8859_1);
  }
}
