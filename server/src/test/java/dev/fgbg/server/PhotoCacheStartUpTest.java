package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Fixtures;
import dev.fgbg.core.assets.FolderAssets;
import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.core.depth.DiskTier;
import dev.fgbg.server.options.ServerOptions;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.FolderDatasetConfig;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.Output;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Photo folders served with {@code --cache-dir}, each start a real {@link FgbgApplication} on
 * Netty: a restart on unchanged files reads every prepared photo from the cache (its "decoded
 * all" line says how many) and serves the bytes and fingerprint of a start that decoded them; a
 * file changed with its size and modification time kept, and a corrupt or truncated record,
 * are decoded again.
 */
class PhotoCacheStartUpTest {
  @TempDir
  Path dir;

  /** What a start served, and what its loader said of the decoding. */
  private record Served(String fingerprint, List<Object> samples, List<String> decoded,
      List<String> warnings) {}

  private ServerOptions options(Path cache, UnaryOperator<FolderDatasetConfig.Builder> more) {
    ServerOptions.Builder o = TestServer.options(1).noExports()
        .builtin(new BuiltinConfig(16, 16, 2, 2, 2, "", "", ""))
        .datasets(List.of(more.apply(FolderDatasetConfig.newBuilder().setName("mine")
            .setBg(dir.resolve("bg").toString()).setFg(dir.resolve("fg").toString())
            .setSize("32")).build()));
    return (cache == null ? o : o.cacheDir(cache)).build();
  }

  private Served start(Path cache) throws Exception {
    return start(cache, b -> b);
  }

  /**
   * One start with {@code cache} (null: none), the dataset's settings changed by {@code more}:
   * every sample of "mine", then stopped.
   */
  private Served start(Path cache, UnaryOperator<FolderDatasetConfig.Builder> more)
      throws Exception {
    try (LogCapture log = new LogCapture()) {
      FgbgApplication app = FgbgApplication.create(options(cache, more)).start();
      ManagedChannel ch = Grpc.newChannelBuilder("127.0.0.1:" + app.port(),
          InsecureChannelCredentials.create()).maxInboundMessageSize(64 << 20).build();
      try {
        FgbgGrpc.FgbgBlockingStub stub = FgbgGrpc.newBlockingStub(ch);
        var info = stub.describe(DescribeRequest.newBuilder().setDataset("mine").build());
        List<Object> samples = List.of(stub.getSamples(GetSamplesRequest.newBuilder()
            .setDataset("mine").addAllIndices(LongStream.range(0, info.getSize()).boxed()
                .toList()).addOutputs(Output.OUTPUT_IMAGE).addOutputs(Output.OUTPUT_MASK)
            .addOutputs(Output.OUTPUT_META).build()));
        List<LogRecord> said = log.of(FolderAssets.class.getName());
        return new Served(info.getFingerprint(), samples, said.stream()
            .map(LogRecord::getMessage).filter(m -> m.contains(" decoded ")).toList(),
            said.stream().filter(r -> r.getLevel() == Level.WARNING)
                .map(LogRecord::getMessage).toList());
      } finally {
        ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        app.close();
      }
    }
  }

  /** {@link Fixtures#goodFolders} less its cut-outs: fg holds only what a test writes. */
  private void goodFoldersLessCutOuts() throws Exception {
    Fixtures.goodFolders(dir);
    for (String n : List.of("ball/x.png", "ball/y.png", "cup/z.png", "ball", "cup")) {
      Files.delete(dir.resolve("fg").resolve(n)); // an empty label folder is a bad folder
    }
  }

  private static String fromCache(Served s) {
    return s.decoded().stream().map(m -> m.replaceAll(" in [0-9.]+ s", "")).findFirst()
        .orElse("(no line)");
  }

  private List<Path> records(Path cache) throws Exception {
    try (Stream<Path> s = Files.walk(cache.resolve("photos"))) {
      return s.filter(p -> p.toString().endsWith(".photo")).sorted().toList();
    }
  }

  @Test
  void aSecondStartReadsEveryPhotoFromTheCacheAndServesTheSameBytes() throws Exception {
    Fixtures.goodFolders(dir);
    Path cache = dir.resolve("cache");
    Served decoded = start(null);
    Served first = start(cache);
    assertEquals(List.of(), first.decoded(), "nothing in the cache yet, and quick: no line");
    assertEquals(6, records(cache).size());
    Served second = start(cache);
    assertEquals("dataset 'mine': decoded all 6 images (6 from the cache)", fromCache(second));
    assertEquals(decoded.fingerprint(), first.fingerprint());
    assertEquals(decoded.fingerprint(), second.fingerprint());
    assertEquals(decoded.samples(), first.samples());
    assertEquals(decoded.samples(), second.samples());
  }

  @Test
  void aFileChangedWithItsSizeAndTimeKeptIsDecodedAgain() throws Exception {
    Fixtures.goodFolders(dir);
    Path c = dir.resolve("bg/c.png");
    Path other = dir.resolve("other.png");
    Fixtures.write(Fixtures.rgb(30, 60, 9), other);
    padToSameSize(c, other);
    FileTime time = Files.getLastModifiedTime(c);
    Path cache = dir.resolve("cache");
    Served first = start(cache);
    Files.write(c, Files.readAllBytes(other));
    Files.setLastModifiedTime(c, time);
    Served second = start(cache);
    assertEquals("dataset 'mine': decoded all 6 images (5 from the cache)", fromCache(second));
    Served decoded = start(null);
    assertNotEquals(first.fingerprint(), second.fingerprint());
    assertEquals(decoded.fingerprint(), second.fingerprint());
    assertEquals(decoded.samples(), second.samples());
  }

  /** A strict start's refusal, and its loader's "decoded all" line ("(no line)": none). */
  private List<String> refusal(Path cache) {
    try (LogCapture log = new LogCapture()) {
      FgbgException e = assertThrows(FgbgException.class,
          () -> FgbgApplication.create(options(cache, b -> b)));
      return List.of(e.getMessage(), fromCache(new Served("", List.of(),
          log.of(FolderAssets.class.getName()).stream().map(LogRecord::getMessage)
              .filter(m -> m.contains(" decoded ")).toList(), List.of())));
    }
  }

  @Test
  void aBadFileIsKeptRefusedAndNamedAgainInTheSameWordsWithoutDecoding() throws Exception {
    Fixtures.goodFolders(dir);
    Path bad = dir.resolve("bg/d.png");
    byte[] whole = Files.readAllBytes(dir.resolve("bg/c.png"));
    Files.write(bad, Arrays.copyOf(whole, whole.length / 2));
    Path copy = Files.copy(bad, dir.resolve("bg/e.png")); // one key, named by its own path
    Path cache = dir.resolve("cache");
    List<String> first = refusal(cache);
    for (Path p : List.of(bad, copy)) {
      assertTrue(first.get(0).contains(p + ": unreadable or truncated image"), first.get(0));
    }
    assertEquals(7, records(cache).size(), "six photos and the bad bytes' refusal");
    assertEquals(List.of(first.get(0), "dataset 'mine': decoded all 8 images (8 from the cache)"),
        refusal(cache), "the same words, and nothing decoded");
    UnaryOperator<FolderDatasetConfig.Builder> skip = b -> b.setOnBadFile("skip");
    Served decoded = start(null, skip);
    Served skipped = start(cache, skip);
    assertEquals("dataset 'mine': decoded all 8 images (8 from the cache)", fromCache(skipped));
    assertEquals(decoded.warnings(), skipped.warnings());
    assertTrue(skipped.warnings().toString().contains(bad.toString()), skipped.warnings()
        .toString());
    assertEquals(decoded.fingerprint(), skipped.fingerprint());
    assertEquals(decoded.samples(), skipped.samples());
    Files.write(bad, Arrays.copyOf(whole, whole.length / 3));
    assertEquals(List.of(first.get(0), "dataset 'mine': decoded all 8 images (7 from the cache)"),
        refusal(cache), "an edited file is decoded again");
  }

  /** Two PNGs padded with a comment chunk to one size, so that only their bytes differ. */
  private static void padToSameSize(Path a, Path b) throws Exception {
    long size = Math.max(Files.size(a), Files.size(b)) + 32;
    for (Path p : List.of(a, b)) {
      int n = (int) (size - Files.size(p) - 12 - "Comment".length() - 1);
      Fixtures.addChunk(p, "tEXt", ("Comment\0" + "x".repeat(n))
          .getBytes(StandardCharsets.ISO_8859_1), true);
    }
    assertEquals(Files.size(a), Files.size(b));
  }

  @Test
  void aCorruptOrTruncatedRecordIsDecodedAgainAndRewritten() throws Exception {
    Fixtures.goodFolders(dir);
    Path cache = dir.resolve("cache");
    Served first = start(cache);
    List<Path> records = records(cache);
    byte[] flipped = Files.readAllBytes(records.get(0));
    flipped[flipped.length / 2] ^= 0x40;
    Files.write(records.get(0), flipped);
    byte[] whole = Files.readAllBytes(records.get(1));
    Files.write(records.get(1), Arrays.copyOf(whole, whole.length / 2));
    Served second;
    try (LogCapture log = new LogCapture()) {
      second = start(cache);
      List<String> said = log.of(DiskTier.class.getName()).stream()
          .map(LogRecord::getMessage).filter(m -> m.contains("corrupt")).toList();
      assertEquals(1, said.size(), String.join("\n", said)); // the rest a minute later
      assertTrue(said.get(0).startsWith("photo disk cache: " + records.get(0))
          || said.get(0).startsWith("photo disk cache: " + records.get(1)), said.get(0));
    }
    assertEquals("dataset 'mine': decoded all 6 images (4 from the cache)", fromCache(second));
    assertEquals(first.fingerprint(), second.fingerprint());
    assertEquals(first.samples(), second.samples());
    assertEquals("dataset 'mine': decoded all 6 images (6 from the cache)",
        fromCache(start(cache)), "rewritten");
  }

  @Test
  void aCacheFolderThatCannotBeMadeIsOneWarningAndEveryPhotoIsDecoded() throws Exception {
    Fixtures.goodFolders(dir);
    Path cache = Files.writeString(dir.resolve("cache"), "a file, not a folder");
    Served decoded = start(null);
    try (LogCapture log = new LogCapture()) {
      Served s = start(cache);
      assertEquals(List.of(), s.decoded());
      assertEquals(decoded.samples(), s.samples());
      List<String> said = log.records().stream().filter(r -> r.getLevel().intValue() >= 900)
          .map(LogRecord::getMessage).filter(m -> m.contains("photo")).toList();
      assertEquals(1, said.size(), String.join("\n", said));
      assertTrue(said.get(0).startsWith("photo disk cache " + cache.resolve("photos")
          + " is not writable"), said.get(0));
    }
  }

  @Test
  void everySettingAndMaskFileThePreparationReadsIsPartOfTheKey() throws Exception {
    goodFoldersLessCutOuts();
    Fixtures.write(Fixtures.rgb(24, 24, 5), dir.resolve("fg/a.png"));
    Fixtures.write(Fixtures.rgb(30, 20, 6), dir.resolve("fg/b.png"));
    Fixtures.write(mask(24, 24, 10), dir.resolve("masks/a.png"));
    Fixtures.write(mask(30, 20, 8), dir.resolve("masks/b.png"));
    Path cache = dir.resolve("cache");
    UnaryOperator<FolderDatasetConfig.Builder> masks = b -> b.setFgMasks(dir.resolve("masks")
        .toString());
    start(cache, masks);
    assertEquals("dataset 'mine': decoded all 5 images (5 from the cache)",
        fromCache(start(cache, masks)));
    UnaryOperator<FolderDatasetConfig.Builder> bigger = b -> masks.apply(b).setSize("48");
    Served resized = start(cache, bigger);
    assertEquals("dataset 'mine': decoded all 5 images (2 from the cache)", fromCache(resized),
        "backgrounds are prepared at the output size, cut-outs are not");
    assertEquals(start(null, bigger).samples(), resized.samples());
    UnaryOperator<FolderDatasetConfig.Builder> lower = b -> masks.apply(b).setMaskThreshold(64);
    assertEquals("dataset 'mine': decoded all 5 images (3 from the cache)",
        fromCache(start(cache, lower)), "the threshold trims cut-outs");
    Fixtures.write(mask(24, 24, 6), dir.resolve("masks/a.png"));
    Served remasked = start(cache, masks);
    assertEquals("dataset 'mine': decoded all 5 images (4 from the cache)", fromCache(remasked));
    assertEquals(start(null, masks).samples(), remasked.samples());
  }

  /**
   * The same folders given by absolute paths, then relative to the working folder (another
   * folder, a config file's paths): every photo, refusal and note is read from the cache, and
   * the words name the paths of the start that reads them.
   */
  @Test
  void masksGivenByAnotherPathAreFoundAndNamedByIt() throws Exception {
    goodFoldersLessCutOuts();
    Fixtures.write(Fixtures.rgb(24, 24, 5), dir.resolve("fg/a.png"));
    Fixtures.write(Fixtures.rgb(12, 12, 6), dir.resolve("fg/b.png"));
    Fixtures.write(Fixtures.rgb(12, 12, 7), dir.resolve("fg/c.png"));
    Fixtures.write(Fixtures.rgb(12, 12, 8), dir.resolve("fg/d.png"));
    Fixtures.write(mask(24, 24, 10), dir.resolve("masks/a.png"));
    Fixtures.write(person(), dir.resolve("masks/b.png")); // a palette note names it
    BufferedImage faint = new BufferedImage(12, 12, BufferedImage.TYPE_BYTE_GRAY);
    faint.getRaster().setSample(6, 6, 0, 9);
    Fixtures.write(faint, dir.resolve("masks/c.png")); // refused, naming it; d: no mask
    Path here = Path.of("").toAbsolutePath();
    UnaryOperator<FolderDatasetConfig.Builder> absolute = b -> b.setOnBadFile("skip")
        .setFgMasks(dir.resolve("masks").toString());
    UnaryOperator<FolderDatasetConfig.Builder> relative = b -> b.setOnBadFile("skip")
        .setBg(here.relativize(dir.resolve("bg")).toString())
        .setFg(here.relativize(dir.resolve("fg")).toString())
        .setFgMasks(here.relativize(dir.resolve("masks")).toString());
    Path cache = dir.resolve("cache");
    start(cache, absolute);
    Served decoded = start(null, relative);
    Served read = start(cache, relative);
    assertEquals("dataset 'mine': decoded all 6 images (6 from the cache)", fromCache(read));
    assertEquals(decoded.fingerprint(), read.fingerprint());
    assertEquals(decoded.samples(), read.samples());
    assertEquals(decoded.warnings(), read.warnings());
    String said = String.join("\n", read.warnings());
    Path masks = here.relativize(dir.resolve("masks"));
    for (String p : List.of(masks.resolve("b.png") + ": palette index 15", "its mask "
        + masks.resolve("c.png") + " is at most 9", "d.png in " + masks + " (looked for")) {
      assertTrue(said.contains(p), p + " in:\n" + said);
    }
    assertTrue(!said.contains(" " + dir), said); // the first start's absolute paths
  }

  /** A VOC-style palette mask: a square of the person class (192,128,128), read as 147. */
  private static BufferedImage person() {
    byte[] r = new byte[16];
    byte[] g = new byte[16];
    byte[] b = new byte[16];
    r[15] = (byte) 192;
    g[15] = (byte) 128;
    b[15] = (byte) 128;
    BufferedImage m = new BufferedImage(12, 12, BufferedImage.TYPE_BYTE_INDEXED,
        new IndexColorModel(8, 16, r, g, b));
    for (int y = 2; y < 10; y++) {
      for (int x = 2; x < 10; x++) {
        m.getRaster().setSample(x, y, 0, 15);
      }
    }
    return m;
  }

  /** A grey mask: an opaque disc of radius {@code r} in the middle, transparent around it. */
  private static BufferedImage mask(int w, int h, int r) {
    BufferedImage m = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean in = Math.hypot(x + 0.5 - w / 2.0, y + 0.5 - h / 2.0) <= r;
        m.setRGB(x, y, in ? 0xFFFFFF : 0);
      }
    }
    return m;
  }
}
