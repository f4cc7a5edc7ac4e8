package dev.fgbg.client.cli;

import dev.fgbg.client.FgbgClient;
import dev.fgbg.v1.GalleryRequest;
import dev.fgbg.v1.GalleryResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fgbg gallery}: a PNG grid of image | mask | depth rows. */
@Command(name = "gallery", mixinStandardHelpOptions = true,
    description = "Write a PNG grid under column headers, one row per sample under its label "
        + "names: image | mask | depth (colour-mapped on one log scale between the grid's 1st and "
        + "99th percentiles, with a colour bar labelled in metres); small datasets are scaled up. "
        + "Rows: --indices, a selection (--range, --stride, --sample; at most 64 samples), or "
        + "--count drawn rows.")
final class GalleryCommand implements Callable<Integer> {
  @Mixin
  Connection connection;

  @Mixin
  DatasetChoice which;

  @Option(names = "--indices", split = ",", description = "Rows to show.")
  List<Long> indices;

  @Mixin
  SelectionFlags selection;

  /** The server's most rows (core Gallery.MAX_ROWS), checked here to name the flag. */
  private static final int MAX_COUNT = 64;

  @Option(names = "--count", description = "Rows when neither --indices nor a selection is "
      + "given: samples drawn from --seed with distinct backgrounds and distinct cut-outs. "
      + "Default (left out): 8; 1 to 64.")
  Integer count;

  @Option(names = "--instances", description = "Add a column of instance masks: a colour per "
      + "instance, each captioned with its label.")
  boolean instances;

  @Option(names = "--out", required = true, description = "PNG file to write.")
  Path out;

  @Option(names = "--backgrounds", description = "A column of each row's background, beside "
      + "its composite (and of its depth, on the depth's colour scale, when it has depth).")
  boolean backgrounds;

  @Override
  public Integer call() throws Exception {
    if (count != null && count < 1) {
      // 0 is the request's "default": said here rather than silently drawing 8 rows.
      throw new IllegalArgumentException("--count " + count + " must be at least 1; leave it "
          + "out for 8 rows");
    }
    if (count != null && count > MAX_COUNT) {
      throw new IllegalArgumentException("--count " + count + " must be at most "
          + MAX_COUNT + " (rows of one gallery)");
    }
    GalleryRequest.Builder r = GalleryRequest.newBuilder().setSeed(which.seed)
        .setCount(count == null ? 0 : count).setBackgrounds(backgrounds).setInstances(instances);
    if (indices != null) {
      r.addAllIndices(indices);
    }
    long[] ab = selection.range();
    r.setStart(ab[0]).setEnd(ab[1]).setStride(selection.stride()).setSample(selection.sample());
    try (FgbgClient c = connection.client()) {
      GalleryResponse g = c.gallery(r.setDataset(which.name(c)).build());
      if (out.getParent() != null) {
        Files.createDirectories(out.getParent());
      }
      // Whole or not at all: a full disk leaves a previous gallery as it was.
      OutputFile.write(out, g.getPng()::writeTo);
      System.out.println(out + " (" + g.getHeight() + "x" + g.getWidth() + " px, height x "
          + "width as every size fgbg shows; " + g.getIndicesCount() + " samples)");
    }
    return 0;
  }
}
