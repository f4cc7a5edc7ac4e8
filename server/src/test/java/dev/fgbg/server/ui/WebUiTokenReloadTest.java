package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fgbg.server.transport.ConnectOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A UI session made with a token that a reloaded {@code --token-file} drops ends. */
class WebUiTokenReloadTest {
  private static final String A = "aaaaaaaaaaaaaaaaaaaa-ui-old";
  private static final String B = "bbbbbbbbbbbbbbbbbbbb-ui-new";

  @TempDir
  Path dir;

  @Test
  void aSessionOfARemovedTokenEndsAtItsNextRequest() throws Exception {
    Path file = dir.resolve("tokens");
    Files.writeString(file, "alice:" + A + "\n");
    ConnectOptions connect = ConnectOptions.builder().tokenFile(file).reloadInterval(Duration.ofMillis(50))
        .build();
    try (UiTestServer server = UiTestServer.start(dir.resolve("exports"), connect)) {
      String cookie = server.get("/api/login", "Authorization", "Bearer " + A).headers()
          .firstValue("Set-Cookie").orElseThrow();
      String session = cookie.substring(0, cookie.indexOf(';'));
      assertEquals(200, server.get("/api/datasets", "Cookie", session).statusCode());

      Files.writeString(dir.resolve("tokens.new"), "bob:" + B + "\n");
      Files.move(dir.resolve("tokens.new"), file, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (server.get("/api/datasets", "Cookie", session).statusCode() == 200) {
        if (System.nanoTime() > end) {
          fail("the session of the removed token still works after 60 s");
        }
        Thread.sleep(10);
      }
      assertEquals(401, server.get("/api/datasets", "Cookie", session).statusCode());
      assertEquals(401, server.get("/api/datasets", "Authorization", "Bearer " + A)
          .statusCode());
      assertEquals(200, server.get("/api/datasets", "Authorization", "Bearer " + B)
          .statusCode());
      assertEquals(200, server.get("/api/login", "Authorization", "Bearer " + B).statusCode());
    }
  }
}
