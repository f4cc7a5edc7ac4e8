package dev.fgbg.core.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Asset folders with files that have an image's name but cannot be one: each is named in one
 * run, in words (never a Java class name), and none is skipped in silence.
 */
class HostileFoldersTest {
  private static final Pattern CLASS_NAME = Pattern.compile("[A-Z][a-z]+(Exception|Error)\\b");

  @TempDir
  Path root;

  private FolderDataset config() {
    return new FolderDataset("f", root.resolve("bg"), root.resolve("fg"), null,
        FolderDataset.MaskFrom.ALPHA);
  }

  private List<String> refusal() {
    FgbgException e = assertThrows(FgbgException.class, () -> FolderAssets.load(config(), 32,
        32));
    assertEquals(FgbgException.Reason.INVALID_CONFIG, e.reason());
    assertFalse(CLASS_NAME.matcher(e.getMessage()).find(), "words, not class names: "
        + e.getMessage());
    return e.getMessage().lines().toList();
  }

  private static void assertNamed(List<String> lines, Path file, String why) {
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("  " + file + ": ") && l.contains(why)),
        "a line naming " + file + " with '" + why + "' in\n" + String.join("\n", lines));
  }

  private static void sh(String command) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, command + ": " + out);
  }

  @Test
  void aFifoLinkLoopsAndADanglingLinkAmongTheBackgroundsAreEachNamed() throws Exception {
    Fixtures.goodFolders(root); // 3 good backgrounds
    Path bg = root.resolve("bg");
    sh("mkfifo '" + bg.resolve("pipe.jpg") + "'");
    Files.createSymbolicLink(bg.resolve("loop.jpg"), bg.resolve("loop.jpg"));
    Files.createSymbolicLink(bg.resolve("gone.png"), bg.resolve("nowhere.png"));
    Files.createSymbolicLink(bg.resolve("indoor/back"), bg); // a folder that holds itself
    Files.createSymbolicLink(bg.resolve("up"), root); // holds bg and fg: no cut-out is listed
    Files.createSymbolicLink(bg.resolve("linked.png"), bg.resolve("c.png")); // fine: followed
    List<String> lines = refusal();
    assertEquals("dataset 'f' has 5 bad files or folders (fix or remove each, then start again; "
        + "or start with --on-bad-file skip (on_bad_file: \"skip\" in a config file) to serve "
        + "the rest without the bad images):", lines.get(0));
    assertNamed(lines, bg.resolve("pipe.jpg"), "is not a regular file (a FIFO, socket or "
        + "device)");
    assertNamed(lines, bg.resolve("loop.jpg"), "a symbolic link loop");
    assertNamed(lines, bg.resolve("gone.png"), "is a symbolic link to '"
        + bg.resolve("nowhere.png") + "', which does not exist");
    assertNamed(lines, bg.resolve("indoor/back"), "a symbolic link loop (a link to a folder "
        + "that holds it)");
    assertNamed(lines, bg.resolve("up"), "a symbolic link loop (a link to a folder that holds "
        + "it)");
    assertEquals(7, lines.size(), String.join("\n", lines));
    assertEquals(Fixtures.notDecoded(7), lines.get(6), "the good ones and the cut-outs");
  }

  @Test
  void aPhotoReplacedByAnEmptyFolderOfItsNameIsNamedOrSkippedButAFolderOfImagesIsRead()
      throws Exception {
    Fixtures.goodFolders(root);
    Path bg = root.resolve("bg");
    List<String> clean = FolderAssets.load(config(), 32, 32).backgrounds().stream()
        .map(Background::name).toList();
    Files.createDirectory(bg.resolve("b04.jpg"));
    List<String> lines = refusal();
    assertEquals(List.of("dataset 'f': " + bg.resolve("b04.jpg") + ": is a folder, not an image, "
        + "and holds no images; remove it or put the image back (fix or remove it; or start with "
        + "--on-bad-file skip (on_bad_file: \"skip\" in a config file) to serve the rest without "
        + "the bad images)", Fixtures.notDecoded(6)), lines);
    AssetSet a = FolderAssets.load(new FolderDataset("f", bg, root.resolve("fg"), null,
        FolderDataset.MaskFrom.ALPHA, ImageFiles.DEFAULT_MAX_PIXELS,
        FolderDataset.OnBadFile.SKIP), 32, 32);
    assertEquals(clean, a.backgrounds().stream().map(Background::name).toList());
    assertEquals(1, a.skipped().size(), a.skipped().toString());
    // A folder whose name ends in .jpg but that holds images is a folder of images.
    Files.copy(bg.resolve("c.png"), bg.resolve("b04.jpg/inner.png"));
    assertEquals(clean.size() + 1, FolderAssets.load(config(), 32, 32).backgrounds().size());
  }

  @Test
  void skippingALinkToTheFolderAboveSkipsItWholeAndNoCutOutBecomesABackground()
      throws Exception {
    Fixtures.goodFolders(root);
    List<String> clean = FolderAssets.load(config(), 32, 32).backgrounds().stream()
        .map(Background::name).toList();
    Files.createSymbolicLink(root.resolve("bg/up"), root); // bg/up/fg: the cut-outs
    AssetSet a = FolderAssets.load(new FolderDataset("f", root.resolve("bg"), root.resolve("fg"),
        null, FolderDataset.MaskFrom.ALPHA, ImageFiles.DEFAULT_MAX_PIXELS,
        FolderDataset.OnBadFile.SKIP), 32, 32);
    assertEquals(clean, a.backgrounds().stream().map(Background::name).toList());
    assertEquals(1, a.skipped().size(), a.skipped().toString());
  }

  @Test
  void emptyTruncatedMisnamedAndUnsupportedFilesAreNamedInWords() throws Exception {
    Fixtures.goodFolders(root);
    Path bg = root.resolve("bg");
    Files.write(bg.resolve("empty.png"), new byte[0]);
    byte[] good = Files.readAllBytes(bg.resolve("c.png"));
    Files.write(bg.resolve("cut.png"), Arrays.copyOf(good, good.length - 40));
    byte[] jpeg = Files.readAllBytes(bg.resolve("indoor/a.jpg"));
    Files.write(bg.resolve("cut.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
    Files.write(bg.resolve("header.jpg"), Arrays.copyOf(jpeg, 20));
    Files.write(bg.resolve("anim.gif"), new byte[] {'G', 'I', 'F', '8', '9', 'a'});
    Files.write(bg.resolve("notes.txt"), "ignored: not meant as an image".getBytes(
        StandardCharsets.UTF_8));
    // A folder with an image's name is walked; empty, it stands where a photo was: named.
    Files.createDirectories(bg.resolve("folder.jpg"));
    List<String> lines = refusal();
    assertNamed(lines, bg.resolve("empty.png"), "is empty (0 bytes)");
    assertNamed(lines, bg.resolve("anim.gif"), "is a GIF image; fgbg reads PNG and JPEG");
    assertNamed(lines, bg.resolve("folder.jpg"), "is a folder, not an image, and holds no images");
    // Found without decoding: the files broken inside are named by the next run.
    assertEquals(List.of(Fixtures.notDecoded(9)), lines.subList(4, lines.size()));
    Files.delete(bg.resolve("empty.png"));
    Files.delete(bg.resolve("anim.gif"));
    Files.delete(bg.resolve("folder.jpg"));
    lines = refusal();
    assertNamed(lines, bg.resolve("cut.png"), "unreadable or truncated image (the file ends too "
        + "early)");
    // ImageIO's own words ("Truncated File - Missing EOI marker", "JFIF not permitted in
    // stream metadata") say nothing to a user.
    assertNamed(lines, bg.resolve("cut.jpg"), "unreadable or truncated image (the file ends ");
    assertNamed(lines, bg.resolve("header.jpg"), "unreadable or truncated image (the file ends "
        + "before its image data)");
    assertEquals(4, lines.size(), String.join("\n", lines));
  }

  /** The first bytes of an ISO-BMFF (HEIC/AVIF) file: its ftyp box with these brands. */
  private static byte[] ftyp(String major, String... compatible) {
    StringBuilder b = new StringBuilder("\0\0\0").append((char) (16 + 4 * compatible.length))
        .append("ftyp").append(major).append("\0\0\0\0");
    for (String c : compatible) {
      b.append(c);
    }
    return (b + "\0\0\0 meta and the rest of an image").getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void webpHeicAndAvifBytesAreNamedWhateverTheirNameAndAnUnsupportedNameIsCheckedByItsBytes()
      throws Exception {
    Fixtures.goodFolders(root);
    Path bg = root.resolve("bg");
    byte[] webp = "RIFF\044\0\0\0WEBPVP8 \030\0\0\0 pixels".getBytes(
        StandardCharsets.ISO_8859_1);
    Files.write(bg.resolve("downloaded.jpg"), webp);
    Files.write(bg.resolve("iphone.jpg"), ftyp("heic", "mif1", "heic"));
    Files.write(bg.resolve("new.png"), ftyp("mif1", "mif1", "avif", "miaf"));
    Files.write(bg.resolve("fake.webp"), "hi".getBytes(StandardCharsets.US_ASCII));
    Files.write(bg.resolve("photo.heic"), "no".getBytes(StandardCharsets.US_ASCII));
    Files.write(bg.resolve("real.webp"), webp);
    Files.write(bg.resolve("real.heif"), ftyp("heic", "mif1"));
    Files.copy(bg.resolve("indoor/a.jpg"), bg.resolve("saved.webp"));
    List<String> lines = refusal();
    assertNamed(lines, bg.resolve("downloaded.jpg"), "not a PNG or JPEG image (its bytes are a "
        + "WEBP image's; convert it to PNG (e.g. dwebp downloaded.jpg -o downloaded.png");
    assertNamed(lines, bg.resolve("iphone.jpg"), "not a PNG or JPEG image (its bytes are a HEIC "
        + "image's; convert it to PNG (e.g. heif-convert iphone.jpg iphone.png");
    assertNamed(lines, bg.resolve("iphone.jpg"), "Settings > Camera > Formats > Most Compatible");
    // A PNG name that does not overwrite the file the tool reads, then put in its place.
    assertNamed(lines, bg.resolve("new.png"), "(its bytes are an AVIF image's; convert it to PNG "
        + "(e.g. avifdec new.png new-converted.png, or magick new.png new-converted.png, then "
        + "move new-converted.png over new.png)");
    assertNamed(lines, bg.resolve("fake.webp"), "is named .webp but its bytes are not an image");
    assertNamed(lines, bg.resolve("photo.heic"), "is named .heic but its bytes are not an image");
    assertNamed(lines, bg.resolve("real.webp"), "is a WEBP image; fgbg reads PNG and JPEG "
        + "(convert it, e.g. dwebp real.webp -o real.png, or magick real.webp real.png, then "
        + "remove real.webp; or "
        + "remove it)");
    assertNamed(lines, bg.resolve("real.heif"), "is a HEIC image; fgbg reads PNG and JPEG");
    assertNamed(lines, bg.resolve("saved.webp"), "is named .webp but its bytes are a JPEG "
        + "image's; rename it to saved.jpg");
    assertEquals(10, lines.size(), String.join("\n", lines));
    assertEquals(Fixtures.notDecoded(6), lines.get(9));
    assertFalse(lines.stream().anyMatch(l -> l.contains("is a WEBP image") && l.contains("fake")),
        String.join("\n", lines));
  }

  @Test
  void aFileNameThatIsNotUtf8IsNamed() throws Exception {
    Fixtures.goodFolders(root);
    sh("cp '" + root.resolve("bg/c.png") + "' \"$(printf '" + root.resolve("bg") + "/bad\\377"
        + "name.png')\"");
    List<String> lines = refusal();
    assertTrue(lines.stream().anyMatch(l -> l.contains("bad\uFFFDname.png: its name is not valid "
        + "in the file-name encoding")), String.join("\n", lines));
  }

  @Test
  void labelsCsvWithABomCrlfAndQuotesIsReadAndItsFaultsAreNamed() throws Exception {
    Fixtures.write(Fixtures.rgb(32, 32, 1), root.resolve("bg/a.png"));
    Fixtures.write(Fixtures.digit(28, 28), root.resolve("fg/one.png"));
    Fixtures.write(Fixtures.digit(28, 28), root.resolve("fg/two, too.png"));
    Path csv = root.resolve("fg/labels.csv");
    Files.write(csv, ("\uFEFFfile,label\r\none.png,1\r\n\"two, too.png\",\"two \"\"2\"\"\"\r\n"
        + "one.png,1\r\n").getBytes(StandardCharsets.UTF_8));
    FolderDataset lum = new FolderDataset("f", root.resolve("bg"), root.resolve("fg"), null,
        FolderDataset.MaskFrom.LUMINANCE);
    AssetSet a = FolderAssets.load(lum, 32, 32);
    assertEquals(List.of("1", "two \"2\""), a.foregroundLabels(), "BOM, CRLF, quotes and a "
        + "repeated identical row are fine");
    Files.write(csv, new byte[] {'f', 'i', 'l', 'e', ',', 'l', 'a', 'b', 'e', 'l', '\n',
        'o', 'n', 'e', (byte) 0xff, '.', 'p', 'n', 'g', ',', '1', '\n'});
    FgbgException e = assertThrows(FgbgException.class, () -> FolderAssets.load(lum, 32, 32));
    assertEquals("dataset 'f': " + csv + ": cannot be read (not UTF-8 text); save it as UTF-8\n"
        + Fixtures.notDecoded(3), e.getMessage());
    Files.writeString(csv, "file,label\none.png,1\n\"two, too.png,2\n");
    e = assertThrows(FgbgException.class, () -> FolderAssets.load(lum, 32, 32));
    assertTrue(e.getMessage().startsWith("dataset 'f': " + csv + ": is not valid CSV ("),
        e.getMessage());
    assertFalse(CLASS_NAME.matcher(e.getMessage()).find(), e.getMessage());
    Files.writeString(csv, "");
    e = assertThrows(FgbgException.class, () -> FolderAssets.load(lum, 32, 32));
    assertEquals("dataset 'f': " + csv + ": is empty; its first row must be the header "
        + "file,label\n" + Fixtures.notDecoded(3), e.getMessage());
    Files.delete(csv);
    sh("mkfifo '" + csv + "'");
    e = assertThrows(FgbgException.class, () -> FolderAssets.load(lum, 32, 32));
    assertTrue(e.getMessage().contains(csv + ": is not a regular file"), e.getMessage());
  }
}
