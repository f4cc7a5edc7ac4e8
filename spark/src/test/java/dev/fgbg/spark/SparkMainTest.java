package dev.fgbg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FileTrees;
import dev.fgbg.server.flags.FolderFlags;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.CommandSpec;

/** The command line, as ./fgbg spark runs it (local mode, its own Spark context). */
class SparkMainTest {
  @TempDir
  Path dir;

  private record Run(int code, List<String> out, String err) {}

  private static Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = SparkMain.run(args);
      return new Run(code, o.toString(StandardCharsets.UTF_8).lines().toList(),
          e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void exportPrintsSamplesRateAndTheDigestOfAFolderDatasetFromItsConfigFile() throws Exception {
    SparkExportTest.folder(dir.resolve("assets"));
    String dest = dir.resolve("out").toUri().toString();
    String[] args = {"export", "--master", "local[2]", "--config",
        dir.resolve("assets/datasets.json").toString(), "--dataset", "mine", "--format",
        "webdataset", "--range", "0:120", "--shard-size", "50", "--dest", dest};
    Run r = run(args);
    assertEquals(0, r.code(), r.err());
    assertEquals(3, r.out().size(), r.out().toString());
    assertEquals("samples: 120", r.out().get(0));
    assertTrue(r.out().get(1).startsWith("samples/s: "));
    assertTrue(r.out().get(2).matches("digest: [0-9a-f]{64}"));
    var before = FileTrees.tree(dir.resolve("out"));
    assertTrue(before.containsKey("shard-000002.tar"));
    assertTrue(Files.readString(dir.resolve("out/manifest.json"))
        .contains(r.out().get(2).substring(8)), "the manifest holds the digest");
    Run again = run(args);
    assertTrue(again.err().contains("3 shards (0 written, 3 complete already: nothing "
        + "rendered) in "), again.err());
    // Nothing rendered: no samples/s (a rate of files only re-read, as if rendered).
    assertEquals(List.of(r.out().get(0), r.out().get(2)), again.out());
    assertEquals(before, FileTrees.tree(dir.resolve("out")));
    args[args.length - 3] = "40";
    Run other = run(args);
    assertEquals(2, other.code(), other.err());
    // It named the server's clients' ways (Python, Java) and not what differs.
    assertTrue(other.err().contains("holds a different export (webdataset of dataset 'mine' "
        + "0:120, fingerprint "), other.err());
    assertTrue(other.err().contains("…; shard_size 50 here, 40 asked); choose another folder, "
        + "or replace it: --overwrite\n"), other.err());
    assertFalse(other.err().contains("Python"), other.err());
    assertEquals(before, FileTrees.tree(dir.resolve("out")));
  }

  @Test
  void aRerunOfAOneShardExportSaysOneShard() {
    String[] args = {"export", "--master", "local[1]", "--builtin-size", "32",
        "--builtin-counts", "2:2", "--range", "0:8", "--dest", dir.resolve("one").toString()};
    assertEquals(0, run(args).code());
    Run again = run(args);
    assertEquals(0, again.code(), again.err());
    assertTrue(again.err().contains("1 shard (0 written, 1 complete already: nothing "
        + "rendered) in "), again.err());
    assertEquals(2, again.out().size(), again.out().toString());
  }

  @Test
  void aBadFlagValueIsOneLineNamingTheFlagNotTheWholeUsage() {
    // picocli's error came with the whole usage after it, some 60 lines.
    Run r = run("export", "--master", "local[2]", "--range", "0:10", "--format", "tfrecord",
        "--dest", dir.resolve("x").toString());
    assertEquals(2, r.code(), r.err());
    assertEquals(List.of("fgbg spark: error: Invalid value for option '--format': expected one "
        + "of [FOLDERS, ZIP, WEBDATASET, NPY, COCO] (case-insensitive) but was 'tfrecord'",
        "(./fgbg spark export --help lists every flag)"), r.err().lines().toList());
    assertFalse(Files.exists(dir.resolve("x")));
  }

  @Test
  void aServersFolderFlagsAreAnsweredWithWhereAJobTakesThem() {
    // It said only "Unknown options": a serve command line reused, with no way forward.
    Run r = run("export", "--bg", "photos/backgrounds", "--fg", "photos/cutouts", "--name",
        "office", "--position", "ground", "--dest", dir.resolve("x").toString());
    assertEquals(2, r.code(), r.err());
    List<String> lines = r.err().lines().toList();
    assertEquals("fgbg spark: error: Unknown options: '--bg', '--fg', '--name', '--position'",
        lines.get(0));
    assertTrue(lines.contains("the Spark jobs take folder datasets through --config FILE (see "
        + "README, Spark)"), r.err());
    assertEquals("(./fgbg spark export --help lists every flag)", lines.get(lines.size() - 1));
    Run typo = run("depth", "--destt", dir.resolve("y").toString());
    assertFalse(typo.err().contains("folder datasets"), typo.err());
    assertFalse(Files.exists(dir.resolve("x")));
  }

  @Test
  void theFolderFlagsAreTheServersButConfig() {
    Set<String> server = new HashSet<>();
    CommandSpec.forAnnotatedObject(new FolderFlags()).options()
        .forEach(o -> server.addAll(List.of(o.names())));
    server.remove("--config");
    assertEquals(server, JobFlags.FOLDER_FLAGS);
  }

  @Test
  void aModelTypedAsModelsNameIsFoundInTheRepositoryAsServeFindsIt() {
    // The tests run in spark/, which has no models/: the repository's ($FGBG_HOME) is read, so
    // the job gets past the config to the weights this test leaves out.
    assertFalse(Files.exists(Path.of("models/fastdepth_nyu_224")));
    Path weights = dir.resolve("absent.onnx");
    Run r = run("depth", "--master", "local[1]", "--builtin-size", "32", "--builtin-counts",
        "2:2", "--depth-model", "models/fastdepth_nyu_224", "--depth-weights",
        weights.toString(), "--dest", dir.resolve("d").toUri().toString());
    assertEquals(2, r.code(), r.err());
    assertFalse(r.err().contains("depth model config"), r.err());
    assertTrue(r.err().contains("depth model weights " + weights + " not found"), r.err());
  }

  @Test
  void badInputFailsWithOneLineNamingIt() {
    Run r = run("export", "--master", "local[1]", "--builtin-size", "32", "--builtin-counts",
        "2:2", "--range", "5:2", "--dest", dir.resolve("x").toUri().toString());
    assertEquals(2, r.code());
    assertEquals("fgbg spark: error: --range 5:2 is empty: A:B takes indices A to B-1, so B "
        + "must be above A\n", r.err());
    r = run("depth", "--master", "local[1]", "--builtin-size", "32", "--builtin-counts", "2:2",
        "--dest", dir.resolve("y").toUri().toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("has no teacher depth to compute: give --depth-model"), r.err());
    r = run("export", "--master", "local[1]", "--dataset", "nope", "--dest",
        dir.resolve("z").toUri().toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("dataset 'nope' needs --config FILE"), r.err());
    r = run("export", "--master", "local[1]", "--builtin-size", "32", "--builtin-counts", "2:2",
        "--task-threads", "0", "--dest", dir.resolve("t").toUri().toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("fgbg spark: error: --task-threads 0 must be in [1, 1024]"),
        r.err());
    r = run("export", "--master", "local[1]", "--builtin-size", "32", "--builtin-counts", "2:2",
        "--shard-size", "0", "--dest", dir.resolve("s").toUri().toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("fgbg spark: error: --shard-size 0 must be in [1, 1000000]"),
        r.err());
    for (String d : new String[] {"x", "z", "t", "s"}) {
      assertFalse(Files.exists(dir.resolve(d)), d + ": nothing is made for a job refused");
    }
  }

  @Test
  void aBadMasterOrTooLittleDriverMemoryIsOneLineSayingWhatToDo() {
    String dest = dir.resolve("m").toUri().toString();
    Run r = run("export", "--master", "local[2", "--dest", dest);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("fgbg spark: error: --master 'local[2' is not a Spark master URL"),
        r.err());
    // Spark checks the heap against spark.testing.memory when set (its system property).
    System.setProperty("spark.testing.memory", Long.toString(100L << 20));
    try {
      r = run("export", "--master", "local[1]", "--dest", dest);
    } finally {
      System.clearProperty("spark.testing.memory");
    }
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("fgbg spark: error: too little memory for Spark's driver "
        + "(System memory 104857600 must be at least 471859200): give its Java more heap, "
        + "FGBG_JAVA_OPTS=-Xmx1g for ./fgbg spark"), r.err());
    assertFalse(r.err().contains("--driver-memory option"), r.err());
    assertFalse(Files.exists(dir.resolve("m")));
  }

  @Test
  void aBadImageAdvisesTheConfigKeyNotAServerFlag() throws Exception {
    SparkExportTest.folder(dir.resolve("assets"));
    Files.write(dir.resolve("assets/bg/zz-bad.png"), new byte[] {1, 2, 3});
    Run r = run("export", "--master", "local[1]", "--config",
        dir.resolve("assets/datasets.json").toString(), "--dataset", "mine", "--dest",
        dir.resolve("b").toUri().toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("zz-bad.png"), r.err());
    assertTrue(r.err().contains("; or set \"on_bad_file\": \"skip\" in its config file entry to "
        + "serve the rest without the bad images"), r.err());
    assertFalse(r.err().contains("--on-bad-file"), r.err());
  }

  @Test
  void aMissingConfigFileIsWordedAsTheServerWordsIt() {
    Path absent = dir.resolve("absent.json");
    Run r = run("export", "--master", "local[1]", "--config", absent.toString(), "--dataset",
        "mine", "--dest", dir.resolve("c").toUri().toString());
    assertEquals(2, r.code(), r.err());
    // It was "...: <the path again>" (the NIO exception's message).
    assertEquals("fgbg spark: error: cannot read config file " + absent + ": no such file or "
        + "folder", r.err().strip());
  }

  @Test
  void aDestinationThatCannotBeReachedOrMadeIsNamedWithWhy() {
    Run r = run("export", "--master", "local[1]", "--builtin-size", "32", "--builtin-counts",
        "2:2", "--dest", "hdfs://nohost.invalid:9000/x");
    assertEquals(2, r.code(), r.err());
    // It was "java.net.UnknownHostException: nohost.invalid".
    assertTrue(r.err().contains("fgbg spark: error: --dest hdfs://nohost.invalid:9000/x: "
        + "unknown host 'nohost.invalid' (no address for it here): check the URI's host name"),
        r.err());
    r = run("export", "--master", "local[1]", "--builtin-size", "32", "--builtin-counts",
        "2:2", "--dest", "/proc/sp-bad5");
    assertEquals(2, r.code(), r.err());
    // It was "/proc/.fgbg-new-<uuid>: no such file or folder" (a temporary name).
    assertTrue(r.err().contains("fgbg spark: error: --dest /proc/sp-bad5 cannot be written: "
        + "cannot make a folder in /proc: no such file or folder"), r.err());
    assertFalse(r.err().contains(".fgbg-new-"), r.err());
  }

  @Test
  void fileAndFileSystemFailuresAreWordedNotJustAPath() {
    // Spark wraps a task's failure; the path alone (an NIO exception's message) said nothing.
    assertEquals("/data/out/.fgbg-new-1: permission denied", SparkMain.reason(
        new RuntimeException("Job aborted", new AccessDeniedException("/data/out/.fgbg-new-1")),
        null));
    // The destination's: named as --dest, by the folder a new folder was made in.
    assertEquals("--dest /data/out/x cannot be written: cannot make a folder in /data/out: "
        + "permission denied", SparkMain.reason(new RuntimeException("Job aborted",
            new AccessDeniedException("/data/out/.fgbg-new-1")), "/data/out/x"));
    assertEquals("--dest file:///data/out/x cannot be written: /data/out/x/a.tar: permission "
        + "denied", SparkMain.reason(new AccessDeniedException("/data/out/x/a.tar"),
            "file:///data/out/x"));
    // Beside the destination but not its own: a config, weights or photo in the same folder.
    assertEquals("/data/out/model.onnx: permission denied", SparkMain.reason(
        new AccessDeniedException("/data/out/model.onnx"), "/data/out/x"));
    assertEquals("/elsewhere/.fgbg-locks/guard: permission denied", SparkMain.reason(
        new AccessDeniedException("/elsewhere/.fgbg-locks/guard"), "/data/out/x"));
    assertEquals("--dest /data/out/x cannot be written: /data/out/.fgbg-locks/guard: permission "
        + "denied", SparkMain.reason(new AccessDeniedException("/data/out/.fgbg-locks/guard"),
            "/data/out/x"));
    assertEquals("/tmp/afile: it already exists", SparkMain.reason(
        new FileAlreadyExistsException("/tmp/afile"), "/data/out/x"));
    // Hadoop's message names the class (joined here: the style check reads a dotted name in a
    // string as a type to import).
    String missing = "Class " + String.join(".", "org", "apache", "hadoop", "fs", "s3a",
        "S3AFileSystem") + " not found";
    String s3 = SparkMain.reason(new RuntimeException(new ClassNotFoundException(missing)),
        "s3a://b/x");
    assertTrue(s3.startsWith("Hadoop has no file system for this destination here (" + missing
        + "): put its connector on the job's classpath"), s3);
  }
}
