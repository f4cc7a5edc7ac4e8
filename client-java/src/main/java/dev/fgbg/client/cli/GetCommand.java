package dev.fgbg.client.cli;

import com.google.protobuf.ByteString;
import dev.fgbg.client.Batch;
import dev.fgbg.client.FgbgClient;
import dev.fgbg.common.DepthColors;
import dev.fgbg.common.InstanceColors;
import dev.fgbg.common.Npy;
import dev.fgbg.common.ProtoJson;
import dev.fgbg.v1.DatasetInfo;
import dev.fgbg.v1.DepthDtype;
import dev.fgbg.v1.GetSamplesRequest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fgbg get}: writes image, mask, viewable depth, instance and meta files for chosen
 * samples, those of the outputs asked for.
 */
@Command(name = "get", mixinStandardHelpOptions = true,
    description = "Fetch samples by index and write {i}_image.png, {i}_mask.png, "
        + "{i}_depth.png (colour-mapped, near = bright) with {i}_depth.npy (the served values, "
        + "metres: float16, or float32 with --depth-dtype float32), {i}_instances.png (a "
        + "colour per instance, background dark grey; with --outputs instances) with "
        + "{i}_instance_ids.png "
        + "(the ids themselves, 8-bit greyscale: 0 background, k = meta.scene.instances[k-1]) "
        + "and {i}_meta.json (the "
        + "SampleMeta: snake_case fields, numbers); with --outputs background,background_depth "
        + "also {i}_background.png and {i}_background_depth.png (with its .npy).")
final class GetCommand implements Callable<Integer> {
  @Mixin
  Connection connection;

  @Mixin
  DatasetChoice which;

  @Option(names = "--indices", split = ",", required = true, description = "Indices and ranges "
      + "A:B (B exclusive, as --range takes them), comma-separated: e.g. 0,7,399999 or "
      + "0:5,7,10:12.")
  List<String> indices;

  @Option(names = "--out", required = true, description = "Folder to write into (created).")
  Path out;

  @Option(names = "--outputs", split = ",", description = "Any of image,mask,depth,meta,"
      + "instances,background,background_depth. Default: image, mask, depth (if any) and meta"
      + " (the others are asked for by name).")
  List<String> outputs;

  @Option(names = "--depth-dtype", description = "float16 (default) or float32: the values of "
      + "the .npy depth files.")
  String depthDtype = "float16";

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(out);
    try (FgbgClient c = connection.client()) {
      GetSamplesRequest.Builder r = GetSamplesRequest.newBuilder().setSeed(which.seed)
          .setDepthDtype(Args.depthDtype(depthDtype));
      if (outputs != null) {
        r.addAllOutputs(Args.outputs(outputs, true));
      }
      String dataset = which.name(c);
      r.setDataset(dataset);
      DatasetInfo info = c.describe(dataset);
      PrimitiveIterator.OfLong all = Args.indices(indices, info.getSize());
      // More indices than one call takes go in several calls (describe says how many).
      int most = Math.max(1, info.getMaxGetSamples());
      while (all.hasNext()) {
        r.clearIndices();
        for (int n = 0; n < most && all.hasNext(); n++) {
          r.addIndices(all.nextLong());
        }
        writeAll(c.getSamples(r.build()));
      }
    }
    return 0;
  }

  /**
   * Writes each sample of {@code b} as files named by its index, and prints them, one line per
   * sample, separated by spaces: every file, so that none written goes unsaid.
   */
  private void writeAll(Batch b) throws IOException {
    for (int s = 0; s < b.size(); s++) {
      long i = b.indices().get(s);
      List<Path> written = new ArrayList<>();
      if (!b.images().isEmpty()) {
        written.add(write(rgb(b.image(s), b.width(), b.height()), out.resolve(i + "_image.png")));
      }
      if (!b.masks().isEmpty()) {
        written.add(write(gray(b.mask(s), b.width(), b.height()), out.resolve(i + "_mask.png")));
      }
      if (!b.instances().isEmpty()) {
        BufferedImage ids = new BufferedImage(b.width(), b.height(), BufferedImage.TYPE_INT_RGB);
        ids.setRGB(0, 0, b.width(), b.height(), InstanceColors.colorize(
            b.instances(s).toByteArray(), 0, b.width() * b.height()), 0, b.width());
        written.add(write(ids, out.resolve(i + "_instances.png")));
        // The colours are for eyes; the ids themselves, as exports store them, read back.
        written.add(write(gray(b.instances(s), b.width(), b.height()),
            out.resolve(i + "_instance_ids.png")));
      }
      if (!b.depth().isEmpty()) {
        written.add(write(depth(b, b.depth(s)), out.resolve(i + "_depth.png")));
        written.add(npy(b, b.depth(s), out.resolve(i + "_depth.npy")));
      }
      if (!b.backgrounds().isEmpty()) {
        written.add(write(rgb(b.background(s), b.width(), b.height()),
            out.resolve(i + "_background.png")));
      }
      if (!b.backgroundDepths().isEmpty()) {
        written.add(write(depth(b, b.backgroundDepth(s)),
            out.resolve(i + "_background_depth.png")));
        written.add(npy(b, b.backgroundDepth(s), out.resolve(i + "_background_depth.npy")));
      }
      if (!b.meta().isEmpty()) {
        written.add(OutputFile.write(out.resolve(i + "_meta.json"),
            (ProtoJson.print(b.meta().get(s)) + "\n").getBytes(StandardCharsets.UTF_8)));
      }
      System.out.println(written.stream().map(Path::toString).collect(Collectors.joining(" ")));
    }
  }

  /** A depth map, colour-mapped (near = bright). */
  private static BufferedImage depth(Batch b, ByteString values) {
    int[] colours = DepthColors.colorize(DepthColors.decode(values,
        b.depthDtype() == DepthDtype.DEPTH_DTYPE_FLOAT32 ? 4 : 2));
    BufferedImage d = new BufferedImage(b.depthWidth(), b.depthHeight(),
        BufferedImage.TYPE_INT_RGB);
    d.setRGB(0, 0, b.depthWidth(), b.depthHeight(), colours, 0, b.depthWidth());
    return d;
  }

  /** A depth map's served values as an .npy file (little-endian, rows of the map's width). */
  private static Path npy(Batch b, ByteString values, Path file) throws IOException {
    String descr = b.depthDtype() == DepthDtype.DEPTH_DTYPE_FLOAT32 ? "<f4" : "<f2";
    byte[] v = values.toByteArray();
    return OutputFile.write(file, Npy.file(descr, v, 0, v.length, b.depthHeight(),
        b.depthWidth()));
  }

  private static BufferedImage rgb(ByteString bytes, int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int[] px = new int[w * h];
    for (int p = 0; p < px.length; p++) {
      px[p] = ((bytes.byteAt(p * 3) & 255) << 16) | ((bytes.byteAt(p * 3 + 1) & 255) << 8)
          | (bytes.byteAt(p * 3 + 2) & 255);
    }
    img.setRGB(0, 0, w, h, px, 0, w);
    return img;
  }

  private static BufferedImage gray(ByteString bytes, int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setDataElements(0, 0, w, h, bytes.toByteArray());
    return img;
  }

  /** Writes {@code img} as a PNG file, whole or not at all (see OutputFile). */
  private static Path write(BufferedImage img, Path file) throws IOException {
    // Encoded in memory first: ImageIO wraps a failing file's IOException ("No space left on
    // device") in its own "I/O error writing PNG file!".
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    if (!ImageIO.write(img, "png", png)) {
      throw new IOException("no PNG writer for " + file);
    }
    return OutputFile.write(file, png::writeTo);
  }
}
