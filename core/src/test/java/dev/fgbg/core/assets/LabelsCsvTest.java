package dev.fgbg.core.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Fixtures;
import dev.fgbg.core.LogLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What labels.csv's rows are matched to, and what its messages say, through the real loader. */
class LabelsCsvTest {
  /** "Stühl – ä rotated.png" as typed (NFC: ü and ä one character each). */
  private static final String TYPED = "St\u00fchl \u2013 \u00e4 rotated.png";
  /** The same name as macOS writes it (NFD: u and a, each with a combining diaeresis). */
  private static final String MAC = Normalizer.normalize(TYPED, Normalizer.Form.NFD);

  @TempDir
  Path root;

  private AssetSet load() {
    return FolderAssets.load(new FolderDataset("f", root.resolve("bg"), root.resolve("fg"),
        null, FolderDataset.MaskFrom.LUMINANCE), 32, 32);
  }

  private FgbgException refusal() {
    return assertThrows(FgbgException.class, this::load);
  }

  private void images(String... fgNames) {
    Fixtures.write(Fixtures.rgb(32, 32, 1), root.resolve("bg/a.png"));
    for (String n : fgNames) {
      Fixtures.write(Fixtures.digit(28, 28), root.resolve("fg").resolve(n));
    }
  }

  private Path csv(String rows) throws Exception {
    Path csv = root.resolve("fg/labels.csv");
    Files.writeString(csv, rows);
    return csv;
  }

  @Test
  void aMacFileNameInNfdMeetsTheSameNameTypedInNfc() throws Exception {
    assertEquals("UTF-8", System.getProperty("sun.jnu.encoding"), "file names in UTF-8: the "
        + "tests run with LC_ALL=C.UTF-8 (pom.xml)");
    assertTrue(!MAC.equals(TYPED) && MAC.length() == TYPED.length() + 2);
    images(MAC, "plain.png");
    csv("file,label,height\n" + TYPED + ",chair,0.9\nplain.png,digit\n");
    AssetSet a;
    try (LogLines log = LogLines.capture("dev.fgbg.core.assets")) {
      a = load();
      assertEquals(List.of(), log.containing(" lists "), "no row names a missing file");
    }
    Foreground chair = a.foregrounds().stream().filter(f -> f.name().equals(MAC)).findFirst()
        .orElseThrow();
    assertEquals("chair", a.foregroundLabels().get(chair.label()));
    assertEquals(0.9, chair.realHeight(), "the height column meets it too");

    // And the other way round: a name typed in NFD in the csv meets a file saved in NFC.
    Files.move(root.resolve("fg").resolve(MAC), root.resolve("fg").resolve(TYPED));
    csv("file,label\n" + MAC + ",chair\nplain.png,digit\n");
    assertEquals(List.of("chair", "digit"), load().foregroundLabels());
  }

  @Test
  void aRowNamingNoFileSaysSoAndOffersTheNameInAnotherCase() throws Exception {
    images("Person Standing.PNG", "cup.png");
    Path csv = csv("file,label\nperson standing.png,person\ncup.png,cup\ngone.png,x\n");
    try (LogLines log = LogLines.capture("dev.fgbg.core.assets")) {
      FgbgException e = refusal();
      assertEquals("dataset 'f': " + root.resolve("fg/Person Standing.PNG") + ": not listed in "
          + csv + " (give every image a row file,label; it lists person standing.png, which "
          + "differs in case) (fix or remove it; or start with "
          + "--on-bad-file skip (on_bad_file: \"skip\" in a config file) to serve the rest "
          + "without the bad images)\n" + Fixtures.notDecoded(2), e.getMessage());
      assertEquals(List.of("WARNING " + csv + " lists 2 file(s) not found in "
          + root.resolve("fg") + " (ignored), e.g. person standing.png: no such file; did you "
          + "mean Person Standing.PNG?"), log.containing(" lists "));
    }
    csv("file,label\nPerson Standing.PNG,person\ncup.png,cup\ngone.png,x\n");
    try (LogLines log = LogLines.capture("dev.fgbg.core.assets")) {
      load();
      assertEquals(List.of("WARNING " + csv + " lists 1 file(s) not found in "
          + root.resolve("fg") + " (ignored), e.g. gone.png: no such file"),
          log.containing(" lists "));
    }
  }

  @Test
  void aListedGifIsNamedOnceAsWhatItIsAndANoteAsNotAnImage() throws Exception {
    images("cup.png");
    Files.write(root.resolve("fg/spin.gif"), new byte[] {'G', 'I', 'F', '8', '9', 'a'});
    Files.writeString(root.resolve("fg/notes.txt"), "a note");
    Path csv = csv("file,label\ncup.png,cup\nspin.gif,spin\nnotes.txt,x\n");
    try (LogLines log = LogLines.capture("dev.fgbg.core.assets")) {
      FgbgException e = refusal();
      assertEquals("dataset 'f': " + root.resolve("fg/spin.gif") + ": is a GIF image; fgbg "
          + "reads PNG and JPEG (convert it or remove it) (fix or remove it; or start with "
          + "--on-bad-file skip (on_bad_file: \"skip\" in a config file) to serve the rest "
          + "without the bad images)\n" + Fixtures.notDecoded(2), e.getMessage());
      assertEquals(List.of("WARNING " + csv + " lists 1 file(s) that are not images in "
          + root.resolve("fg") + " (ignored), e.g. notes.txt"), log.containing(" lists "),
          "the GIF is present: its row is not called missing nor ignored");
    }
  }

  @Test
  void aBadRowSaysWhatIsWrongWithIt() throws Exception {
    images("tiny.png", "big.png");
    Path csv = csv("file,label\nbig.png,big\n\ntiny.png,\nalone.png\n,orphan\nx.png,a,b\n");
    // tiny.png's row is its own problem (skippable); alone.png is not there: the csv's.
    assertEquals("dataset 'f' has 2 bad files or folders (fix or remove each, then start "
        + "again):\n  " + csv + ": row 4 (alone.png) has no label: rows are file,label; row 5: "
        + "the file is empty; row 6 has 3 cells but the header file,label has 2 (quote a name or "
        + "label that holds a comma)\n  " + root.resolve("fg/tiny.png") + ": " + csv + " row 3 "
        + "(tiny.png): the label is empty\n" + Fixtures.notDecoded(2), refusal().getMessage(),
        "tiny.png is not also called unlisted: its bad row speaks");
  }
}
