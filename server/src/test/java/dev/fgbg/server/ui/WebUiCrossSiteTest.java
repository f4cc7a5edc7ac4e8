package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.dataset.Dataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A loopback UI without tokens, over real HTTP: what a page of another site can make a browser
 * send without asking (an {@code <img>}, a link) renders nothing. Its images and downloads are
 * refused as its API is; the UI's own pages load them, and a link to a page still opens it.
 */
class WebUiCrossSiteTest {
  @TempDir
  Path dir;

  @Test
  void imagesDownloadsAndFilesRefuseWhatAPageOfAnotherSiteSent() throws Exception {
    try (UiTestServer open = UiTestServer.startAllowing(dir.resolve("exports"))) {
      String host = "127.0.0.1:" + open.app.uiPort();
      Dataset d = open.app.datasets().get(0);
      List<String> paths = List.of(
          Links.image(SampleOutputs.named("depth.png"), d, 0, 123),
          Links.image(SampleOutputs.named("composite.png"), d, 0, 124),
          Links.image(SampleOutputs.named("mask.png"), d, 0, 125),
          Links.image(SampleOutputs.named("depth.npy"), d, 0, 126),
          "/static/" + Resources.STATIC.get(0));
      // An <img> of another site's page: cross-site and no Origin; a link clicked there asks
      // for HTML; a browser without Sec-Fetch-Site names the other Origin.
      List<String> elsewhere = List.of("Sec-Fetch-Site: cross-site\r\n",
          "Sec-Fetch-Site: cross-site\r\nAccept: text/html\r\n", "Sec-Fetch-Site: same-site\r\n",
          "Origin: http://evil.example\r\n");
      for (String path : paths) {
        for (String sent : elsewhere) {
          String r = raw(open, path, host, sent);
          assertTrue(r.startsWith("HTTP/1.1 403"), path + " " + sent + ": " + r);
          assertTrue(r.contains("a page elsewhere may not start work here"), r);
        }
        // The UI's own page (an <img> on it), a URL typed, curl.
        for (String ok : List.of("Sec-Fetch-Site: same-origin\r\n", "Sec-Fetch-Site: none\r\n",
            "")) {
          String r = raw(open, path, host, ok);
          assertTrue(r.startsWith("HTTP/1.1 200"), path + " " + ok + ": " + r);
        }
      }
      String page = raw(open, "/sample?dataset=builtin&seed=0&index=3", host,
          "Sec-Fetch-Site: cross-site\r\nAccept: text/html\r\n");
      assertTrue(page.startsWith("HTTP/1.1 200"), "a link to a page opens it: " + page);
    }
  }

  /** A GET of {@code path} naming {@code host}, with {@code headers} (lines, each ending CRLF). */
  private static String raw(UiTestServer to, String path, String host, String headers)
      throws IOException {
    return to.raw(path, host, headers);
  }
}
