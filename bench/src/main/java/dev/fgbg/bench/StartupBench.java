package dev.fgbg.bench;

import dev.fgbg.core.assets.AssetSet;
import dev.fgbg.core.assets.FolderAssets;
import dev.fgbg.core.assets.FolderDataset;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.spec.Spec;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Start-up on a photo folder of the kind users bring: 160×160 JPEG office photos and RGBA
 * cut-outs about 150 px on the long side, half of them wider than tall. Times a server process
 * from launch to listening (JVM, built-in world, every folder file checked and decoded), and the
 * folder load alone in this JVM; with {@code --photo-cache}, a first and second start on one new
 * {@code --cache-dir} too (larger photos, {@code --photo-size}, show what the cache saves).
 */
@Command(name = "startup", mixinStandardHelpOptions = true,
    description = "Server start-up on generated photo folders (160x160 JPEG + RGBA cut-outs).")
final class StartupBench implements Callable<Integer> {
  @Option(names = "--backgrounds", description = "Default: 100.")
  int backgrounds = 100;

  @Option(names = "--foregrounds", description = "Default: 100.")
  int foregrounds = 100;

  @Option(names = "--runs", description = "Server starts to time. Default: 3.")
  int runs = 3;

  @Option(names = "--dir", description = "Where the photos are written. Default: a temp folder.")
  Path dir;

  @Option(names = "--photo-size", description = "Backgrounds' side in pixels. Default: 160.")
  int photoSize = 160;

  @Option(names = "--photo-cache", description = "Also time two starts with one new --cache-dir:"
      + " the first decodes and keeps the photos, the second reads them (their ratio).")
  boolean photoCache;

  /** Its --server-args take e.g. '--fg-scale 0.3:0.4' for a server that refuses wide cut-outs. */
  @Mixin
  ServerJar jar;

  @Override
  public Integer call() throws Exception {
    Path root = dir == null ? Files.createTempDirectory("fgbg-bench-startup") : dir;
    Path bg = root.resolve("backgrounds");
    Path fg = root.resolve("cutouts");
    write(bg, fg);
    FolderDataset folder = new FolderDataset("office", bg, fg, null, FolderDataset.MaskFrom.ALPHA);
    double[] load = new double[runs];
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      AssetSet a = FolderAssets.load(folder, 224, 224);
      new Dataset("office", a, Spec.builder().build());
      load[r] = (System.nanoTime() - t0) / 1e9;
    }
    double[] start = new double[runs];
    List<String> args = new ArrayList<>(List.of("--bg", bg.toString(), "--fg", fg.toString(),
        "--name", "office"));
    args.addAll(jar.args);
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      try (ServerProcess server = new ServerProcess(jar.jar, args)) {
        start[r] = (System.nanoTime() - t0) / 1e9;
      }
    }
    System.err.printf(Locale.ROOT, "%d + %d files in %s; folder load in this JVM: %s s; server "
        + "launch to listening: %s s%n", backgrounds, foregrounds, root, list(load), list(start));
    if (photoCache) {
      cachedStarts(args);
    }
    System.out.printf(Locale.ROOT, "startup s: %.2f%n", median(start));
    return 0;
  }

  /** A start that fills a new --cache-dir with the prepared photos, then one that reads them. */
  private void cachedStarts(List<String> args) throws Exception {
    List<String> cached = new ArrayList<>(args);
    cached.addAll(List.of("--cache-dir", Files.createTempDirectory("fgbg-bench-photos")
        .toString()));
    double[] t = new double[2];
    for (int r = 0; r < 2; r++) {
      long t0 = System.nanoTime();
      try (ServerProcess server = new ServerProcess(jar.jar, cached)) {
        t[r] = (System.nanoTime() - t0) / 1e9;
      }
    }
    System.err.printf(Locale.ROOT, "with --cache-dir: first start %.2f s (decodes, keeps), "
        + "second %.2f s (reads the photos kept)%n", t[0], t[1]);
    System.out.printf(Locale.ROOT, "photo cache second/first start: %.2f%n", t[1] / t[0]);
  }

  private void write(Path bg, Path fg) throws IOException {
    SplittableRandom rnd = new SplittableRandom(10);
    Files.createDirectories(bg);
    Files.createDirectories(fg);
    for (int i = 0; i < backgrounds; i++) {
      ImageIO.write(photo(rnd, photoSize), "jpeg",
          bg.resolve(String.format("office%03d.jpg", i)).toFile());
    }
    for (int i = 0; i < foregrounds; i++) {
      // Long side 150; aspect (width / height) from 0.4 to 2.3, so about half are wider.
      double aspect = 0.4 + 1.9 * rnd.nextDouble();
      int w = aspect >= 1 ? 150 : (int) Math.round(150 * aspect);
      int h = aspect >= 1 ? (int) Math.round(150 / aspect) : 150;
      ImageIO.write(cutOut(w, h, rnd), "png", fg.resolve(String.format("fg%03d.png", i)).toFile());
    }
  }

  /** A room-like photo: wall and floor gradients, a few boxes of furniture, sensor noise. */
  private static BufferedImage photo(SplittableRandom rnd, int side) {
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    int wall = rnd.nextInt(0xffffff);
    int horizon = (80 + rnd.nextInt(40)) * side / 160;
    int[][] boxes = new int[4][];
    for (int b = 0; b < boxes.length; b++) {
      boxes[b] = new int[] {rnd.nextInt(140) * side / 160, rnd.nextInt(120) * side / 160,
          (10 + rnd.nextInt(40)) * side / 160, (10 + rnd.nextInt(40)) * side / 160,
          rnd.nextInt(0xffffff)};
    }
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        int c = y < horizon ? shade(wall, 0.6 + 0.4 * y / horizon) : shade(0x806040, 0.5 + 0.5
            * (y - horizon) / ((double) side - horizon));
        for (int[] b : boxes) {
          if (x >= b[0] && x < b[0] + b[2] && y >= b[1] && y < b[1] + b[3]) {
            c = b[4];
          }
        }
        img.setRGB(x, y, noise(c, rnd));
      }
    }
    return img;
  }

  /** Textured colour inside a soft ellipse of alpha. */
  private static BufferedImage cutOut(int w, int h, SplittableRandom rnd) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    int colour = rnd.nextInt(0xffffff);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double dx = (x + 0.5 - w / 2.0) / (w / 2.0);
        double dy = (y + 0.5 - h / 2.0) / (h / 2.0);
        double edge = (1 - Math.hypot(dx, dy)) * Math.min(w, h) / 2.0;
        int a = (int) Math.round(Math.max(0, Math.min(1, edge)) * 255);
        img.setRGB(x, y, a << 24 | noise(shade(colour, 0.7 + 0.3 * y / h), rnd));
      }
    }
    return img;
  }

  private static int shade(int rgb, double f) {
    int r = (int) (((rgb >> 16) & 255) * f);
    int g = (int) (((rgb >> 8) & 255) * f);
    int b = (int) ((rgb & 255) * f);
    return (r << 16) | (g << 8) | b;
  }

  private static int noise(int rgb, SplittableRandom rnd) {
    int out = 0;
    for (int shift = 0; shift <= 16; shift += 8) {
      int v = ((rgb >> shift) & 255) + rnd.nextInt(-8, 9);
      out |= Math.max(0, Math.min(255, v)) << shift;
    }
    return out;
  }

  private static String list(double[] v) {
    return String.join(" ", Arrays.stream(v).mapToObj(d -> String.format(Locale.ROOT, "%.2f", d))
        .toList());
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
