package dev.fgbg.core.assets;

import dev.fgbg.core.Quoted;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Palette (P mode) masks that load but are likely misread: their pixels are palette colours,
 * read by luminance (or the palette's alpha), not by index, so a class colour that is neither
 * black nor white pastes its cut-out partly see-through (VOC's person, 192,128,128, reads 147:
 * 58% opaque). Their bytes are used as they are (a dataset that works keeps its images); one
 * start-up warning names them.
 */
final class PaletteMasks {
  /** How many files the warning names. */
  static final int NAMED = 5;
  /** How many partial palette entries a file's note names. */
  private static final int ENTRIES = 3;

  private PaletteMasks() {}

  /**
   * "masks/o.png: palette index 15 reads as 147 of 255, ...", for a palette PNG {@code file}
   * whose {@code values} (its mask as read from its pixels {@code m}) are not all 0 or 255;
   * otherwise null.
   */
  static String note(Path file, ImageFiles.Pixels m, byte[] values) {
    if (!partial(values) || !FaintMask.palette(file)) {
      return null;
    }
    Map<Integer, Integer> valueOf = new HashMap<>(); // each partial pixel's ARGB: its value
    byte[] rgba = m.rgba();
    for (int i = 0; i < values.length; i++) {
      int v = values[i] & 0xff;
      if (v != 0 && v != 255) {
        int o = i * 4;
        valueOf.put((rgba[o + 3] & 0xff) << 24 | (rgba[o] & 0xff) << 16
            | (rgba[o + 1] & 0xff) << 8 | rgba[o + 2] & 0xff, v);
      }
    }
    List<int[]> entries = new ArrayList<>(); // {index, value}, by index
    int[] palette = palette(file);
    for (int i = 0; i < palette.length && !valueOf.isEmpty(); i++) {
      Integer v = valueOf.remove(palette[i]);
      if (v != null) {
        entries.add(new int[] {i, v});
      }
    }
    if (entries.isEmpty()) { // its palette could not be read again: say what is sure
      int v = valueOf.values().stream().sorted().findFirst().orElseThrow();
      return String.format(Locale.ROOT, "%s: a palette colour reads as %d of 255, so the cut-out"
          + " is pasted %d%% opaque", file, v, percent(v));
    }
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s: palette index %d reads"
        + " as %d of 255, so the cut-out is pasted %d%% opaque", file, entries.get(0)[0],
        entries.get(0)[1], percent(entries.get(0)[1])));
    for (int[] e : entries.subList(1, Math.min(ENTRIES, entries.size()))) {
      s.append(String.format(Locale.ROOT, ", index %d as %d (%d%%)", e[0], e[1], percent(e[1])));
    }
    if (entries.size() > ENTRIES) {
      s.append(", and ").append(entries.size() - ENTRIES).append(" more indices");
    }
    return s.toString();
  }

  /** The start-up warning for {@code notes} of {@code total} foregrounds; null: none. */
  static String line(String dataset, List<String> notes, int total) {
    if (notes.isEmpty()) {
      return null;
    }
    return String.format(Locale.ROOT, "dataset %s: %d of %d foreground masks are palette (P mode)"
        + " PNGs, read by their colours' luminance (or their palette's alpha), not by their"
        + " class indices, so their cut-outs are pasted partly transparent: %s%s. To use a class"
        + " as a whole cut-out, save it as a grey 0/255 mask, e.g."
        + " Image.fromarray(((np.array(im) == k) * 255).astype(np.uint8)) for class index k",
        Quoted.of(dataset), notes.size(), total, String.join("; ", notes.subList(0, Math.min(NAMED,
            notes.size()))), notes.size() > NAMED ? "; ... and " + (notes.size() - NAMED)
            + " more" : "");
  }

  private static boolean partial(byte[] values) {
    for (byte v : values) {
      if (v != 0 && v != (byte) 255) {
        return true;
      }
    }
    return false;
  }

  private static int percent(int v) {
    return (int) Math.round(v * 100.0 / 255);
  }

  /** The file's palette as ARGB (opaque where it has no alpha), read from its header. */
  private static int[] palette(Path file) {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        return new int[0];
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        if (!(reader.getRawImageType(0).getColorModel() instanceof IndexColorModel cm)) {
          return new int[0];
        }
        int[] argb = new int[cm.getMapSize()];
        cm.getRGBs(argb);
        return argb;
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      return new int[0]; // it was decoded a moment ago; the note then says less
    }
  }
}
