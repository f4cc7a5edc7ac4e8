package dev.fgbg.core.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Fixtures;
import dev.fgbg.core.LogLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A label sub-folder with no image ({@code fg/empty/}, or one holding only hidden files or
 * notes) is a class the user meant: a strict start-up stops naming it; a skipping one keeps it
 * in the label table with its id and warns naming it, for backgrounds as for foregrounds.
 */
class EmptyLabelFolderTest {
  @TempDir
  Path root;

  private FolderDataset config(FolderDataset.OnBadFile onBadFile) {
    return new FolderDataset("f", root.resolve("bg"), root.resolve("fg"), null,
        FolderDataset.MaskFrom.ALPHA, ImageFiles.DEFAULT_MAX_PIXELS, onBadFile);
  }

  private void folders() throws Exception {
    Fixtures.write(Fixtures.rgb(64, 64, 1), root.resolve("bg/indoor/a.jpg"));
    Files.createDirectories(root.resolve("bg/outdoor"));
    Files.writeString(root.resolve("bg/outdoor/notes.txt"), "photos to come");
    Fixtures.write(Fixtures.disc(20, 20, 0xFF3030), root.resolve("fg/circle/c.png"));
    Fixtures.write(Fixtures.disc(20, 20, 0x30FF30), root.resolve("fg/empty/.hidden.png"));
    Files.createDirectories(root.resolve("fg/.thumbnails"));
  }

  @Test
  void strictRefusesNamingEachEmptyLabelFolder() throws Exception {
    folders();
    FgbgException e = assertThrows(FgbgException.class,
        () -> FolderAssets.load(config(FolderDataset.OnBadFile.FAIL), 32, 32));
    String why = ": is a label folder (label '%s') that holds no PNG or JPEG images ("
        + ImageFiles.EXTENSION_WORDS + "; hidden files are not read): put the class's images "
        + "in it or remove it";
    assertEquals("dataset 'f' has 2 bad files or folders (fix or remove each, then start "
        + "again; or start with --on-bad-file skip (on_bad_file: \"skip\" in a config file) to "
        + "serve the rest without the bad images):\n  " + root.resolve("bg/outdoor")
        + why.formatted("outdoor") + "\n  " + root.resolve("fg/empty") + why.formatted("empty")
        + "\n" + Fixtures.notDecoded(2), e.getMessage());
  }

  @Test
  void skipKeepsTheLabelAndItsIdWithAWarningNamingIt() throws Exception {
    folders();
    AssetSet a;
    try (LogLines log = LogLines.capture("dev.fgbg.core.assets")) {
      a = FolderAssets.load(config(FolderDataset.OnBadFile.SKIP), 32, 32);
      assertEquals(List.of("WARNING dataset 'f': label 'outdoor' (a sub-folder name) has no "
          + "background served (its folder " + root.resolve("bg/outdoor") + " holds no "
          + "images); it keeps its id 1", "WARNING dataset 'f': label 'empty' (a sub-folder "
          + "name) has no foreground served (its folder " + root.resolve("fg/empty") + " holds "
          + "no images); it keeps its id 1"), log.containing("served"));
    }
    assertEquals(List.of("indoor", "outdoor"), a.backgroundLabels());
    assertEquals(List.of("circle", "empty"), a.foregroundLabels(), "the ids a strict load of "
        + "the filled folders gives");
    assertEquals(List.of("bg/outdoor", "fg/empty"), a.skippedFiles().stream()
        .map(SkippedFile::name).toList(), "described as skipped, with why");

    Files.delete(root.resolve("bg/outdoor/notes.txt"));
    Files.delete(root.resolve("bg/outdoor"));
    Fixtures.write(Fixtures.disc(20, 20, 0x3030FF), root.resolve("fg/empty/e.png"));
    AssetSet fixed = FolderAssets.load(config(FolderDataset.OnBadFile.FAIL), 32, 32);
    assertEquals(List.of("indoor"), fixed.backgroundLabels());
    assertEquals(List.of("circle", "empty"), fixed.foregroundLabels());
  }
}
