package dev.fgbg.client.cli;

import dev.fgbg.v1.Output;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
