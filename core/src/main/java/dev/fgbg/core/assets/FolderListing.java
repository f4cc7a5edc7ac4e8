package dev.fgbg.core.assets;

import dev.fgbg.common.FileNameEncoding;
import dev.fgbg.common.InWords;
import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The image files under a folder, in sorted relative-name order. Links are followed (a link to
 * a file or folder elsewhere is read where it points); whatever has an image's name but cannot
 * be one is named as a problem, never skipped in silence: a FIFO, socket or device, a dangling
 * link, a link loop, a folder with an image's name that holds no image (a photo replaced by an
 * empty folder of its name), a folder that cannot be read, a name that is not valid in the
 * file-name encoding, an image format fgbg does not read, a PNG or JPEG under a name with no
 * extension (a camera's IMG_0001: told by its first bytes). Other files (labels.csv, notes, a
 * backup's x.jpg.orig, a camera's .THM thumbnail) are ignored, and so are hidden files and
 * folders (a name starting with '.').
 */
final class FolderListing {
  /** Image formats people put in photo folders that fgbg does not read. */
  private static final Set<String> UNSUPPORTED = Set.of("gif", "bmp", "webp", "tif", "tiff",
      "heic", "heif", "avif");

  private static final String RENAME = "; rename it to ";

  private FolderListing() {}

  /** One listed image: its '/'-separated name relative to the folder, and its path. */
  record ImageFile(String name, Path path) {}

  /** A folder as given, and where it was looked for when that was relative. */
  static String tried(Path dir) {
    return dir.isAbsolute() ? dir.toString() : dir + " (" + dir.toAbsolutePath() + ")";
  }

