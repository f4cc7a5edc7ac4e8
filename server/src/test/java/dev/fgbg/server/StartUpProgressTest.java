package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.Fixtures;
import dev.fgbg.core.assets.FolderAssets;
import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.server.options.ServerOptions;
import dev.fgbg.v1.FolderDatasetConfig;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start-up on photo folders that take a while to decode says how far it is, and its
 * "listening … after" counts the loading, timed by the options' ticker (driven here: each read
 * one second later), through {@link FgbgApplication#create(ServerOptions)} and its start.
 */
class StartUpProgressTest {
  private static final Pattern AFTER = Pattern.compile("fgbg listening on .* after ([0-9.]+) s");

  @TempDir
  Path dir;

  @Test
  void aSlowLoadIsToldAsItGoesAndCountedInTheListeningLine() throws Exception {
    Fixtures.goodFolders(dir);
    AtomicLong now = new AtomicLong();
    ServerOptions o = ServerOptions.builder().workers(1).noExports()
        .builtin(new BuiltinConfig(16, 16, 2, 2, 2, "", "", ""))
        .ticker(() -> now.addAndGet(TimeUnit.SECONDS.toNanos(1)))
        .datasets(List.of(FolderDatasetConfig.newBuilder().setName("mine")
            .setBg(dir.resolve("bg").toString()).setFg(dir.resolve("fg").toString())
            .setSize("32").build())).build();
    try (LogCapture log = new LogCapture()) {
      FgbgApplication app = FgbgApplication.create(o);
      try {
        app.start(InProcessServerBuilder.forName(InProcessServerBuilder.generateName()));
        assertEquals(List.of("dataset 'mine': decoded 2 of 6 images (2 s)",
            "dataset 'mine': decoded all 6 images in 7.0 s"),
            log.of(FolderAssets.class.getName()).stream().map(LogRecord::getMessage)
                .filter(m -> m.contains(" decoded ")).toList());
        String listening = log.of(FgbgApplication.class.getName()).stream()
            .map(LogRecord::getMessage).filter(m -> m.startsWith("fgbg listening on "))
            .findFirst().orElseThrow();
        Matcher m = AFTER.matcher(listening);
        assertTrue(m.matches(), listening);
        // The ticker's 9 reads of the loading at least (1 s each), not the moments after it.
        assertTrue(Double.parseDouble(m.group(1)) >= 9.0, listening);
      } finally {
        app.close();
      }
    }
  }

  @Test
  void aStartSaysItBeganBeforeTheLoadingOnce() throws Exception {
    // Seconds of silence (minutes with real photos) came before the first line of a start.
    Fixtures.goodFolders(dir);
    try (ServerJvm s = new ServerJvm(List.of(), "--builtin-size", "16", "--builtin-counts",
        "1:1", "--bg", dir.resolve("bg").toString(), "--fg", dir.resolve("fg").toString(),
        "--name", "office")) {
      List<String> lines = s.log().lines().toList();
      String starting = "fgbg starting: datasets 'builtin', 'office'; loading them before "
          + "listening";
      assertEquals(1, lines.stream().filter(l -> l.contains("fgbg starting")).count(),
          s.log());
      assertTrue(lines.get(0).endsWith(" INFO " + Main.class.getName() + ": " + starting),
          s.log());
    }
  }
}
