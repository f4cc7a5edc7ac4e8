package dev.fgbg.core.assets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Why a cut-out whose alpha never reaches the mask threshold is refused, in words, saying what
 * its mask file most likely is: a 0/1 mask (its most is 1), or a palette PNG such as a VOC
 * class mask, read by its colours, not its indices. For those two a lower threshold is no cure:
 * the mask is also the cut-out's opacity, so it would be labelled but hardly show.
 */
final class FaintMask {
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  /** IHDR's colour type, after the signature, the chunk's length and type, width and height. */
  private static final int COLOUR_TYPE = 25;
  private static final int PALETTE = 3;

  /** Where a luminance mask came from, as the refusal says it. */
  static final String LUMINANCE = "its luminance (--mask-from luminance)";

  private FaintMask() {}

  /**
   * The refusal: {@code maskWord} says where the alpha came from, {@code maskFile} is the mask
   * file read for it (null: none), {@code most} its largest value.
   */
  static String message(String maskWord, Path maskFile, int most, int threshold) {
    String head = "is faint everywhere: " + maskWord + " is at most " + most
        + ", under the mask threshold " + threshold;
    String noLower = " (a lower --mask-threshold would not do: the mask is also the cut-out's"
        + " opacity, so at " + most + " of 255 it would hardly show in the image)";
    if (maskFile != null && palette(maskFile)) {
      return head + ": it is a palette (P mode) PNG, such as a VOC class mask, and its pixels"
          + " are read as their palette colours (the mask is their luminance, or the palette's"
          + " alpha where it has one), not as palette indices; save the cut-out's class as a"
          + " grey 0/255 mask, e.g. Image.fromarray(((np.array(im) == k) * 255)"
          + ".astype(np.uint8)) for class index k" + noLower;
    }
    if (maskFile != null && most == 1) {
      return head + ": it looks like a 0/1 mask; save it as 0/255, e.g. Image.fromarray(m * 255)"
          + " of its uint8 array m" + noLower;
    }
    String swapped = maskWord.equals(LUMINANCE) ? "; with --mask-from luminance a cut-out is a"
        + " light object on a dark ground (a white digit on black): if this is a photo, are --bg"
        + " and --fg swapped?" : "";
    return head + ", so it would show in the image but every mask of it would be empty; lower"
        + " --mask-threshold or use --soft-mask (maskThreshold, softMask in a config file)"
        + swapped;
  }

  /** Whether {@code file} is a PNG whose header says its pixels are palette indices. */
  static boolean palette(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(COLOUR_TYPE + 1);
      return head.length == COLOUR_TYPE + 1 && Arrays.equals(head, 0, PNG.length, PNG, 0,
          PNG.length) && new String(head, 12, 4, StandardCharsets.US_ASCII).equals("IHDR")
          && head[COLOUR_TYPE] == PALETTE;
    } catch (IOException e) {
      return false; // it was read a moment ago; without its header, say what is sure
    }
  }
}
