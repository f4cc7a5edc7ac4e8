package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fgbg.server.transport.AccessTokens;
import dev.fgbg.server.transport.ConnectOptions;
import dev.fgbg.server.transport.TokenGuesses;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request with a live session is the session's: a stale or wrong bearer token sent beside it
 * (a script's header on a browser's requests) is not compared, so it is neither paced nor
 * counted as a guess of its address.
 */
class WebUiSessionBesideBearerTest {
  private static final String ALICE = "alice-0123456789abcdef";

  @TempDir
  Path dir;

  @Test
  void aWrongBearerBesideALiveSessionIsNeitherPacedNorAGuess() throws Exception {
    try (UiTestServer server = UiTestServer.start(dir, ConnectOptions.builder()
        .tokens(AccessTokens.parse(List.of("alice:" + ALICE), "test")).build())) {
      HttpResponse<String> in = server.get("/api/login", "Authorization", "Bearer " + ALICE);
      String session = in.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
      for (int i = 0; i < 3 * TokenGuesses.BURST; i++) {
        HttpResponse<String> r = server.get("/api/datasets", "Cookie", session,
            "Authorization", "Bearer stale-token-00000000" + i);
        assertEquals(200, r.statusCode(), i + ": " + r.body());
      }
      // None of them was a guess: the address's first wrong tokens are still compared.
      HttpResponse<String> wrong = server.get("/api/datasets", "Authorization",
          "Bearer wrong-token-000000");
      assertEquals(401, wrong.statusCode(), wrong.body());
      assertEquals(200, server.get("/api/datasets", "Authorization", "Bearer " + ALICE)
          .statusCode());
    }
  }
}
