package dev.fgbg.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.v1.ExportManifest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exports whose destinations nest: one inside a folder another export is writing, or holding
 * one, is refused naming the other's folder (in this process and from another process sharing
 * the root), and so is one inside an existing export; the running export is left whole.
 */
class DestinationLockTest {
  @RegisterExtension
  final ExportFixture bench = new ExportFixture();
  private static final Dataset D = TestDatasets.tiny();

  private static ExportJob job(String dest, boolean overwrite) {
    return new ExportJob(D, 1, 0, D.size(), Outputs.all(D), ExportFormat.FOLDERS, dest,
        overwrite, 25, 95, false);
  }

  /** Exports to {@code dest} (no overwrite), to its end. */
  private ExportManifest export(String dest) {
    return bench.exporter().run(job(dest, false), p -> { }, () -> false);
  }

  private FgbgException refused(String dest, boolean overwrite, String naming) {
    FgbgException e = bench.refused(job(dest, overwrite));
    assertTrue(e.getMessage().contains(naming), e.getMessage());
    return e;
  }

  /** Runs {@code dest}'s export, paused at its first progress until the returned latch opens. */
  private CompletableFuture<ExportManifest> paused(String dest, CountDownLatch go)
      throws InterruptedException {
    CountDownLatch writing = new CountDownLatch(1);
    CompletableFuture<ExportManifest> run = CompletableFuture.supplyAsync(() ->
        bench.exporter().run(job(dest, false), p -> {
          writing.countDown();
          try {
            go.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, () -> false));
    assertTrue(writing.await(60, TimeUnit.SECONDS), "the export started writing");
    return run;
  }

  @Test
  void anExportInsideOrAroundARunningOneIsRefusedAndTheRunningOneFinishes() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    CompletableFuture<ExportManifest> nest = paused("nest", go);
    // One line: wait or cancel (an export may run for hours), and the other export may be the
    // user's own, just cancelled.
    String busy = refused("nest", false, "'nest'" + DestinationLock.BUSY).getMessage();
    assertTrue(busy.contains("wait for it to finish or cancel it")
        && busy.contains("just cancelled") && busy.contains("retry in a few seconds")
        && !busy.contains("\n"), busy);
    refused("nest/fg_bg/bg_000", false, "is inside 'nest', which another export is writing");
    refused("./nest/x", false, "is inside 'nest', which another export is writing");
    go.countDown();
    ExportManifest done = nest.get(60, TimeUnit.SECONDS);
    assertTrue(done.getComplete());

    go = new CountDownLatch(1);
    CompletableFuture<ExportManifest> inner = paused("race3/sub3", go);
    refused("race3", true, "holds 'race3/sub3', which another export is writing right now");
    assertTrue(Files.exists(bench.root().resolve("race3/sub3/manifest.json")),
        "left where it was");
    go.countDown();
    assertTrue(inner.get(60, TimeUnit.SECONDS).getComplete());
    assertEquals(done.getDigest(), export("race3b").getDigest(),
        "the lock's neighbours are only refused: a sibling runs");
  }

  @Test
  void anExportInsideAnExistingExportCompleteOrNotIsRefused() throws Exception {
    export("done");
    refused("done/fg_bg/bg_000", false, "is inside 'done', an fgbg export");
    refused("done/a/b", true, "is inside 'done', an fgbg export");
    AtomicBoolean stop = new AtomicBoolean();
    assertThrows(CancellationException.class, () -> bench.exporter().run(job("part", false),
        p -> stop.set(true), stop::get));
    refused("part/x", false, "is inside 'part', an fgbg export");
    Files.createDirectories(bench.root().resolve("plain/sub"));
    Files.writeString(bench.root().resolve("plain/notes.txt"), "mine");
    assertTrue(export("plain/sub/x").getComplete(),
        "a folder of other files is no export");
  }

  /** Another process holding {@code dest}'s lock until its standard input is closed. */
  private Process held(String dest) throws Exception {
    String classpath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", classpath, HoldDestination.class.getName(),
        bench.root().path().toString(), dest).redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(),
        StandardCharsets.UTF_8));
    assertEquals("held", out.readLine());
    return other;
  }

  private static void letGo(Process other) throws Exception {
    other.getOutputStream().close();
    assertTrue(other.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, other.exitValue());
  }

  @Test
  void anotherProcessHoldingANearbyDestinationIsSeen() throws Exception {
    Process other = held("x/y");
    try {
      refused("x/y", false, "'x/y' is being written by another export right now");
      refused("x", true, "holds 'x/y', which another export is writing right now");
      refused("x/y/z", false, "is inside 'x/y', which another export is writing");
      assertTrue(export("x/z").getComplete());
    } finally {
      letGo(other);
    }
    assertTrue(export("x/y").getComplete(),
        "free once the other process let go");
  }

  private List<String> lockFiles() throws Exception {
    try (Stream<Path> s = Files.list(bench.root().path().resolve(DestinationLock.LOCKS))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void lockFilesGoWhenLetGoAndOnesADeadProcessLeftGoAtTheNextTake() throws Exception {
    export("a");
    export("b/c");
    assertEquals(List.of(DestinationLock.GUARD), lockFiles(), "no lock file per export kept");
    Process other = held("x/y");
    String dead = "0".repeat(64) + ".lock"; // a killed export's: unlocked, naming its folder
    Files.writeString(bench.root().path().resolve(DestinationLock.LOCKS).resolve(dead), "d");
    try {
      assertEquals(3, lockFiles().size(), "the holder's file is there: " + lockFiles());
      assertTrue(export("d").getComplete(),
          "the dead export's folder is no longer in the way");
      List<String> left = lockFiles();
      assertEquals(2, left.size(), "the dead one pruned, the holder's kept: " + left);
      assertFalse(left.contains(dead), left.toString());
      refused("x/y", false, "'x/y' is being written by another export right now");
    } finally {
      letGo(other);
    }
    assertEquals(List.of(DestinationLock.GUARD), lockFiles(), "the other process's went too");
    assertTrue(export("x/y").getComplete());
  }
}
