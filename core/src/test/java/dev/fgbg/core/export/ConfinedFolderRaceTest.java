package dev.fgbg.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers that make the same new folder at once, each through its own handle on the top folder
 * (as Spark tasks and server exports do), all end up writing into the one folder that stays.
 */
class ConfinedFolderRaceTest {
  private static final int WRITERS = 8;
  private static final int ROUNDS = 300;
  private static final int PROCESS_ROUNDS = 1000;

  @TempDir
  Path tmp;

  @Test
  void concurrentMakersOfOneFolderAllUseTheFolderThatStays() throws Exception {
    Path top = Files.createDirectories(tmp.resolve("top"));
    List<ConfinedFolder> handles = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    List<String> failed = new ArrayList<>();
    try {
      for (int w = 0; w < WRITERS; w++) {
        handles.add(ConfinedFolder.open(top));
      }
      CyclicBarrier start = new CyclicBarrier(WRITERS);
      for (int round = 0; round < ROUNDS; round++) {
        String folder = "r" + round + "/.fgbg-shards/part";
        List<Future<?>> writes = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          ConfinedFolder f = handles.get(w);
          String file = folder + "/w" + w + ".tmp";
          writes.add(pool.submit(() -> {
            start.await();
            f.mkdirs(folder);
            try (OutputStream out = f.create(file)) {
              out.write(file.getBytes(StandardCharsets.UTF_8));
            }
            return null;
          }));
        }
        for (Future<?> write : writes) {
          try {
            write.get();
          } catch (Exception e) {
            failed.add("round " + round + ": " + e.getCause());
          }
        }
        List<String> expected = IntStream.range(0, WRITERS).mapToObj(w -> "w" + w + ".tmp")
            .collect(Collectors.toList());
        if (failed.isEmpty()) {
          assertEquals(expected, handles.get(0).list(folder), "round " + round);
        }
      }
      assertEquals(List.of(), failed, failed.size() + " of " + ROUNDS * WRITERS + " writes failed, in "
          + failed.stream().map(f -> f.substring(0, f.indexOf(':'))).distinct().count() + " of "
          + ROUNDS + " rounds");
      assertEquals(List.of(), List.of(top.toFile().list()).stream()
          .filter(n -> n.startsWith(HandleWalk.NEW_PREFIX)).collect(Collectors.toList()),
          "no folder left in the making");
    } finally {
      pool.shutdownNow();
      for (ConfinedFolder f : handles) {
        f.close();
      }
    }
  }

  @Test
  void twoProcessesMakingOneFolderBothUseTheFolderThatStays() throws Exception {
    Path top = Files.createDirectories(tmp.resolve("top"));
    List<Process> writers = new ArrayList<>();
    try {
      for (int w = 0; w < 2; w++) {
        writers.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-cp", System.getProperty("java.class.path"), Writer.class.getName(),
            top.toString(), "p" + w).redirectError(ProcessBuilder.Redirect.INHERIT).start());
      }
      List<String> failed = new ArrayList<>();
      for (int round = 0; round < PROCESS_ROUNDS; round++) {
        for (Process p : writers) { // both told at once, over their standard input
          p.getOutputStream().write((round + "\n").getBytes(StandardCharsets.UTF_8));
          p.getOutputStream().flush();
        }
        for (Process p : writers) {
          String said = readLine(p.getInputStream());
          if (!said.equals("ok")) {
            failed.add("round " + round + ": " + said);
          }
        }
      }
      assertEquals(List.of(), failed, failed.size() + " of " + PROCESS_ROUNDS * 2 + " writes");
      for (int round = 0; round < PROCESS_ROUNDS; round++) {
        assertEquals(List.of("p0.tmp", "p1.tmp"), List.of(top.resolve("r" + round
            + "/.fgbg-shards/part").toFile().list()).stream().sorted().toList());
      }
    } finally {
      for (Process p : writers) {
        p.getOutputStream().close();
        p.waitFor();
      }
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        return "ended: " + line;
      }
      line.append((char) c);
    }
    return line.toString();
  }

  /**
   * A writer process: for each round number read, makes the round's folder and writes its file
   * there through its own handle, then says "ok" or what failed.
   */
  static final class Writer {
    private Writer() {
    }

    public static void main(String[] args) throws IOException {
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
          StandardCharsets.UTF_8));
      try (ConfinedFolder f = ConfinedFolder.open(Path.of(args[0]))) {
        for (String round = in.readLine(); round != null; round = in.readLine()) {
          String folder = "r" + round + "/.fgbg-shards/part";
          String said = "ok";
          try {
            f.mkdirs(folder);
            f.create(folder + "/" + args[1] + ".tmp").close();
          } catch (IOException e) {
            said = e.toString();
          }
          System.out.println(said);
          System.out.flush();
        }
      }
    }
  }
}
