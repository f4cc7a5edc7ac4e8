package dev.fgbg.core.assets;

import dev.fgbg.core.FgbgException;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import dev.fgbg.common.InWords;
import dev.fgbg.common.RegularFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;

/**
 * Strict PNG/JPEG decoding: a decoder warning (such as a truncated JPEG) is an error, and pixel
 * values are read from the raster, not through colour conversion, so grey stays grey and a
 * JPEG's ICC profile converts nothing ({@link JpegProfile}), as in Pillow; CMYK and
 * YCCK JPEGs are converted as Pillow converts them ({@link CmykJpeg}), and an image is turned
 * upright by its EXIF orientation, a JPEG's ({@link ExifOrientation}) or a PNG's
 * ({@link PngExif}), as Pillow's {@code ImageOps.exif_transpose} turns it. The size
 * is read from the header first: an image over the pixel limit is refused before anything is
 * decoded (a small file can claim a huge image), and no size computation can overflow. A
 * decode also waits for, and is refused when it can never get, its share of the heap
 * ({@link DecodeMemory}).
 */
public final class ImageFiles {
  /** A name that is no regular file, as the listing and a read that finds one say it. */
  static final String NOT_REGULAR = RegularFiles.NOT_REGULAR + "; only image files are read";
  /** Images larger than this are refused unless the limit is raised (--max-image-pixels). */
  public static final long DEFAULT_MAX_PIXELS = 64_000_000L;
  /** The largest limit: an RGBA copy of the image must fit in one Java array. */
  public static final long MAX_PIXELS_LIMIT = (Integer.MAX_VALUE - 8) / 4;

  private ImageFiles() {}

  /** Decoded pixels: straight RGBA bytes, and whether the file had an alpha channel. */
  public record Pixels(int width, int height, byte[] rgba, boolean hasAlpha) {}

  /**
   * The extensions read as images, any case: PNG's, and JPEG's under every name it is saved
   * by (Windows saves a web page's JPEG as .jfif; .jpe and .jif are older names of it).
   */
  static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg", "jfif", "jpe", "jif");
  /** {@link #EXTENSIONS} as messages list them: ".png, .jpg, …". */
  static final String EXTENSION_WORDS = "." + String.join(", .", EXTENSIONS);

  public static boolean isImage(Path p) {
    return EXTENSIONS.contains(extension(p.getFileName().toString()));
  }

  /** The lower-case text after a name's last '.', or "" when it has none but a leading one. */
  static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot <= 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  /** A name without its image extension ("a.b" of "a.b.jpg"); the name itself when it has none. */
  static String stem(String name) {
    String ext = extension(name);
    return ext.isEmpty() ? name : name.substring(0, name.length() - ext.length() - 1);
  }

  /** Decodes {@code file} with the default pixel limit, upright by its EXIF orientation. */
  public static Pixels read(Path file) {
    return read(file, DEFAULT_MAX_PIXELS);
  }

