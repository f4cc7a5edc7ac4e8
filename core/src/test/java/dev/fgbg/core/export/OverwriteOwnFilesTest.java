package dev.fgbg.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.common.ProtoJson;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.FileTrees;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.v1.ExportManifest;
import dev.fgbg.v1.FileRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** An overwrite removes an export's own files only: a folder holding others is refused. */
class OverwriteOwnFilesTest {
  @RegisterExtension
  static final WorkerPool POOL = new WorkerPool();
  private static final Dataset D = TestDatasets.tiny(); // 120 samples, 4 backgrounds

  @TempDir
  Path tmp;
  private Exporter exporter;

  @BeforeEach
  void setUp() {
    exporter = new Exporter(new ExportRoot(tmp.resolve("root")), POOL.get(), 4,
        Ticker.systemTicker());
  }

  /** Every output, so that every file and folder a format may write is there. */
  private static final Outputs ALL = new Outputs(true, true, D.hasDepth(), true, true, true,
      D.hasDepth());

  private static ExportJob job(ExportFormat f, String dest, long end, boolean overwrite) {
    return new ExportJob(D, 7, 0, end, ALL, f, dest, overwrite, 10, 95, false);
  }

  private ExportManifest run(ExportJob job) {
    return exporter.run(job, p -> { }, () -> false);
  }

  private Path dir(String dest) {
    return tmp.resolve("root").resolve(dest);
  }

  private FgbgException refused(ExportJob job) {
    FgbgException e = assertThrows(FgbgException.class, () -> run(job));
    assertEquals(FgbgException.Reason.FAILED_PRECONDITION, e.reason(), e.getMessage());
    return e;
  }

  @ParameterizedTest
  @EnumSource(ExportFormat.class)
  void aFolderHoldingTheUsersFilesBesideAnExportIsRefusedAndKeptWhole(ExportFormat f)
      throws Exception {
    run(job(f, "ow1", 90, false));
    Files.writeString(dir("ow1").resolve("precious.txt"), "precious\n");
    Map<String, String> before = FileTrees.tree(dir("ow1"));
    FgbgException e = refused(job(f, "ow1", 40, true));
    assertEquals("export destination 'ow1' holds 'precious.txt', which is not part of its "
        + "export: --overwrite replaces only an export's own files; move it out first",
        e.getMessage());
    assertEquals(before, FileTrees.tree(dir("ow1")), f + ": nothing removed");

    Files.delete(dir("ow1").resolve("precious.txt"));
    Files.createDirectories(dir("ow1").resolve("mydata/deep"));
    Files.writeString(dir("ow1").resolve("mydata/deep/thesis.tex"), "x");
    for (String n : new String[] {"a.txt", "b.txt", "c.txt", "d.txt"}) {
      Files.writeString(dir("ow1").resolve(n), n);
    }
    before = FileTrees.tree(dir("ow1"));
    e = refused(job(f, "ow1", 40, true));
    assertEquals("export destination 'ow1' holds 'a.txt', 'b.txt', 'c.txt' and 2 more, which are"
        + " not part of its export: --overwrite replaces only an export's own files; move them "
        + "out first", e.getMessage());
    assertEquals(before, FileTrees.tree(dir("ow1")), f + ": no sub-folder removed");
  }

