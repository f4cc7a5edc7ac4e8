package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.fgbg.core.Fixtures;
import dev.fgbg.core.TinyOnnx;
import dev.fgbg.server.transport.ConnectOptions;
import dev.fgbg.v1.DepthModelStats;
import dev.fgbg.v1.FolderDatasetConfig;
import dev.fgbg.v1.ServerStatsRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A grid page of a teacher-depth dataset, asked of a real server's web UI on its HTTP port,
 * sends its samples' depth to the model in batches, as GetSamples does: the page renders in
 * pieces of several samples, each piece's depth one request of the model's batcher. Its samples
 * are large (256×256, every output: some 700 KB each), as photos are, beyond what a client
 * stream's slow start lets a first piece hold, so a page charged as a stream is would reach the
 * model one image at a time. A page whose view shows no depth asks the model for none: the
 * thumbnails' depth comes when a picture of it is asked for (on hover), and the composites are
 * the same bytes either way.
 */
class GridTeacherBatchesTest {
  private static final int PAGE = 64;
  /** The tiny model's batches ({@link TinyOnnx#config}). */
  private static final int MODEL_BATCH = 8;
  /** The page's backgrounds: in index order, its 64 samples are of the first (72 each). */
  private static final int BACKGROUNDS = 1;

  @TempDir
  Path dir;

  @Test
  void aGridPageSendsItsTeacherDepthToTheModelInBatches() throws Exception {
    Fixtures.goodFolders(dir);
    Path model = dir.resolve("model");
    TinyOnnx.linearDepth(model);
    TinyOnnx.config(model, "");
    FolderDatasetConfig photos = FolderDatasetConfig.newBuilder().setName("photos")
        .setBg(dir.resolve("bg").toString()).setFg(dir.resolve("fg").toString())
        .setSize("256").setPlacements(12).setDepthModel(model.toString()).build();
    try (UiTestServer s = UiTestServer.start(dir.resolve("exports"),
        ConnectOptions.builder().build(), List.of(photos))) {
      s.app.warm().get(60, TimeUnit.SECONDS); // the warm-up's runs are not the page's
      DepthModelStats before = depth(s);
      HttpResponse<String> r = s.get("/api/grid?dataset=photos&per_page=" + PAGE
          + "&view=depth");
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(PAGE, JsonParser.parseString(r.body()).getAsJsonObject()
          .getAsJsonArray("samples").size(), r.body());
      DepthModelStats after = depth(s);
      long images = after.getInferences() - before.getInferences();
      long runs = after.getRuns() - before.getRuns();
      // Each sample's composite once, and its background's own depth once.
      assertEquals(PAGE + BACKGROUNDS, images, after.toString());
      // Full batches but a few split by timing, and the background's (pieces of one sample
      // had the model run one image at a time: 65 runs).
      long most = PAGE / MODEL_BATCH + BACKGROUNDS + 4;
      assertTrue(runs <= most, runs + " model runs for " + images + " images (at most " + most
          + " expected): " + after);
    }
  }

  @Test
  void aGridPageThatShowsNoDepthRunsNoModel() throws Exception {
    Fixtures.goodFolders(dir);
    Path model = dir.resolve("model");
    TinyOnnx.linearDepth(model);
    TinyOnnx.config(model, "");
    FolderDatasetConfig photos = FolderDatasetConfig.newBuilder().setName("photos")
        .setBg(dir.resolve("bg").toString()).setFg(dir.resolve("fg").toString())
        .setSize("64").setPlacements(12).setDepthModel(model.toString()).build();
    try (UiTestServer s = UiTestServer.start(dir.resolve("exports"),
        ConnectOptions.builder().build(), List.of(photos))) {
      s.app.warm().get(60, TimeUnit.SECONDS);
      long before = depth(s).getInferences();
      for (String view : List.of("none", "outline", "overlay")) {
        HttpResponse<String> r = s.get("/api/grid?dataset=photos&per_page=8&view=" + view);
        assertEquals(200, r.statusCode(), r.body());
      }
      String query = JsonParser.parseString(s.get("/api/grid?dataset=photos&per_page=8&view=none")
          .body()).getAsJsonObject().get("image_query").getAsString() + "&index=3";
      byte[] withoutDepth = bytes(s, "/img/composite.png?" + query);
      bytes(s, "/img/mask.png?" + query);
      assertEquals(before, depth(s).getInferences(), "no depth for pages that show none");
      bytes(s, "/img/depth.png?" + query); // the hover's picture: now the model runs
      assertTrue(depth(s).getInferences() > before, depth(s).toString());
      assertArrayEquals(withoutDepth, bytes(s, "/img/composite.png?" + query),
          "the composite rendered with depth is the same bytes");
    }
  }

  private static byte[] bytes(UiTestServer s, String path) throws Exception {
    HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(s.url + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode(), path);
    return r.body();
  }

  private static DepthModelStats depth(UiTestServer s) {
    return s.stub().serverStats(ServerStatsRequest.getDefaultInstance()).getDepth(0);
  }
}