  /** Why {@code file}, no regular file, cannot be read as an image. */
  private static String notAFile(Path file) {
    if (Files.isDirectory(file)) {
      return "is a folder, not an image file";
    }
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return "no such file";
    }
    return Files.exists(file) ? NOT_REGULAR : "is a link to nothing (its target is gone)";
  }

  /**
   * Decodes {@code file} when its header says it has at most {@code maxPixels} pixels; any
   * problem is an {@link FgbgException} naming the file.
   */
  public static Pixels read(Path file, long maxPixels) {
    return read(file, maxPixels, FileStream::new);
  }

  /** {@link #read(Path, long)}, the file's stream opened by {@code open}. */
  static Pixels read(Path file, long maxPixels, FileStream.Opener open) {
    if (maxPixels < 1 || maxPixels > MAX_PIXELS_LIMIT) {
      throw new IllegalArgumentException("maxPixels = " + maxPixels + " must be in [1, "
          + MAX_PIXELS_LIMIT + "]");
    }
    String quick = quickProblem(file);
    if (quick != null) {
      throw FgbgException.invalidConfig(file + ": " + quick);
    }
    FileStream in;
    try {
      in = open.open(file.toFile());
    } catch (IOException e) {
      throw cannotRead(file, "an open that failed", e);
    }
    try (in) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        String format = ImageMagic.of(file);
        throw FgbgException.invalidConfig(file + ": " + (format == null
            ? "not a PNG or JPEG image" : notPngOrJpeg(file, format)));
      }
      ImageReader reader = readers.next();
      String format = reader.getFormatName().toUpperCase(Locale.ROOT);
      if (!format.equals("PNG") && !format.equals("JPEG")) { // ImageIO's, by bytes unnamed above
        reader.dispose();
        throw FgbgException.invalidConfig(file + ": " + notPngOrJpeg(file, format));
      }
      try {
        // JPEG metadata says whether the file is CMYK (and YCCK), which is decoded apart.
        reader.setInput(in, true, !CmykJpeg.isJpeg(reader));
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        checkSize(file, w, h, maxPixels);
        reader.addIIOReadWarningListener((source, warning) -> {
          throw new IllegalStateException(warning);
        });
        int cmyk = CmykJpeg.transform(reader);
        long need = DecodeMemory.need(w, h, cmyk >= 0 ? null : reader.getRawImageType(0));
        try (DecodeMemory.AutoCloseableNoThrow held = DecodeMemory.reserve(file, w, h, need)) {
          Pixels decoded = cmyk >= 0 ? CmykJpeg.pixels(reader.readRaster(0, null), cmyk)
              : pixels(reader.read(0, JpegProfile.asStored(reader)));
          return ExifOrientation.apply(decoded, orientation(file, format));
        }
      } finally {
        reader.dispose();
      }
    } catch (FgbgException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      if (in.failed() != null) { // the host's read, not the bytes: tried again next time
        throw cannotRead(file, "a read that failed", in.failed());
      }
      throw FgbgException.invalidConfig(file + ": unreadable or truncated image ("
          + decoderWords(e) + ")", e);
    }
  }

  /** The EXIF orientation {@code file} says; its readers see the end of a file as none. */
  private static int orientation(Path file, String format) {
    try {
      return format.equals("JPEG") ? ExifOrientation.of(file) : PngExif.of(file);
    } catch (IOException e) {
      throw cannotRead(file, "a read that failed", e);
    }
  }

  /** {@code file}'s open or read that failed on this host ({@link HostBound}). */
  private static FgbgException cannotRead(Path file, String what, IOException e) {
    return FgbgException.invalidConfig(file + ": cannot be read (" + InWords.of(e) + ")",
        new HostBound(what, e));
  }

  /**
   * Why {@code file} cannot be decoded, as far as that shows without decoding: no regular file,
   * no permission to read it, empty, or first bytes of a format fgbg does not read (ImageIO
   * knows no WebP, HEIC or AVIF; their magic says it, and a GIF's, BMP's or TIFF's); null when
   * it may be a PNG or JPEG. The decoder's first check, and the pre-pass that names such files
   * before a dataset's photos are decoded ({@link FolderFiles}), in the same words.
   */
  static String quickProblem(Path file) {
    try {
      if (!Files.isRegularFile(file)) { // a FIFO would block the reader for ever
        return notAFile(file);
      }
      if (!Files.isReadable(file)) {
        return "cannot be read (permission denied)";
      }
      if (Files.size(file) == 0) {
        return "is empty (0 bytes)";
      }
      String format = ImageMagic.of(file);
      return format == null || format.equals("PNG") || format.equals("JPEG") ? null
          : notPngOrJpeg(file, format);
    } catch (IOException e) {
      return "cannot be read (" + InWords.of(e) + ")";
    }
  }

  /** A file whose bytes are {@code format}'s, not a PNG's or JPEG's, and how to convert it. */
  private static String notPngOrJpeg(Path file, String format) {
    return "not a PNG or JPEG image (its bytes are " + ImageMagic.a(format) + " image's; "
        + ImageMagic.convert(format, file) + ")";
  }

  /** ImageIO's JPEG reader's words for a cut-short or corrupt file, in a user's words. */
  private static String decoderWords(Throwable e) {
    String words = InWords.of(e);
    return switch (words) {
      case "Truncated File - Missing EOI marker" -> "the file ends too early";
      // A file cut inside its header reads as a tables-only stream: no frame, no image.
      case "JFIF not permitted in stream metadata", "No image data present to read",
          "Invalid JPEG file structure: missing SOS marker" ->
          "the file ends before its image data";
      default -> words.startsWith("Bogus ") ? "corrupt or cut-short JPEG data: bad "
          + words.substring(6).toLowerCase(Locale.ROOT) : words;
    };
  }

  private static void checkSize(Path file, int w, int h, long maxPixels) {
    long pixels = (long) w * h;
    if (w < 1 || h < 1) {
      throw FgbgException.invalidConfig(file + ": the header says " + h + "x" + w
          + ", not an image");
    }
    if (pixels > maxPixels) {
      throw FgbgException.invalidConfig(String.format(Locale.ROOT, "%s: %dx%d is %,d pixels, "
          + "over the limit of %,d (refused before decoding; raise it with --max-image-pixels "
          + "or make the image smaller)", file, h, w, pixels, maxPixels));
    }
  }

  static Pixels pixels(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    byte[] out = new byte[Math.toIntExact(Math.multiplyExact((long) w * h, 4L))];
    ColorModel cm = img.getColorModel();
    boolean alpha = cm.hasAlpha();
    Raster r = img.getRaster();
    int colours = cm.getNumColorComponents();
    if (!(cm instanceof IndexColorModel) && (colours == 1 || colours == 3)
        && (colours == 1 || cm.getColorSpace().isCS_sRGB())) {
      int[] max = new int[r.getNumBands()];
      for (int b = 0; b < max.length; b++) {
        max[b] = (1 << cm.getComponentSize(b)) - 1;
      }
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int o = (y * w + x) * 4;
          for (int c = 0; c < 3; c++) {
            int band = colours == 1 ? 0 : c;
            out[o + c] = scale(r.getSample(x, y, band), max[band]);
          }
          out[o + 3] = alpha ? scale(r.getSample(x, y, colours), max[colours]) : (byte) 255;
        }
      }
    } else {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int argb = img.getRGB(x, y);
          int o = (y * w + x) * 4;
          out[o] = (byte) (argb >>> 16);
          out[o + 1] = (byte) (argb >>> 8);
          out[o + 2] = (byte) argb;
          out[o + 3] = alpha ? (byte) (argb >>> 24) : (byte) 255;
        }
      }
    }
    return new Pixels(w, h, out, alpha);
  }

  private static byte scale(int v, int max) {
    return (byte) (max == 255 ? v : (v * 255 + max / 2) / max);
  }
}
