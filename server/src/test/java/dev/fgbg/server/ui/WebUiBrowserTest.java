package dev.fgbg.server.ui;

import dev.fgbg.common.Npy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import dev.fgbg.common.DepthColors;
import dev.fgbg.common.Float16;
import dev.fgbg.core.assets.AssetSet;
import dev.fgbg.core.export.Encoders;
import dev.fgbg.core.sampling.EpochPermutation;
import dev.fgbg.core.synth.IndexCodec;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.Output;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.ServerStatsRequest;
import dev.fgbg.v1.StatsRequest;
import dev.fgbg.v1.StatsResponse;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Context;
import io.grpc.Context.CancellableContext;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.stream.LongStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The UI in a real headless Chromium against a real server: what the pages show is decoded in the
 * browser and compared with what the gRPC calls and the core give for the same request.
 * Screenshots of every page are kept under {@code target/ui-screenshots}.
 */
class WebUiBrowserTest {
  static final Path SHOTS = Path.of("target", "ui-screenshots");
  private static final IndexCodec CODEC = new IndexCodec(6, 8, 2, 5);
  /** A page function: the RGB bytes of a decoded image, base64. */
  private static final String DECODE = "img => { const c = document.createElement('canvas');"
      + " c.width = img.naturalWidth; c.height = img.naturalHeight;"
      + " const x = c.getContext('2d'); x.drawImage(img, 0, 0);"
      + " const d = x.getImageData(0, 0, c.width, c.height).data;"
      + " let s = ''; for (let p = 0; p < d.length; p += 4)"
      + " s += String.fromCharCode(d[p], d[p + 1], d[p + 2]);"
      + " return btoa(s); }";

  @RegisterExtension
  static final UiOnChromium ui = UiOnChromium.withServer(1400, 1000);

