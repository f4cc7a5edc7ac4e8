package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The UI of a folder dataset without a depth model, over real HTTP: its depth view is a 400
 * that says why (as the Stats page's depth output is), and its sample meta leaves out the
 * placeholder fg_depth that a dataset with depth shows.
 */
class WebUiNoDepthTest {
  @RegisterExtension
  static final UiServerPerClass ui = UiServerPerClass.builtin().withPhotos();

  @Test
  void theDepthViewOfADatasetWithoutDepthIsA400NamingTheDatasetAndTheOtherViews()
      throws Exception {
    String why = "parameter 'view': dataset 'photos' has no depth (depth source: none); use"
        + " view=outline, overlay or none";
    HttpResponse<String> api = ui.server.get("/api/grid?dataset=photos&view=depth");
    assertEquals(400, api.statusCode(), api.body());
    assertEquals(why, JsonParser.parseString(api.body()).getAsJsonObject().get("error")
        .getAsString());
    HttpResponse<String> page = ui.server.get("/grid?dataset=photos&view=depth");
    assertEquals(400, page.statusCode());
    assertTrue(page.body().contains(Resources.escape(why)), page.body());
    for (String view : List.of("outline", "overlay", "none")) {
      assertEquals(200, ui.server.get("/api/grid?dataset=photos&view=" + view).statusCode(), view);
    }
    assertEquals(200, ui.server.get("/api/grid?dataset=builtin&view=depth").statusCode());
  }

  @Test
  void theSampleMetaOfADatasetWithoutDepthLeavesOutItsPlaceholderDepth() throws Exception {
    JsonObject none = meta("photos");
    assertFalse(none.has("fg_depth"), none.toString());
    assertTrue(none.has("fg_label") && none.has("bbox"), none.toString());
    JsonObject exact = meta("builtin");
    assertTrue(exact.get("fg_depth").getAsDouble() > 0, exact.toString());
  }

  private static JsonObject meta(String dataset) throws Exception {
    HttpResponse<String> r = ui.server.get("/api/sample?dataset=" + dataset + "&index=3");
    assertEquals(200, r.statusCode(), r.body());
    return JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonObject("meta");
  }
}
