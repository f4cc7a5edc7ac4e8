package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import dev.fgbg.server.transport.AccessTokens;
import dev.fgbg.server.transport.ConnectOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing in and out of a token-protected UI in a real headless Chromium against a real server:
 * the header names the token signed in and its button signs out.
 */
class WebUiSignOutTest {
  private static final String SECRET = "0123456789abcdef-sign-out";

  @RegisterExtension
  static final UiOnChromium ui = UiOnChromium.browserOnly(1200, 800);

  @TempDir
  Path dir;

  private static String eval(String expression) {
    return ui.browser.eval(expression).getAsString();
  }

  /** Runs {@code script} (which leaves the page) and waits for the next page's state. */
  private static String leave(String script) throws Exception {
    CompletableFuture<JsonObject> loaded = ui.browser.next("Page.loadEventFired");
    ui.browser.eval(script);
    loaded.get(60, TimeUnit.SECONDS);
    return ui.browser.awaitShown();
  }

  private static UiTestServer tokenServer(Path dir) throws Exception {
    return UiTestServer.start(dir.resolve("exports"), ConnectOptions.builder()
        .tokens(AccessTokens.parse(List.of("alice:" + SECRET), "test")).build());
  }

  @Test
  void theHeaderNamesTheTokenSignedInAndItsButtonSignsOut() throws Exception {
    try (UiTestServer server = tokenServer(dir)) {
      assertEquals("login", ui.browser.open(server.url + "/grid?per_page=6"));
      assertEquals("", eval("document.getElementById('who').textContent"), "nobody yet");
      ui.browser.eval("document.getElementById('token').value = '" + SECRET + "'");
      assertEquals("ready", leave("document.getElementById('login').requestSubmit()"));
      assertEquals("signed in as aliceSign out", eval("document.getElementById('who')"
          + ".textContent"));
      assertEquals("login", leave("document.getElementById('sign-out').click()"));
      assertEquals(401, ui.browser.eval("fetch('/api/datasets').then(r => r.status)")
          .getAsInt(), "the session is over");
    }
  }

  /** Submits the sign-in form with {@code token} typed; the message it shows. */
  private static String signIn(String token) {
    ui.browser.eval("document.getElementById('token').value = '" + token + "'");
    assertEquals("refused", eval("new Promise(r => { addEventListener('fgbg-ready',"
        + " () => r(document.body.dataset.state), { once: true });"
        + " document.getElementById('login').requestSubmit(); })"));
    return eval("document.getElementById('message').textContent");
  }

  @Test
  void theSignInPageSaysInWordsWhyNothingHappened() throws Exception {
    UiTestServer server = tokenServer(dir);
    try {
      assertEquals("login", ui.browser.open(server.url + "/"));
      // The flag is one piece: a narrow window never breaks the line after its '--'.
      assertEquals("--token-file nowrap", eval("[...document.querySelectorAll('.lead code')]"
          + ".map(c => c.textContent + ' ' + getComputedStyle(c).whiteSpace).join()"));
      assertEquals("type a token first: one of this server's --token-file", signIn("  "));
    } finally {
      server.close();
    }
    assertEquals("the server cannot be reached: is it running? Sign in again once it is",
        signIn(SECRET));
  }
}
