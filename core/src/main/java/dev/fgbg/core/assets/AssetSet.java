package dev.fgbg.core.assets;

import java.util.List;

/**
 * Everything a dataset is made from, preprocessed to the output size.
 *
 * @param depthSource "builtin-exact" when backgrounds carry exact depth, a model's id when a
 *     model predicted it (layered mode), "none" otherwise
 * @param depthUnits what background depth values mean ("metres"), or "" without depth
 * @param skippedFiles the bad files a forgiving load left out, sorted by name, with why (not
 *     part of the fingerprint: removing one, as the warning asks, keeps caches and exports);
 *     empty for a complete load
 */
public record AssetSet(int width, int height, List<Background> backgrounds,
    List<Foreground> foregrounds, List<String> backgroundLabels, List<String> foregroundLabels,
    String depthSource, String depthUnits, List<SkippedFile> skippedFiles) {

  public AssetSet(int width, int height, List<Background> backgrounds,
      List<Foreground> foregrounds, List<String> backgroundLabels, List<String> foregroundLabels,
      String depthSource, String depthUnits) {
    this(width, height, backgrounds, foregrounds, backgroundLabels, foregroundLabels, depthSource,
        depthUnits, List.of());
  }

  public AssetSet(int width, int height, List<Background> backgrounds,
      List<Foreground> foregrounds, List<String> backgroundLabels, List<String> foregroundLabels,
      String depthSource) {
    this(width, height, backgrounds, foregrounds, backgroundLabels, foregroundLabels, depthSource,
        backgrounds.get(0).depth() != null ? "metres" : "");
  }

  public AssetSet {
    backgrounds = List.copyOf(backgrounds);
    foregrounds = List.copyOf(foregrounds);
    backgroundLabels = List.copyOf(backgroundLabels);
    foregroundLabels = List.copyOf(foregroundLabels);
    skippedFiles = List.copyOf(skippedFiles);
    if (backgrounds.isEmpty() || foregrounds.isEmpty()) {
      throw new IllegalArgumentException("an asset set needs backgrounds and foregrounds");
    }
  }

  /** The skipped files' names (relative to their folder, prefixed "bg/", "fg/"), sorted. */
  public List<String> skipped() {
    return skippedFiles.stream().map(SkippedFile::name).toList();
  }

  public boolean hasDepth() {
    return backgrounds.get(0).depth() != null;
  }
}