  private static long[] shownIndices() {
    JsonArray a = ui.browser.eval("[...document.querySelectorAll('.tile')].map(t =>"
        + " Number(t.dataset.index))").getAsJsonArray();
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsLong();
    }
    return out;
  }

  /** RGB bytes of each image the selector finds, as the browser decoded them. */
  private static List<byte[]> pixels(String selector) {
    JsonArray a = ui.browser.eval("Promise.all([...document.querySelectorAll('" + selector + "')]"
        + ".map(async img => { await img.decode(); return (" + DECODE + ")(img); }))")
        .getAsJsonArray();
    List<byte[]> out = new ArrayList<>();
    a.forEach(e -> out.add(Base64.getDecoder().decode(e.getAsString())));
    return out;
  }

  private static byte[] sample(ByteString all, int s, int n) {
    int each = all.size() / n;
    return all.substring(s * each, (s + 1) * each).toByteArray();
  }

  @Test
  void theGridShowsThumbnailsWhosePixelsEqualGetSamples() {
    assertEquals("ready", ui.browser.open(ui.server.url
        + "/grid?dataset=builtin&seed=7&order=random&shuffle_seed=3&per_page=24&page=2"));
    long[] shown = shownIndices();
    assertEquals(24, shown.length);
    SampleBatch expected = ui.server.getSamples(7, shown);
    List<byte[]> composites = pixels(".tile img.composite");
    assertEquals(24, composites.size());
    for (int s = 0; s < shown.length; s++) {
      byte[] rgb = sample(expected.getImages(), s, shown.length);
      assertArrayEquals(rgb, composites.get(s), "composite of sample " + shown[s]);
    }
    // The masks the outlines are drawn from, decoded in the page as well.
    JsonArray masks = ui.browser.eval("Promise.all([...document.querySelectorAll('.tile img"
        + ".composite')].map(async c => { const img = new Image();"
        + " img.src = c.src.replace('/img/composite.png', '/img/mask.png'); await img.decode();"
        + " return (" + DECODE + ")(img); }))").getAsJsonArray();
    for (int s = 0; s < shown.length; s++) {
      byte[] rgb = Base64.getDecoder().decode(masks.get(s).getAsString());
      byte[] mask = sample(expected.getMasks(), s, shown.length);
      for (int p = 0; p < mask.length; p++) {
        assertEquals(mask[p], rgb[p * 3], "mask of sample " + shown[s] + " pixel " + p);
      }
    }
    ui.browser.eval("document.querySelector('.tile .thumb').dispatchEvent(new MouseEvent("
        + "'mouseenter'))");
    ui.browser.screenshot(SHOTS.resolve("grid.png"));
  }

  /** Every index whose factors pass {@code keep}, ascending. */
  private static long[] brute(LongPredicate keep) {
    return LongStream.range(0, UiTestServer.SIZE).filter(keep).toArray();
  }

  private static long[] page(long[] all, int page, int perPage) {
    return LongStream.range((long) (page - 1) * perPage, Math.min(all.length,
        (long) page * perPage)).map(p -> all[(int) p]).toArray();
  }

  @Test
  void filtersAndPagingGiveTheIndicesTheCoreComputes() {
    AssetSet assets = ui.server.app.datasets().get(0).assets();
    int dog = assets.foregroundLabels().indexOf("dog");
    int officeLabel = assets.backgroundLabels().indexOf("office");
    long[] dogs = brute(i -> (CODEC.bg(i) == 1 || CODEC.bg(i) == 4) && CODEC.flip(i) == 1
        && assets.foregrounds().get(CODEC.fg(i)).label() == dog);
    assertTrue(dogs.length > 3);
    ui.browser.open(ui.server.url + "/grid?bg=1,4&flip=1&fg_label=dog&per_page=3&page=2");
    assertArrayEquals(page(dogs, 2, 3), shownIndices());
    ui.browser.open(ui.server.url + "/grid?bg=4&k=0,3&per_page=7&page=3");
    assertArrayEquals(page(brute(i -> CODEC.bg(i) == 4 && (CODEC.k(i) == 0 || CODEC.k(i) == 3)),
        3, 7), shownIndices());

    // A seeded random order: the epoch permutation over the filtered samples.
    long[] office = brute(i -> assets.backgrounds().get(CODEC.bg(i)).label() == officeLabel);
    EpochPermutation perm = new EpochPermutation(office.length, 11, 0, true);
    ui.browser.open(ui.server.url + "/grid?bg_label=office&order=random&shuffle_seed=11&per_page=10"
        + "&page=3");
    assertArrayEquals(LongStream.range(20, 30).map(p -> office[(int) perm.indexAt(p)]).toArray(),
        shownIndices());

    // Stratified: page j shows the j-th sample of each of per_page equal runs of the selection.
    ui.browser.open(ui.server.url + "/grid?order=stratified&shuffle_seed=2&per_page=12&page=4");
    long[] strat = shownIndices();
    assertEquals(12, strat.length);
    for (int t = 0; t < 12; t++) {
      assertEquals(t, strat[t] / 40, "stratum " + t + " of 40 samples holds " + strat[t]);
    }

    // The epoch order of a rank: what StreamEpoch sends that rank, in that order.
    Iterator<SampleBatch> stream = ui.server.stub().streamEpoch(StreamEpochRequest.newBuilder()
        .setDataset("builtin").setSeed(5).setEpoch(2).setShuffle(true).setBatchSize(4)
        .setRank(1).setWorldSize(3).addOutputs(Output.OUTPUT_META).build());
    List<Long> sent = new ArrayList<>();
    stream.forEachRemaining(b -> sent.addAll(b.getIndicesList()));
    ui.browser.open(ui.server.url + "/grid?order=epoch&seed=5&epoch=2&rank=1&world_size=3"
        + "&batch_size=4&per_page=12&page=2");
    assertArrayEquals(sent.subList(12, 24).stream().mapToLong(Long::longValue).toArray(),
        shownIndices());
    assertEquals("batch 3", ui.browser.eval("document.querySelector('.tile .caption .muted')"
        + ".textContent.replace(' · ', '')").getAsString());
    ui.browser.screenshot(SHOTS.resolve("grid-epoch.png"));
  }

  @Test
  void theSamplePageShowsEveryOutputAndItsDepthFilesRoundTripToTheServedFloat16() throws Exception {
    long index = 257;
    assertEquals("ready", ui.browser.open(ui.server.url + "/sample?dataset=builtin&seed=4&index="
        + index));
    SampleBatch served = ui.server.getSamples(4, index);
    List<byte[]> shown = pixels("#figures img");
    assertEquals(5, shown.size(), "composite, mask, depth, background and its depth at full size");
    assertArrayEquals(served.getImages().toByteArray(), shown.get(0));
    SampleBatch withBackground = ui.server.stub().getSamples(GetSamplesRequest.newBuilder()
        .setDataset("builtin").setSeed(4).addIndices(index)
        .addOutputs(Output.OUTPUT_BACKGROUND).addOutputs(Output.OUTPUT_BACKGROUND_DEPTH).build());
    assertArrayEquals(withBackground.getBackgrounds().toByteArray(), shown.get(3),
        "the background is GetSamples' OUTPUT_BACKGROUND");
    int[] bgColours = DepthColors.colorize(DepthColors.decode(
        withBackground.getBackgroundDepths(), 2));
    for (int p = 0; p < bgColours.length; p++) {
      int rgb = ((shown.get(4)[p * 3] & 0xff) << 16) | ((shown.get(4)[p * 3 + 1] & 0xff) << 8)
          | (shown.get(4)[p * 3 + 2] & 0xff);
      assertEquals(bgColours[p], rgb, "background depth colour at " + p);
    }
    byte[] bgNpy = download("background-depth.npy");
    assertArrayEquals(withBackground.getBackgroundDepths().toByteArray(), Arrays.copyOfRange(
        bgNpy, Npy.header("<f2", UiTestServer.HEIGHT, UiTestServer.WIDTH).length,
        bgNpy.length));
    float[] depth = DepthColors.decode(served.getDepth(), 2);
    int[] colours = DepthColors.colorize(depth);
    for (int p = 0; p < depth.length; p++) {
      assertEquals(served.getMasks().byteAt(p), shown.get(1)[p * 3]);
      int rgb = ((shown.get(2)[p * 3] & 0xff) << 16) | ((shown.get(2)[p * 3 + 1] & 0xff) << 8)
          | (shown.get(2)[p * 3 + 2] & 0xff);
      assertEquals(colours[p], rgb, "depth colour at " + p);
    }

    // The downloads, fetched by the page as a click would.
    BufferedImage png = ImageIO.read(new ByteArrayInputStream(download("depth16.png")));
    assertEquals(16, png.getColorModel().getComponentSize(0));
    ByteBuffer halfs = served.getDepth().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    int exact = 0;
    for (int p = 0; p < depth.length; p++) {
      short half = halfs.getShort();
      int mm = png.getRaster().getSample(p % UiTestServer.WIDTH, p / UiTestServer.WIDTH, 0);
      assertEquals(Encoders.millimetres(depth[p]), mm, "millimetres at " + p);
      if (depth[p] >= 2 && depth[p] <= 65.535f) {
        // float16 steps are wider than a millimetre here: the PNG gives back the very value.
        assertEquals(half, Float16.fromFloat(mm / 1000f), "float16 from the PNG at " + p);
        exact++;
      } else {
        assertTrue(mm == 65535 || Math.abs(mm / 1000.0 - depth[p]) <= 0.0005, "at " + p);
      }
    }
    assertTrue(exact > 0);
    byte[] npy = download("depth.npy");
    byte[] header = Npy.header("<f2", UiTestServer.HEIGHT, UiTestServer.WIDTH);
    assertArrayEquals(served.getDepth().toByteArray(), Arrays.copyOfRange(npy,
        header.length, npy.length), "the .npy holds the served float16 bytes");

    // The index decoded, and the neighbours by the formula.
    JsonArray factors = ui.browser.eval("[...document.querySelectorAll('#factors tr[data-factor]')]"
        + ".map(r => Number(r.children[1].textContent))").getAsJsonArray();
    assertEquals(List.of(CODEC.bg(index), CODEC.fg(index), CODEC.flip(index), CODEC.k(index)),
        List.of(factors.get(0).getAsInt(), factors.get(1).getAsInt(), factors.get(2).getAsInt(),
            factors.get(3).getAsInt()));
    String flipped = ui.browser.eval("[...document.querySelectorAll('#neighbours a')].find(a =>"
        + " a.textContent === 'flipped (own placement)').href").getAsString();
    assertTrue(flipped.endsWith("index=" + CODEC.encode(CODEC.bg(index), CODEC.fg(index),
        1 - CODEC.flip(index), CODEC.k(index))), flipped);
    assertEquals(String.valueOf(served.getMeta(0).getFgDepth()), ui.browser.eval(
        "[...document.querySelectorAll('#meta tr')].find(r => r.children[0].textContent ==="
        + " 'fg_depth').children[1].textContent").getAsString());
    ui.browser.screenshot(SHOTS.resolve("sample.png"));
    // A background's file name is whole in its cell's title (and its text), it breaks at its
    // parts, not letter by letter, and a long one wraps inside its panel (it ran on under the
    // next panel, cut off there), which keeps its width.
    String cell = "document.querySelector('#factors tr[data-factor=bg] td.asset')";
    String name = ui.server.app.datasets().get(0).assets().backgrounds().get(CODEC.bg(index))
        .name();
    assertEquals(name, ui.browser.eval(cell + ".title").getAsString());
    assertEquals(name, ui.browser.eval(cell + ".textContent").getAsString());
    assertEquals("true", ui.browser.eval("(() => { const td = " + cell + "; const p ="
        + " td.closest('.panel'), before = p.getBoundingClientRect().width; td.textContent ="
        + " 'outdoor/street/rotated180_' + 'x'.repeat(300) + '.png';"
        + " return String(p.scrollWidth <= p.clientWidth && p.getBoundingClientRect().width"
        + " === before); })()").getAsString());
    ui.browser.open(flipped);
    assertEquals(CODEC.encode(CODEC.bg(index), CODEC.fg(index), 1 - CODEC.flip(index),
        CODEC.k(index)), ui.browser.eval(
            "Number(new URLSearchParams(location.search).get('index'))").getAsLong());
  }

  private static byte[] download(String file) {
    String b64 = ui.browser.eval("(async () => { const a = document.querySelector('#downloads"
        + " a[data-file=\"" + file + "\"]'); const b = new Uint8Array(await (await fetch(a.href))"
        + ".arrayBuffer()); let s = ''; for (const x of b) s += String.fromCharCode(x);"
        + " return btoa(s); })()").getAsString();
    return Base64.getDecoder().decode(b64);
  }

  @Test
  void statsProgressAdvancesAndTheResultIsTheStatsCall() {
    assertEquals("ready", ui.browser.open(ui.server.url + "/stats?dataset=builtin&seed=2&start=0"
        + "&end=480&run=1"));
    JsonArray progress = ui.browser.eval("window.fgbgProgress").getAsJsonArray();
    List<Long> between = new ArrayList<>();
    long last = -1;
    for (JsonElement e : progress) {
      long done = e.getAsLong();
      assertTrue(done >= last, "progress never goes back: " + progress);
      last = done;
      if (done > 0 && done < 480 && !between.contains(done)) {
        between.add(done);
      }
    }
    assertEquals(480, last);
    assertTrue(between.size() >= 3, "progress advanced in steps: " + progress);
    JsonObject result = ui.browser.eval("window.fgbgStats").getAsJsonObject();
    StatsResponse rpc = ui.server.stub().stats(StatsRequest.newBuilder().setDataset("builtin")
        .setSeed(2).setStart(0).setEnd(480).build());
    JsonArray mean = result.getAsJsonObject("image").getAsJsonArray("mean");
    for (int c = 0; c < 3; c++) {
      assertEquals(rpc.getImage().getMean(c), mean.get(c).getAsDouble(), 0.0);
    }
    assertEquals(rpc.getDepth().getStd(0), result.getAsJsonObject("depth").get("std")
        .getAsDouble(), 0.0);
    long counted = 0;
    for (JsonElement e : result.getAsJsonObject("mask").getAsJsonArray("histogram").get(0)
        .getAsJsonArray()) {
      counted += e.getAsLong();
    }
    assertEquals(480L * UiTestServer.HEIGHT * UiTestServer.WIDTH, counted,
        "every mask pixel is in the histogram");
    ui.browser.screenshot(SHOTS.resolve("stats.png"));
  }

  @Test
  void statsOnARandomSampleShowEachMeanWithTheStatsCallsStandardError() {
    assertEquals("ready", ui.browser.open(ui.server.url + "/stats?dataset=builtin&seed=5&start=0"
        + "&end=480&stride=2&sample=60&run=1"));
    JsonObject result = ui.browser.eval("window.fgbgStats").getAsJsonObject();
    assertEquals(60, result.get("samples").getAsLong());
    assertEquals(240, result.get("population").getAsLong(), "every 2nd of 480");
    StatsResponse rpc = ui.server.stub().stats(StatsRequest.newBuilder().setDataset("builtin")
        .setSeed(5).setStride(2).setSample(60).build());
    JsonObject image = result.getAsJsonObject("image");
    for (int c = 0; c < 3; c++) {
      assertEquals(rpc.getImage().getMean(c), image.getAsJsonArray("mean").get(c).getAsDouble(),
          0.0);
      assertEquals(rpc.getImage().getStandardError(c),
          image.getAsJsonArray("se").get(c).getAsDouble(), 0.0);
    }
    assertEquals(rpc.getDepth().getStandardError(0),
        result.getAsJsonObject("depth").get("se").getAsDouble(), 0.0);
    assertEquals(5, ui.browser.eval("document.querySelectorAll('#moments td.se').length")
        .getAsInt(), "R, G, B, mask and depth rows each show a standard error");
    ui.browser.screenshot(SHOTS.resolve("stats-sample.png"));
  }

  @Test
  void theDatasetsAndLivePagesShowTheServersOwnNumbers() {
    assertEquals("ready", ui.browser.open(ui.server.url + "/"));
    String fingerprint = ui.server.stub().describe(DescribeRequest.newBuilder()
        .setDataset("builtin").build()).getFingerprint();
    assertEquals(fingerprint, ui.browser.eval("document.querySelector('.fingerprint').textContent")
        .getAsString());
    assertEquals("480", ui.browser.eval("document.querySelector('.size').textContent")
        .getAsString());
    assertEquals("random", ui.browser.eval("[...document.querySelectorAll('.kv tr')].find(r => "
        + "r.children[0].textContent === 'position').children[1].textContent").getAsString(),
        "the spec's position as a config file spells it, not POSITION_RANDOM");
    String hw = UiTestServer.HEIGHT + "×" + UiTestServer.WIDTH; // as --size reads: 48x64
    assertTrue(ui.browser.eval("document.querySelector('.dataset .lead').textContent")
        .getAsString().endsWith(" · " + hw), "the title's size is height × width");
    assertEquals(hw + "×3 uint8", ui.browser.eval("[...document.querySelectorAll('.kv tr')].find("
        + "r => r.children[0].textContent === 'image').children[1].textContent").getAsString());
    ui.browser.screenshot(SHOTS.resolve("datasets.png"));

    Iterator<SampleBatch> stream = ui.server.stub().streamEpoch(StreamEpochRequest.newBuilder()
        .setDataset("builtin").setBatchSize(16).setLimit(96).build());
    stream.forEachRemaining(b -> { });
    assertEquals("ready", ui.browser.open(ui.server.url + "/live"));
    long sent = ui.server.stub().serverStats(ServerStatsRequest.getDefaultInstance())
        .getSamplesSent();
    assertTrue(sent >= 96);
    assertEquals(String.format("%,d", sent), ui.browser.eval("[...document.querySelectorAll("
        + "'#totals tr')].find(r => r.children[0].textContent === 'samples sent')"
        + ".children[1].textContent").getAsString());
    assertTrue(ui.browser.eval("[...document.querySelectorAll('#methods td:first-child')]"
        + ".map(t => t.textContent)").toString().contains("StreamEpoch"));
    ui.browser.screenshot(SHOTS.resolve("live.png"));
    // One client with a stream open: "1 client", not "1 clients".
    CancellableContext open = Context.current().withCancellation();
    try {
      Iterator<SampleBatch> held = open.call(() -> ui.server.stub().streamEpoch(
          StreamEpochRequest.newBuilder().setDataset("builtin").setBatchSize(1).build()));
      held.next();
      assertEquals("ready", ui.browser.open(ui.server.url + "/live"));
      String sub = ui.browser.eval("document.querySelector('[data-card=streams] .sub')"
          + ".textContent").getAsString();
      assertTrue(sub.endsWith(" started · 1 client"), sub);
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      open.cancel(null);
    }
  }
}