  static List<ImageFile> list(Path dir, String what, Problems problems) {
    if (dir == null) {
      problems.add("no " + what + " folder given");
      return List.of();
    }
    if (!Files.isDirectory(dir)) {
      problems.add(what + " folder " + tried(dir) + " does not exist or is not a folder");
      return List.of();
    }
    List<ImageFile> out = new ArrayList<>();
    int[] unreadable = new int[1]; // names the JVM's encoding could not read
    int[] hidden = new int[1];
    int[] misnamed = new int[1]; // PNG or JPEG bytes under a name not read as one
    // Images listed when each folder with an image's name was entered: none more by its end
    // means the folder stands where a photo was, and is named rather than passed over.
    Map<Path, Integer> imageNamed = new HashMap<>();
    try {
      Path real = dir.toRealPath();
      Files.walkFileTree(dir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
                throws IOException {
              // A link to a folder above this one (bg/up -> ..) would list the folders beside
              // it (the cut-outs) as its images before the walk met the loop itself.
              if (!d.equals(dir) && hidden(d)) {
                return FileVisitResult.SKIP_SUBTREE;
              }
              if (!d.equals(dir) && real.startsWith(d.toRealPath())) {
                problems.add(d, "a symbolic link loop (a link to a folder that holds it)");
                return FileVisitResult.SKIP_SUBTREE;
              }
              if (!d.equals(dir) && ImageFiles.isImage(d)) {
                imageNamed.put(d, out.size());
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (hidden(file)) {
                hidden[0] += ImageFiles.isImage(file) ? 1 : 0;
                return FileVisitResult.CONTINUE;
              }
              String problem = problem(file, attrs);
              if (problem != null) {
                problems.add(file, problem);
                unreadable[0] += file.toString().indexOf('\uFFFD') >= 0 ? 1 : 0;
                misnamed[0] += problem.contains(RENAME) ? 1 : 0;
              } else if (attrs.isRegularFile() && ImageFiles.isImage(file)) {
                out.add(new ImageFile(dir.relativize(file).toString().replace('\\', '/'),
                    file));
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              boolean unread = !FileNameEncoding.utf8() && file.toString().indexOf('\uFFFD') >= 0;
              unreadable[0] += unread ? 1 : 0;
              problems.add(file, unread ? "cannot be read: " + FileNameEncoding.cause()
                  : e instanceof FileSystemLoopException
                  ? "a symbolic link loop (a link to a folder that holds it)"
                  : "cannot be read (" + InWords.of(e) + ")" + (Files.isDirectory(file)
                      ? ": the images in it cannot be listed" : ""));
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) {
              if (e != null) {
                problems.add(d, "cannot be listed whole (" + InWords.of(e) + ")");
              } else if (imageNamed.containsKey(d) && imageNamed.get(d) == out.size()) {
                problems.add(d, "is a folder, not an image, and holds no images; remove it or "
                    + "put the image back");
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException | RuntimeException e) {
      problems.add("cannot list " + what + " folder " + dir + ": " + InWords.of(e));
      return List.of();
    }
    // No image beside names the JVM could not read: those lines say why, not "holds none".
    if (out.isEmpty() && (FileNameEncoding.utf8() || unreadable[0] == 0)) {
      problems.add(what + " folder " + dir + " holds no PNG or JPEG images ("
          + ImageFiles.EXTENSION_WORDS + ", any case)"
          + (hidden[0] > 0 ? "; " + hidden[0] + " hidden file(s) with such a name, starting "
          + "with '.', are not read" : "")
          + (misnamed[0] > 0 ? "; " + misnamed[0] + " file(s) named below are PNG or JPEG "
          + "images under another name: rename them" : ""));
    }
    out.sort(Comparator.comparing(ImageFile::name));
    return out;
  }

  /**
   * A name starting with '.': what file browsers hide (.thumbnails/, the ._x.jpg a Mac's copy
   * leaves beside x.jpg) is no one's training image.
   */
  private static boolean hidden(Path p) {
    return p.getFileName().toString().startsWith(".");
  }

  /** Why {@code file} (with an image's name) cannot be read as one, or null. */
  private static String problem(Path file, BasicFileAttributes attrs) {
    boolean image = ImageFiles.isImage(file);
    String ext = ImageFiles.extension(file.getFileName().toString());
    if (!image && !UNSUPPORTED.contains(ext)) {
      // A FIFO is never opened: reading it would wait for ever.
      return attrs.isRegularFile() ? misnamed(file, ext) : null;
    }
    if (attrs.isSymbolicLink()) { // following it failed: dangling, or a loop
      return link(file);
    }
    if (!attrs.isRegularFile()) {
      return ImageFiles.NOT_REGULAR;
    }
    if (!image) {
      return unsupported(file, ext);
    }
    if (file.toString().indexOf('\uFFFD') >= 0) {
      // In an ASCII JVM every non-ASCII name reads so: the JVM is at fault, not the name.
      return FileNameEncoding.utf8()
          ? "its name is not valid in the file-name encoding (UTF-8 expected); rename it"
          : "cannot be read: " + FileNameEncoding.cause();
    }
    return null;
  }

  /**
   * What a file with an unsupported image extension is, by its bytes: a name alone says
   * nothing true of a text file called photo.heic, nor of a JPEG saved as .webp.
   */
  private static String unsupported(Path file, String ext) {
    String named = ImageMagic.ofExtension(ext);
    String format;
    try {
      if (Files.size(file) == 0) {
        return "is named ." + ext + " but is empty (0 bytes); remove it";
      }
      format = ImageMagic.of(file);
    } catch (IOException e) {
      return "cannot be read (" + InWords.of(e) + ")";
    }
    if (format == null) {
      return "is named ." + ext + " but its bytes are not an image (not " + ImageMagic.a(named)
          + " nor any format fgbg knows); remove it";
    }
    if (format.equals("PNG") || format.equals("JPEG")) {
      return "is named ." + ext + " but its bytes are a " + format + " image's" + rename(file,
          format);
    }
    // .heic and .heif name the same container; only the brand inside tells them apart.
    boolean same = format.equals(named) || format.startsWith("HEI") && named.startsWith("HEI");
    String how = ImageMagic.tools(format, file);
    return (same ? "is " + ImageMagic.a(format) + " image" : "is named ." + ext + " but its "
        + "bytes are " + ImageMagic.a(format) + " image's") + "; fgbg reads PNG and JPEG (convert "
        + "it" + (how == null ? "" : ", " + how + ";") + " or remove it)";
  }

  /**
   * Why a file with no extension (IMG_0001) is an image by its bytes, or null when it is not
   * (a README, one that cannot be read): a camera's photo is named rather than left out in
   * silence. A file with another extension says what it is (x.jpg.orig, a camera's .THM
   * thumbnail, labels.csv) and is ignored: a backup must not stop a strict start-up.
   */
  private static String misnamed(Path file, String ext) {
    if (!ext.isEmpty()) {
      return null;
    }
    String format;
    try {
      format = ImageMagic.of(file);
    } catch (IOException e) {
      return null; // nothing says it is an image: ignored, as any other file
    }
    if (!"PNG".equals(format) && !"JPEG".equals(format)) {
      return null;
    }
    return "has no extension but its bytes are a " + format + " image's" + rename(file, format);
  }

  /** "; rename it to x.jpg (…)": the name fgbg reads {@code file} by. */
  private static String rename(Path file, String format) {
    return RENAME + ImageFiles.stem(file.getFileName().toString())
        + (format.equals("PNG") ? ".png" : ".jpg") + " (fgbg reads "
        + ImageFiles.EXTENSION_WORDS + ")";
  }

  private static String link(Path file) {
    String target;
    try {
      target = "'" + Files.readSymbolicLink(file) + "'";
    } catch (IOException | UnsupportedOperationException e) {
      target = "a target that cannot be read";
    }
    try {
      Files.readAttributes(file, BasicFileAttributes.class);
      return "is a symbolic link to " + target + " that cannot be read";
    } catch (NoSuchFileException e) {
      return "is a symbolic link to " + target + ", which does not exist";
    } catch (IOException e) {
      String why = InWords.of(e);
      return "is a symbolic link to " + target + ": " + (why.contains("loop")
          ? "a symbolic link loop" : why);
    }
  }
}
