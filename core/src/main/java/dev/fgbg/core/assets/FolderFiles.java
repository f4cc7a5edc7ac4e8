package dev.fgbg.core.assets;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.assets.FolderListing.ImageFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A folder dataset's files as far as they are known without decoding any: the listing
 * ({@link FolderListing}), the labels ({@link FolderLabels}), and every problem found so far,
 * with those found before (a depth model's missing weights, say). A load that must fail fails
 * here, naming them all, before a photo is decoded: a mistake found in milliseconds is not
 * told only after minutes of decoding. {@link FolderAssets} decodes the rest.
 */
public final class FolderFiles {
  final FolderDataset config;
  final List<ImageFile> bgFiles;
  final List<ImageFile> fgFiles;
  final FolderLabels bgLabels;
  final FolderLabels fgLabels;
  final Problems problems;
  /** The cut-outs' masks (null: none given, or made from luminance). */
  final MaskFiles masks;

  private FolderFiles(FolderDataset config, List<ImageFile> bgFiles, List<ImageFile> fgFiles,
      FolderLabels bgLabels, FolderLabels fgLabels, Problems problems, MaskFiles masks) {
    this.config = config;
    this.bgFiles = bgFiles;
    this.fgFiles = fgFiles;
    this.bgLabels = bgLabels;
    this.fgLabels = fgLabels;
    this.problems = problems;
    this.masks = masks;
  }

  /**
   * Lists and checks {@code config}'s files without decoding them; {@code known}: problems of
   * its depth model found before (which no skipping drops). Throws INVALID_CONFIG naming every
   * problem found when a strict load has one, or a skipping load one it cannot skip; a
   * skipping load leaves the files it skips out.
   */
  public static FolderFiles check(FolderDataset config, List<String> known) {
    Problems problems = new Problems();
    known.forEach(problems::addModel);
    // A missing folder does not stop the checks of the other one's files.
    List<ImageFile> bgFiles = FolderListing.list(config.backgrounds(), "background", problems);
    List<ImageFile> fgFiles = FolderListing.list(config.foregrounds(), "foreground", problems);
    if (config.fgMasks() != null && !Files.isDirectory(config.fgMasks())) {
      problems.add("foreground mask folder " + FolderListing.tried(config.fgMasks())
          + " does not exist or is not a folder");
      fgFiles = List.of(); // every cut-out would only repeat that its mask is missing
    }
    FolderLabels bgLabels = FolderLabels.of(config.backgrounds(), names(bgFiles), problems);
    FolderLabels fgLabels = FolderLabels.of(config.foregrounds(), names(fgFiles), problems);
    // Cut-outs take their masks from the mask folder unless from their own luminance.
    MaskFiles masks = config.fgMasks() == null
        || config.maskFrom() == FolderDataset.MaskFrom.LUMINANCE ? null
        : new MaskFiles(config.fgMasks());
    bgFiles = quick(bgFiles, null, problems);
    fgFiles = quick(fgFiles, masks, problems);
    if (!problems.isEmpty()) {
      // Strict: refused now. Skipping: what is skipped is not decoded only to be dropped.
      // Only beside named files: after a model's or folder's problem alone it read as another.
      String note = problems.namesAFile()
          ? notDecoded(unnamed(bgFiles, problems) + unnamed(fgFiles, problems)) : null;
      Set<String> skipped = problems.settle(config.name(), skip(config), config.skipSetting(),
          note);
      bgFiles = without(bgFiles, skipped);
      fgFiles = without(fgFiles, skipped);
    }
    return new FolderFiles(config, bgFiles, fgFiles, bgLabels, fgLabels, problems, masks);
  }

  /**
   * {@code files} less those that {@link ImageFiles#quickProblem} finds bad, or whose mask it
   * finds bad or {@code masks} cannot find, each named in {@code problems} as the decoding
   * would name it.
   */
  private static List<ImageFile> quick(List<ImageFile> files, MaskFiles masks,
      Problems problems) {
    List<ImageFile> out = new ArrayList<>();
    for (ImageFile f : files) {
      String why = ImageFiles.quickProblem(f.path());
      if (why == null && masks != null) {
        why = maskProblem(masks, f);
      }
      if (why == null) {
        out.add(f);
      } else {
        problems.add(f.path(), why);
      }
    }
    return out;
  }

  private static String maskProblem(MaskFiles masks, ImageFile f) {
    try {
      Path mask = masks.of(f.name());
      String why = ImageFiles.quickProblem(mask);
      return why == null ? null : mask + ": " + why;
    } catch (FgbgException e) {
      return e.getMessage();
    }
  }

  private static int unnamed(List<ImageFile> files, Problems problems) {
    return (int) files.stream().filter(f -> !problems.names(f.path())).count();
  }

  private static List<ImageFile> without(List<ImageFile> files, Set<String> skipped) {
    return files.stream().filter(f -> !skipped.contains(f.path().toString())).toList();
  }

  static boolean skip(FolderDataset config) {
    return config.onBadFile() == FolderDataset.OnBadFile.SKIP;
  }

  /**
   * What a refusal before decoding that names files adds: the files it could not yet say
   * anything of (a refusal of a missing folder or of the depth model alone names none).
   */
  private static String notDecoded(int files) {
    return files == 0 ? null : files + " image file(s) not named here were not decoded yet: "
        + "one broken inside (cut short, corrupt) may still be named by the next run";
  }

  private static List<String> names(List<ImageFile> files) {
    return files.stream().map(ImageFile::name).toList();
  }
}
