package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The UI's seed is the gRPC API's uint64 (the Python client's range and words), and its other
 * parameters' refusals name the real bounds, asked of a real server over HTTP.
 */
class UiSeedAndParamsTest {
  /** 2^64 - 5: a seed past a signed long's range, -5 in a long's bits. */
  private static final String BIG = "18446744073709551611";
  private static final String RANGE =
      "must be in [0, 18446744073709551615] (a uint64 request field)";

  @RegisterExtension
  static final UiServerPerClass ui = UiServerPerClass.builtin();

  private static JsonObject json(String path, int status) throws Exception {
    HttpResponse<String> r = ui.server.get(path);
    assertEquals(status, r.statusCode(), r.body());
    return JsonParser.parseString(r.body()).getAsJsonObject();
  }

  private static String refusal(String path) throws Exception {
    return json(path, 400).get("error").getAsString();
  }

  @Test
  void theSeedIsAUint64ShownUnsignedAndRenderedAsGetSamplesRendersIt() throws Exception {
    JsonObject s = json("/api/sample?index=7&seed=" + BIG, 200);
    assertEquals(BIG, s.get("seed").getAsString());
    assertEquals("/sample?dataset=builtin&seed=" + BIG + "&index=6", s.getAsJsonArray(
        "neighbours").asList().stream().map(JsonObject.class::cast)
        .filter(n -> n.get("title").getAsString().equals("previous index")).findFirst()
        .orElseThrow().get("href").getAsString());
    assertEquals("18446744073709551615",
        json("/api/grid?per_page=1&seed=18446744073709551615", 200).get("seed").getAsString());
    HttpResponse<byte[]> png = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        ui.server.url + "/img/composite.png?dataset=builtin&fingerprint=" + s.get("fingerprint")
            .getAsString() + "&seed=" + BIG + "&index=7")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, png.statusCode());
    assertArrayEquals(ui.server.getSamples(-5L, 7).getImages().toByteArray(), rgb(png.body()),
        "seed 2^64-5 is GetSamples' seed 2^64-5 (-5 in the request's long)");
  }

  @Test
  void aSeedOutsideTheUint64RangeIsRefusedInThePythonClientsWords() throws Exception {
    assertEquals("parameter 'seed' is -5, out of range: it " + RANGE,
        refusal("/api/sample?index=7&seed=-5"));
    assertEquals("parameter 'seed' is 18446744073709551616, out of range: it " + RANGE,
        refusal("/api/grid?seed=18446744073709551616"));
    assertEquals("parameter 'seed' must be an integer in [0, 18446744073709551615] (a uint64"
        + " request field), got 'x'", refusal("/api/sample?index=7&seed=x"));
  }

  @Test
  void thePagesRefusalNamesTheLastPage() throws Exception {
    // 480 samples, 60 a page: 8 pages.
    assertEquals("parameter 'page' must be in [1, 8], got 0", refusal("/api/grid?page=0"));
    assertEquals("parameter 'page' must be an integer in [1, 8], got 'x'",
        refusal("/api/grid?page=x"));
    assertEquals("parameter 'page' is 9, past the last: there are 8 pages of 60 samples",
        refusal("/api/grid?page=9"));
  }

  @Test
  void trackingParametersAreIgnoredButTyposRefused() throws Exception {
    assertEquals(2, json("/api/grid?per_page=2&utm_source=mail&utm_campaign=x&fbclid=abc"
        + "&gclid=1", 200).getAsJsonArray("samples").size());
    assertEquals(7, json("/api/sample?index=7&utm_medium=chat", 200).get("index").getAsLong());
    assertEquals("unknown parameter 'pag'; this page takes dataset, index, seed",
        refusal("/api/sample?index=7&pag=1"));
    assertEquals(200, ui.server.get("/grid?utm_source=mail").statusCode());
  }

  private static byte[] rgb(byte[] png) throws Exception {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
    byte[] out = new byte[img.getWidth() * img.getHeight() * 3];
    for (int y = 0, p = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++, p += 3) {
        int c = img.getRGB(x, y);
        out[p] = (byte) (c >> 16);
        out[p + 1] = (byte) (c >> 8);
        out[p + 2] = (byte) c;
      }
    }
    return out;
  }
}
