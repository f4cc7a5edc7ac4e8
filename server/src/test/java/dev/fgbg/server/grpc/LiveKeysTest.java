package dev.fgbg.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.server.LogCapture;
import dev.fgbg.server.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Valid now" is the injected clock's now, at start-up and at each reload: a renewed pair that
 * has expired by then leaves the old pair served, with one warning (the test certificates are
 * valid for a day, so the clock is moved two days on rather than waited for).
 */
@ExtendWith(LogCapture.Clean.class)
class LiveKeysTest {
  @TempDir
  Path dir;

  /** A clock the test sets. */
  private static final class SetClock extends Clock {
    private volatile Instant now = Instant.now();

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  @Test
  void aPairExpiredByTheClockIsRefusedAtStartAndAtReload() throws Exception {
    TestCertificates one = TestCertificates.write(dir.resolve("one"));
    TestCertificates two = TestCertificates.write(dir.resolve("two"));
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    Files.copy(one.serverCert(), cert);
    Files.copy(one.serverKey(), key);
    SetClock clock = new SetClock();
    Duration never = Duration.ofDays(1); // checks are run here, not by a timer
    try (LogCapture log = new LogCapture()) {
      LiveKeys keys = LiveKeys.of(cert, key, never, clock);
      clock.now = clock.now.plus(Duration.ofDays(2));
      assertTrue(assertThrows(IllegalArgumentException.class,
          () -> LiveKeys.of(cert, key, never, clock)).getMessage().contains(" expired on "));

      Files.copy(two.serverKey(), key, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(two.serverCert(), cert, StandardCopyOption.REPLACE_EXISTING);
      keys.check();
      keys.check();
      keys.check();
      assertEquals(List.of(), lines(log, Level.INFO), "nothing reloaded");
      List<String> warnings = lines(log, Level.WARNING);
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).contains(" expired on "), warnings.get(0));
      assertTrue(warnings.get(0).endsWith(" read before is still served"), warnings.get(0));
    }
  }

  private static List<String> lines(LogCapture log, Level level) {
    return log.of(LiveKeys.class.getName()).stream().filter(r -> r.getLevel() == level)
        .map(LogRecord::getMessage).toList();
  }
}
