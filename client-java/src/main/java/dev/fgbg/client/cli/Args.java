package dev.fgbg.client.cli;

import dev.fgbg.v1.DepthDtype;
import dev.fgbg.v1.Output;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.PrimitiveIterator;
import java.util.stream.LongStream;

/** Flag values shared by several verbs, parsed once, with messages naming the flag. */
final class Args {
  private Args() {}

  /**
   * --outputs: any of image, mask, depth, instances, background, background_depth (and meta
   * where {@code meta} is allowed).
   */
  static List<Output> outputs(List<String> names, boolean meta) {
    List<Output> out = new ArrayList<>();
    for (String o : names) {
      switch (o.trim().toLowerCase(Locale.ROOT)) {
        case "image" -> out.add(Output.OUTPUT_IMAGE);
        case "mask" -> out.add(Output.OUTPUT_MASK);
        case "depth" -> out.add(Output.OUTPUT_DEPTH);
        case "instances" -> out.add(Output.OUTPUT_INSTANCES);
        case "background" -> out.add(Output.OUTPUT_BACKGROUND);
        case "background_depth" -> out.add(Output.OUTPUT_BACKGROUND_DEPTH);
        case "meta" -> {
          if (!meta) {
            throw new IllegalArgumentException("--outputs: meta is always exported; use image, "
                + "mask, depth or instances");
          }
          out.add(Output.OUTPUT_META);
        }
        default -> throw new IllegalArgumentException("--outputs: '" + o + "' is not one of "
            + "image, mask, depth, " + (meta ? "meta, " : "")
            + "instances, background, background_depth");
      }
    }
    return out;
  }

  /** --depth-dtype: float16 (the default) or float32. */
  static DepthDtype depthDtype(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "float16" -> DepthDtype.DEPTH_DTYPE_FLOAT16;
      case "float32" -> DepthDtype.DEPTH_DTYPE_FLOAT32;
      default -> throw new IllegalArgumentException("--depth-dtype '" + name
          + "' must be float16 or float32");
    };
  }

  /**
   * --indices: each item an index N or a range A:B (B exclusive, as --range), in the order
   * given, drawn lazily. A range is checked against the dataset's {@code size} before any index
   * is drawn, so that one past the end fails at once, naming the flag, rather than after the
   * files of its first indices were written; a single index is the server's to check.
   */
  static PrimitiveIterator.OfLong indices(List<String> items, long size) {
    List<long[]> ranges = new ArrayList<>(); // first and last index, both included
    for (String item : items) {
      String t = item.trim();
      long[] ab;
      try {
        ab = t.contains(":") ? range(t) : null;
        if (ab == null) {
          long i = Long.parseLong(t);
          ranges.add(new long[] {i, i});
          continue;
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--indices: '" + t + "' is not an index N or a range"
            + " A:B (B exclusive); e.g. --indices 0:5,7,10:12");
      }
      if (ab[0] < 0 || ab[1] > size || ab[0] >= ab[1]) {
        throw new IllegalArgumentException("--indices: '" + t + "' " + (ab[0] >= ab[1]
            ? "is empty (A:B holds A to B-1)" : "reaches outside the dataset's indices 0:"
            + size + " (B exclusive)"));
      }
      ranges.add(new long[] {ab[0], ab[1] - 1});
    }
    return ranges.stream().flatMapToLong(r -> LongStream.rangeClosed(r[0], r[1])).iterator();
  }

  /** --range A:B (B exclusive) as {A, B}. */
  static long[] range(String range) {
    String[] p = range.split(":");
    try {
      if (p.length == 2) {
        return new long[] {Long.parseLong(p[0].trim()), Long.parseLong(p[1].trim())};
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--range '" + range + "' must be two integers A:B");
  }
}
