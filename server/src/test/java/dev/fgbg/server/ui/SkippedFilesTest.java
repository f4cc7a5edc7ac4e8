package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fgbg.core.Fixtures;
import dev.fgbg.server.transport.ConnectOptions;
import dev.fgbg.v1.DatasetInfo;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FolderDatasetConfig;
import dev.fgbg.v1.SkippedFile;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A forgiving load's skipped files, each with why, over a real server: in Describe's reply, in
 * the web UI's {@code /api/datasets} and on its Datasets page (headless Chromium); the
 * fingerprint is that of the files served.
 */
class SkippedFilesTest {
  @TempDir
  Path dir;

  @Test
  void describeAndTheDatasetsPageListEverySkippedFileWithWhy() throws Exception {
    Fixtures.goodFolders(dir);
    FolderDatasetConfig photos = FolderDatasetConfig.newBuilder().setName("photos")
        .setBg(dir.resolve("bg").toString()).setFg(dir.resolve("fg").toString()).setSize("32")
        .setOnBadFile("skip").build();
    String clean;
    try (UiTestServer s = UiTestServer.start(dir.resolve("exports"),
        ConnectOptions.builder().build(), List.of(photos))) {
      DatasetInfo d = s.stub().describe(DescribeRequest.newBuilder().setDataset("photos")
          .build());
      assertEquals(0, d.getSkippedFilesCount());
      clean = d.getFingerprint();
    }
    Files.writeString(dir.resolve("fg/cup/broken.png"), "not an image");
    Files.writeString(dir.resolve("bg/text.jpg"), "not an image");
    try (UiTestServer s = UiTestServer.start(dir.resolve("exports"),
        ConnectOptions.builder().build(), List.of(photos))) {
      DatasetInfo d = s.stub().describe(DescribeRequest.newBuilder().setDataset("photos")
          .build());
      assertEquals(List.of("bg/text.jpg", "fg/cup/broken.png"), d.getSkippedFilesList().stream()
          .map(SkippedFile::getName).toList());
      for (SkippedFile f : d.getSkippedFilesList()) {
        assertTrue(f.getReason().startsWith("not a PNG or JPEG image"), f.toString());
      }
      assertEquals(clean, d.getFingerprint(), "skipped files are no part of the fingerprint");
      HttpResponse<String> r = s.get("/api/datasets");
      assertEquals(200, r.statusCode());
      JsonObject view = null;
      for (JsonElement e : JsonParser.parseString(r.body()).getAsJsonObject()
          .getAsJsonArray("datasets")) {
        if (e.getAsJsonObject().get("name").getAsString().equals("photos")) {
          view = e.getAsJsonObject();
        }
      }
      JsonArray skipped = view.getAsJsonArray("skipped_files");
      assertEquals(2, skipped.size(), r.body());
      assertEquals("fg/cup/broken.png", skipped.get(1).getAsJsonObject().get("name")
          .getAsString());
      assertEquals(d.getSkippedFiles(1).getReason(), skipped.get(1).getAsJsonObject()
          .get("reason").getAsString());
      try (HeadlessChromium browser = HeadlessChromium.start(1200, 900)) {
        assertEquals("ready", browser.open(s.url + "/"));
        assertEquals("2 bad files skipped\nbg/text.jpg: not a PNG or JPEG image\n"
            + "fg/cup/broken.png: not a PNG or JPEG image", browser.eval("[...document"
            + ".querySelectorAll('details')].filter(x => x.querySelector('summary').textContent"
            + ".includes('skipped')).map(x => [x.querySelector('summary').textContent, ...[...x"
            + ".querySelectorAll('li')].map(l => l.textContent)].join('\\n')).join('|')")
            .getAsString(), "the Datasets page lists them, one a line");
        // One column (a reason never split across two), in the warning colour, not muted.
        assertEquals("auto|rgb(180, 83, 9)", browser.eval("(() => { const u ="
            + " document.querySelector('ul.names.skipped'); u.closest('details').open = true;"
            + " const c = getComputedStyle(u); return c.columnCount + '|' + c.color; })()")
            .getAsString());
        browser.screenshot(WebUiBrowserTest.SHOTS.resolve("datasets-skipped.png"));
      }
    }
  }
}