  @ParameterizedTest
  @EnumSource(ExportFormat.class)
  void aStoppedExportWithItsTemporariesAndLinksOfItsNamesIsStillReplaced(ExportFormat f)
      throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ExportJob first = job(f, "stopped", 120, false);
    assertThrows(CancellationException.class, () -> exporter.run(first,
        p -> calls.incrementAndGet(), () -> calls.get() >= 2));
    // What a killed run leaves: a table's temporary, a shard's hidden folder or temporary file.
    Path d = dir("stopped");
    Files.writeString(d.resolve(Tables.CSV_FILE + FileIo.TMP), "half");
    Files.writeString(d.resolve(ManifestStore.MANIFEST + FileIo.TMP), "half");
    Files.createDirectories(d.resolve(BackgroundFiles.FOLDER));
    Files.writeString(d.resolve("bg/bg_001.png" + FileIo.TMP), "half");
    if (f == ExportFormat.FOLDERS) {
      Files.createDirectories(d.resolve("fg_bg/.bg_003.partial"));
      Files.writeString(d.resolve("fg_bg/.bg_003.partial/x.jpg"), "half");
    } else if (f == ExportFormat.WEBDATASET) {
      Files.writeString(d.resolve("shard-000011.tar" + FileIo.TMP), "half");
    }
    // A link under one of the export's names goes as a link; what it points to stays.
    Path outside = Files.writeString(tmp.resolve("outside.txt"), "keep");
    Files.createSymbolicLink(d.resolve(BackgroundFiles.ROWS_NPY), outside);
    ExportManifest m = run(job(f, "stopped", 40, true));
    assertTrue(m.getComplete());
    assertEquals("keep", Files.readString(outside));
    assertFalse(Files.exists(d.resolve(Tables.CSV_FILE + FileIo.TMP)));
    run(job(f, "fresh", 40, false));
    assertEquals(FileTrees.tree(dir("fresh")), FileTrees.tree(d), f + ": as a fresh export");
  }

  @Test
  void theUsersFilesInsideAnExportsFoldersAndForeignLinksAreRefusedByName() throws Exception {
    run(job(ExportFormat.FOLDERS, "ow3", 90, false));
    Files.writeString(dir("ow3").resolve("fg_bg/notes.md"), "mine");
    FgbgException e = refused(job(ExportFormat.FOLDERS, "ow3", 40, true));
    assertTrue(e.getMessage().startsWith("export destination 'ow3' holds 'fg_bg/notes.md', which"
        + " is not part of its export"), e.getMessage());
    Files.delete(dir("ow3").resolve("fg_bg/notes.md"));
    assertTrue(Files.isDirectory(dir("ow3").resolve(BackgroundFiles.FOLDER)));
    Files.writeString(dir("ow3").resolve("bg/notes.md"), "mine");
    e = refused(job(ExportFormat.FOLDERS, "ow3", 40, true));
    assertTrue(e.getMessage().startsWith("export destination 'ow3' holds 'bg/notes.md', which"),
        e.getMessage());
    Files.delete(dir("ow3").resolve("bg/notes.md"));
    run(job(ExportFormat.COCO, "coco", 90, false));
    Files.writeString(dir("coco").resolve("annotations/mine.json"), "{}");
    e = refused(job(ExportFormat.COCO, "coco", 40, true));
    assertTrue(e.getMessage().startsWith("export destination 'coco' holds "
        + "'annotations/mine.json', which"), e.getMessage());
    Path outside = Files.writeString(tmp.resolve("outside.txt"), "keep");
    Files.createSymbolicLink(dir("ow3").resolve("shortcut"), outside);
    e = refused(job(ExportFormat.FOLDERS, "ow3", 40, true));
    assertTrue(e.getMessage().startsWith("export destination 'ow3' holds 'shortcut', which"),
        e.getMessage());
    assertTrue(Files.isSymbolicLink(dir("ow3").resolve("shortcut")));
    assertEquals("keep", Files.readString(outside));
  }

  @Test
  void aManifestNamingAPathOutsideItsFolderIsRefusedSayingSo() throws Exception {
    for (String bad : new String[] {"../../x", "/etc/passwd", "a/../../b"}) {
      run(job(ExportFormat.WEBDATASET, "trav", 90, false));
      Path file = dir("trav").resolve(ManifestStore.MANIFEST);
      ExportManifest m = ManifestStore.read(file);
      ExportManifest shard = m.toBuilder().setShards(0, m.getShards(0).toBuilder().setName(bad))
          .build();
      ExportManifest listed = m.toBuilder().addFiles(FileRecord.newBuilder().setPath(bad))
          .build();
      for (ExportManifest edited : new ExportManifest[] {shard, listed}) {
        Files.writeString(file, ProtoJson.print(edited) + "\n");
        Map<String, String> before = FileTrees.tree(dir("trav"));
        for (boolean overwrite : new boolean[] {false, true}) {
          FgbgException e = refused(job(ExportFormat.WEBDATASET, "trav", 40, overwrite));
          assertEquals("export destination 'trav' holds a manifest.json that names a path "
              + "outside its folder ('" + bad + "'); fgbg never writes one: move the folder "
              + "away or choose another", e.getMessage());
          e = refused(job(ExportFormat.WEBDATASET, "trav", 90, overwrite));
          assertTrue(e.getMessage().contains("names a path outside"), e.getMessage());
        }
        assertEquals(before, FileTrees.tree(dir("trav")));
      }
      Files.writeString(file, ProtoJson.print(m) + "\n");
    }
  }
}
