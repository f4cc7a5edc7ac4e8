package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The grid's number filters take ranges as the form's hints write them ({@code 0–5, …}), over
 * real HTTP against a real server: {@code 1-3}, {@code 1–3} and {@code 1..3} are backgrounds 1,
 * 2 and 3; a range's ends are checked as single numbers are, and a backward one is refused; a
 * refused Grid page's link back keeps what was asked but the refused parameter.
 */
class GridRangesTest {
  @RegisterExtension
  static final UiServerPerClass ui = UiServerPerClass.builtin();

  private static HttpResponse<String> grid(String query) throws Exception {
    return ui.server.get("/api/grid?per_page=240&" + query);
  }

  private static String error(String query) throws Exception {
    HttpResponse<String> r = grid(query);
    assertEquals(400, r.statusCode(), query);
    return JsonParser.parseString(r.body()).getAsJsonObject().get("error").getAsString();
  }

  @Test
  void aRangeIsEveryNumberFromItsStartToItsEnd() throws Exception {
    String listed = grid("bg=1,2,3&k=0,1,2,3,4").body();
    JsonObject page = JsonParser.parseString(listed).getAsJsonObject();
    assertEquals(3 * 8 * 2 * 5, page.get("total").getAsInt(), listed);
    for (String range : new String[] {"1-3", "1–3", "1..3", "1 - 3", "3,1-2"}) {
      String bg = URLEncoder.encode(range, StandardCharsets.UTF_8);
      HttpResponse<String> r = grid("bg=" + bg + "&k=0-4");
      assertEquals(200, r.statusCode(), range + ": " + r.body());
      assertEquals(page.get("samples"), JsonParser.parseString(r.body()).getAsJsonObject()
          .get("samples"), range);
    }
  }

  @Test
  void aRangesEndsAreCheckedAndABackwardRangeIsRefused() throws Exception {
    assertEquals("parameter 'bg' must be in [0, 5], got 9", error("bg=1-9"));
    assertEquals("parameter 'bg' has a range that runs backwards: '3-1'; write it from 1 to 3",
        error("bg=3-1"));
    assertEquals("parameter 'k' must be integers in [0, 4] or ranges of them (0-4), got '1-x'",
        error("k=1-x"));
    assertEquals("parameter 'bg' must be integers in [0, 5] or ranges of them (0-5), got 'x'",
        error("bg=1,x"));
  }

  @Test
  void aRefusedGridPageLinksBackWithWhatWasTypedLessTheRefused() throws Exception {
    HttpResponse<String> r = ui.server.get("/grid?dataset=builtin&bg=2-x&fg=1-3&per_page=6");
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("<a href=\"/grid?dataset=builtin&amp;fg=1-3&amp;per_page=6\">"
        + "Back to the Grid</a>"), r.body());
    // A refusal that names no parameter keeps the dataset, as before.
    r = ui.server.get("/grid?dataset=builtin&order=epoch&rank=3&world_size=2");
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("<a href=\"/grid?dataset=builtin\">Back to the Grid</a>"),
        r.body());
  }
}
