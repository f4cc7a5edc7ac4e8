package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Fixtures;
import dev.fgbg.core.TinyOnnx;
import dev.fgbg.core.assets.FolderAssets;
import dev.fgbg.core.assets.SkippedFile;
import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.server.options.ServerOptions;
import dev.fgbg.v1.FolderDatasetConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes found without decoding a photo (a depth model's missing weights, an empty photo, a
 * photo's name on WebP or HEIC bytes) stop a strict start-up before any photo is decoded, every
 * one named at once, and a skipping one skips them undecoded, through
 * {@link FgbgApplication#create(ServerOptions)}. The options' ticker is driven (each
 * read one second later), so any decoding at all would log its "decoded … of …" progress line.
 */
class QuickRefusalsTest {
  private static final byte[] WEBP = "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] HEIC = "\0\0\0\030ftypheic\0\0\0\0mif1heic".getBytes(
      StandardCharsets.ISO_8859_1);

  @TempDir
  Path root;

  private FolderDatasetConfig.Builder folders(String name, Path dir) {
    return FolderDatasetConfig.newBuilder().setName(name).setBg(dir.resolve("bg").toString())
        .setFg(dir.resolve("fg").toString()).setSize("32");
  }

  private static ServerOptions options(FolderDatasetConfig... datasets) {
    AtomicLong now = new AtomicLong();
    return ServerOptions.builder().workers(1).noExports()
        .builtin(new BuiltinConfig(16, 16, 2, 2, 2, "", "", ""))
        .ticker(() -> now.addAndGet(TimeUnit.SECONDS.toNanos(1)))
        .datasets(List.of(datasets)).build();
  }

  private static List<String> decodedLines(LogCapture log) {
    return log.of(FolderAssets.class.getName()).stream().map(LogRecord::getMessage)
        .filter(m -> m.contains(" decoded ")).toList();
  }

  /** The start-up's refusal, checked to come with no photo decoded. */
  private String refusal(FolderDatasetConfig... datasets) {
    ServerOptions o = options(datasets);
    try (LogCapture log = new LogCapture()) {
      FgbgException e = assertThrows(FgbgException.class, () -> FgbgApplication.create(o));
      assertEquals(List.of(), decodedLines(log), e.getMessage());
      return e.getMessage();
    }
  }

  /**
   * Beside good photos: an empty .JPG and HEIC bytes under a .jpg name (found by their first
   * bytes), a .webp and a .heic holding a JPEG (found by the listing), and a JPEG cut short,
   * which only decoding finds; returns the cut-short one.
   */
  private Path badFiles(Path dir) throws Exception {
    Fixtures.goodFolders(dir);
    Files.write(dir.resolve("bg/empty.JPG"), new byte[0]);
    Files.write(dir.resolve("bg/iphone.jpg"), HEIC);
    Files.write(dir.resolve("bg/downloaded.webp"), WEBP);
    Fixtures.write(Fixtures.rgb(40, 40, 7), dir.resolve("fg/cup/saved.heic"));
    Path cut = Fixtures.write(Fixtures.rgb(64, 64, 8), dir.resolve("bg/cut.jpg"));
    byte[] whole = Files.readAllBytes(cut);
    Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
    return cut;
  }

  @Test
  void emptyAndOtherFormatsFilesAreRefusedBeforeAnyPhotoIsDecoded() throws Exception {
    Path cut = badFiles(root);
    Path bg = root.resolve("bg");
    String why = refusal(folders("office", root).build());
    assertTrue(why.startsWith("dataset 'office' has 4 bad files or folders (fix or remove "
        + "each, then start again; or start with --on-bad-file skip"), why);
    assertTrue(why.contains("\n  " + bg.resolve("downloaded.webp") + ": is a WEBP image; "), why);
    assertTrue(why.contains("\n  " + bg.resolve("empty.JPG") + ": is empty (0 bytes)\n"), why);
    assertTrue(why.contains("\n  " + bg.resolve("iphone.jpg") + ": not a PNG or JPEG image (its "
        + "bytes are a HEIC image's; convert it to PNG (e.g. heif-convert iphone.jpg "
        + "iphone.png"), why);
    assertTrue(why.contains("\n  " + root.resolve("fg/cup/saved.heic") + ": is named .heic but "
        + "its bytes are a JPEG image's; rename it to saved.jpg"), why);
    // The cut-short JPEG is among those not decoded yet: the next run names it.
    assertFalse(why.contains(cut.toString()), why);
    assertTrue(why.endsWith("\n" + Fixtures.notDecoded(7)), why);
  }

  @Test
  void aMissingOrEmptyMaskIsRefusedBeforeAnyPhotoIsDecoded() throws Exception {
    Fixtures.goodFolders(root);
    Path masks = root.resolve("masks");
    Fixtures.write(Fixtures.digit(20, 20), masks.resolve("ball/x.png"));
    Files.write(masks.resolve("ball/y.png"), new byte[0]);
    String why = refusal(folders("office", root).setFgMasks(masks.toString()).build());
    assertEquals(List.of("dataset 'office' has 2 bad files or folders (fix or remove each, then "
        + "start again; or start with --on-bad-file skip (on_bad_file: \"skip\" in a config "
        + "file) to serve the rest without the bad images):", "  " + root.resolve("fg/ball/y.png")
        + ": " + masks.resolve("ball/y.png") + ": is empty (0 bytes)", "  "
        + root.resolve("fg/cup/z.png") + ": no mask for foreground cup/z.png in " + masks
        + " (looked for cup/z.png, and cup/z with the other image extensions .jpg, .jpeg, "
        + ".jfif, .jpe, .jif, any case)", Fixtures.notDecoded(4)), why.lines().toList());
  }

  @Test
  void aWebpMaskUnderAPngNameIsToldToBecomeAPngBesideItNotOverIt() throws Exception {
    Fixtures.goodFolders(root);
    Path masks = root.resolve("masks");
    Fixtures.write(Fixtures.digit(20, 20), masks.resolve("ball/y.png"));
    Fixtures.write(Fixtures.digit(20, 20), masks.resolve("cup/z.png"));
    Files.write(masks.resolve("ball/x.png"), WEBP);
    String why = refusal(folders("office", root).setFgMasks(masks.toString()).build());
    // dwebp writes PNG whatever the name, and a mask must not be lossy: a PNG name, new.
    assertTrue(why.contains(masks.resolve("ball/x.png") + ": not a PNG or JPEG image (its bytes "
        + "are a WEBP image's; convert it to PNG (e.g. dwebp x.png -o x-converted.png, or magick"
        + " x.png x-converted.png, then move x-converted.png over x.png))"), why);
  }

  @Test
  void skippedEmptyAndOtherFormatsFilesAreNotDecoded() throws Exception {
    Path cut = badFiles(root);
    ServerOptions o = options(folders("office", root).setOnBadFile("skip").build());
    try (LogCapture log = new LogCapture()) {
      FgbgApplication app = FgbgApplication.create(o);
      try {
        // Decoded: the 6 good files and the cut-short one, not the 2 found by their bytes.
        assertEquals(List.of("dataset 'office': decoded 2 of 7 images (2 s)",
            "dataset 'office': decoded all 7 images in 8.0 s"), decodedLines(log));
        Dataset d = app.datasets().get(1);
        assertEquals(List.of("bg/cut.jpg", "bg/downloaded.webp", "bg/empty.JPG",
            "bg/iphone.jpg", "fg/cup/saved.heic"), d.assets().skipped());
        assertEquals(new SkippedFile("bg/empty.JPG", "is empty (0 bytes)"),
            d.assets().skippedFiles().get(2));
        assertTrue(d.assets().skippedFiles().get(0).reason().startsWith("unreadable or "
            + "truncated image"), cut + ": " + d.assets().skippedFiles().get(0));
      } finally {
        app.close();
      }
    }
  }

  @Test
  void missingWeightsAreNamedWithTheOtherQuickProblemsBeforeAnyPhotoIsDecoded()
      throws Exception {
    Fixtures.goodFolders(root.resolve("good"));
    Path office = root.resolve("office");
    Fixtures.goodFolders(office);
    Path webp = office.resolve("bg/downloaded.webp");
    Files.write(webp, WEBP);
    Path model = Files.createDirectories(root.resolve("models/tiny"));
    TinyOnnx.config(model, "");
    Path weights = root.resolve("fastdepth_nyu_224.onnx");
    String why = refusal(folders("good", root.resolve("good")).build(),
        folders("office", office).setDepthModel(model.toString())
            .setDepthWeights(weights.toString()).build());
    // The model's problem is no file or folder of the dataset: counted on its own.
    assertTrue(why.startsWith("dataset 'office' has a depth model problem and 1 bad file or "
        + "folder (fix or remove each, then start again):\n  depth model weights " + weights
        + " not found (the path given as --depth-weights, or as depthWeights in a config "
        + "file)\n  " + webp
        + ": is a WEBP image; fgbg reads PNG and JPEG (convert it, e.g. dwebp "), why);
    assertTrue(why.endsWith("\n" + Fixtures.notDecoded(6)), why);
  }

  @Test
  void aMissingModelConfigAloneIsNamedInTodaysWords() {
    Fixtures.goodFolders(root);
    Path model = root.resolve("models/none");
    String why = refusal(folders("office", root).setDepthModel(model.toString()).build());
    assertEquals("dataset 'office': depth model config " + model + " not found: give a model "
        + "folder with a config.json (see models/), e.g. --depth-model models/fastdepth_nyu_224",
        why, "the model's problem alone: no line of files not decoded, read as a second one");
  }
}
