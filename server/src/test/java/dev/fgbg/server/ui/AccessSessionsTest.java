package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.benmanes.caffeine.cache.Ticker;
import com.sun.net.httpserver.Headers;
import dev.fgbg.server.transport.LiveTokens;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A token's list of sessions goes when its last session ends, or when a reloaded
 * {@code --token-file} drops the token: signing in with ever new tokens keeps no list for good.
 */
class AccessSessionsTest {
  private static final String A = "alice-0123456789abcdef";
  private static final String B = "bob-fedcba9876543210";
  private static final String C = "carol-0246813579abcdef";

  @TempDir
  Path dir;

  @Test
  void aTokensSessionListGoesWithItsLastSessionOrWithTheToken() throws Exception {
    Path file = dir.resolve("tokens");
    Files.writeString(file, "alice:" + A + "\nbob:" + B + "\n");
    LiveTokens tokens = LiveTokens.of(file, Duration.ofMillis(20));
    ScheduledExecutorService timer = new ScheduledThreadPoolExecutor(1);
    ScheduledFuture<?> watch = tokens.watch(timer);
    try {
      Access access = new Access(tokens, false, Ticker.systemTicker());
      String alice = cookie(access.login(request("Authorization", "Bearer " + A)));
      access.logout(request("Cookie", alice));
      cookie(access.login(request("Authorization", "Bearer " + B)));
      assertEquals(1, access.tokensWithSessions(), "alice's list went with her last session");

      Path next = dir.resolve("tokens.new");
      Files.writeString(next, "carol:" + C + "\n");
      Files.move(next, file, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (tokens.match(C).isEmpty()) {
        if (System.nanoTime() > end) {
          fail("the token file was not reloaded in 60 s");
        }
        Thread.sleep(10);
      }
      cookie(access.login(request("Authorization", "Bearer " + C)));
      assertEquals(1, access.tokensWithSessions(), "bob's list went with his token");
    } finally {
      watch.cancel(true);
      timer.shutdownNow();
    }
  }

  private static Request request(String header, String value) {
    Headers h = new Headers();
    h.add(header, value);
    return new Request("/api/login", null, h, new InetSocketAddress("127.0.0.1", 1), "test");
  }

  /** The {@code name=value} of the reply's Set-Cookie. */
  private static String cookie(Reply r) {
    String c = r.headers().get("Set-Cookie");
    return c.substring(0, c.indexOf(';'));
  }
}
