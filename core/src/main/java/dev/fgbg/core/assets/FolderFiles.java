package dev.fgbg.core.assets;

import dev.fgbg.core.assets.FolderListing.ImageFile;
import java.nio.file.Files;
import java.util.List;

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

  private FolderFiles(FolderDataset config, List<ImageFile> bgFiles, List<ImageFile> fgFiles,
      FolderLabels bgLabels, FolderLabels fgLabels, Problems problems) {
    this.config = config;
    this.bgFiles = bgFiles;
    this.fgFiles = fgFiles;
    this.bgLabels = bgLabels;
    this.fgLabels = fgLabels;
    this.problems = problems;
  }

  /**
   * Lists and checks {@code config}'s files; {@code known}: problems of the dataset found
   * before (which no skipping drops). Throws INVALID_CONFIG naming every problem found when
   * {@code known} has one.
   */
  public static FolderFiles check(FolderDataset config, List<String> known) {
    Problems problems = new Problems();
    known.forEach(problems::add);
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
    if (!known.isEmpty()) {
      problems.settle(config.name(), skip(config), config.skipSetting(),
          problems.namesAFile() ? notDecoded(bgFiles.size() + fgFiles.size()) : null);
    }
    return new FolderFiles(config, bgFiles, fgFiles, bgLabels, fgLabels, problems);
  }

  static boolean skip(FolderDataset config) {
    return config.onBadFile() == FolderDataset.OnBadFile.SKIP;
  }

  /**
   * What a refusal before decoding that names files adds: the files it could not yet say
   * anything of (a refusal of a missing model or folder alone stays one line).
   */
  private static String notDecoded(int files) {
    return files == 0 ? null : files + " image file(s) not named here were not decoded yet: "
        + "one broken inside (cut short, corrupt) may still be named by the next run";
  }

  private static List<String> names(List<ImageFile> files) {
    return files.stream().map(ImageFile::name).toList();
  }
}
