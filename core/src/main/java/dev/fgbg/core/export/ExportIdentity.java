package dev.fgbg.core.export;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.fgbg.core.Quoted;
import dev.fgbg.v1.ExportManifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What makes a manifest this export or another: one comparison, which decides a resume and words
 * the refusal (each field that differs as "shard_size 100 here, 50 asked", by its manifest name).
 */
final class ExportIdentity {
  private ExportIdentity() {}

  /** Same identity; a manifest from before selections (stride 0) is a range export. */
  static boolean same(ExportManifest here, ExportManifest asked) {
    // A shard size left unsaid differs only with the format, which differences() names.
    return differences(here, asked).isEmpty()
        && here.getShardSize() == asked.getShardSize();
  }

  /** Each field of {@code here} (at the destination) that differs from {@code asked}, in words. */
  static List<String> differences(ExportManifest here, ExportManifest asked) {
    List<String> d = new ArrayList<>();
    add(d, "manifest_version", here.getManifestVersion(), asked.getManifestVersion());
    if (!here.getFingerprint().equals(asked.getFingerprint())) {
      // Another dataset's fingerprint says nothing more than its name.
      if (!here.getDataset().equals(asked.getDataset())) {
        add(d, "dataset", Quoted.of(here.getDataset()), Quoted.of(asked.getDataset()));
      } else {
        add(d, "fingerprint", prefix(here.getFingerprint()) + "…",
            prefix(asked.getFingerprint()) + "…");
        for (String setting : settings(here, asked, "here", "asked")) {
          d.add(setting);
        }
      }
    }
    add(d, "seed", Long.toUnsignedString(here.getSeed()), Long.toUnsignedString(asked.getSeed()));
    add(d, "start", here.getStart(), asked.getStart());
    add(d, "end", here.getEnd(), asked.getEnd());
    add(d, "stride", Math.max(1, here.getStride()), Math.max(1, asked.getStride()));
    add(d, "sample", here.getSample(), asked.getSample());
    add(d, "format", here.getFormat(), asked.getFormat());
    add(d, "outputs", String.join(",", here.getOutputsList()),
        String.join(",", asked.getOutputsList()));
    if (here.getShardSize() != 0 && asked.getShardSize() != 0) {
      // 0: a format whose shards are backgrounds has no shard size; "format" names that.
      add(d, "shard_size", here.getShardSize(), asked.getShardSize());
    }
    add(d, "jpeg_quality", here.getJpegQuality(), asked.getJpegQuality());
    add(d, "depth_npy", here.getDepthNpy(), asked.getDepthNpy());
    if (d.isEmpty()) { // the shard count follows from the fields above unless the plan changed
      add(d, "shards", here.getShardsCount(), asked.getShardsCount());
    }
    return d;
  }

  /**
   * What a manifest records of the data behind its fingerprint that differs between {@code then}
   * and {@code now}, each as "spec.placements 2 then, 3 now" ({@code thenWord}, {@code nowWord}):
   * the spec field by field, the generator and depth encodings, the labels. Empty when only what
   * it does not record (the asset files, the depth source) can have changed.
   */
  static List<String> settings(ExportManifest then, ExportManifest now, String thenWord,
      String nowWord) {
    List<String> d = new ArrayList<>();
    fields(d, "spec.", then.getSpec(), now.getSpec(), thenWord, nowWord);
    for (int f : new int[] {ExportManifest.GENERATOR_VERSION_FIELD_NUMBER,
        ExportManifest.DEPTH_UNITS_FIELD_NUMBER, ExportManifest.DEPTH_PNG_FIELD_NUMBER,
        ExportManifest.BACKGROUND_LABELS_FIELD_NUMBER,
        ExportManifest.FOREGROUND_LABELS_FIELD_NUMBER}) {
      FieldDescriptor fd = ExportManifest.getDescriptor().findFieldByNumber(f);
      said(d, fd.getName(), then.getField(fd), now.getField(fd), thenWord, nowWord);
    }
    return d;
  }

  /** Each field of two messages of one type that differs, nested ones by their path. */
  private static void fields(List<String> d, String path, Message then, Message now,
      String thenWord, String nowWord) {
    for (FieldDescriptor fd : then.getDescriptorForType().getFields()) {
      Object a = then.getField(fd);
      Object b = now.getField(fd);
      if (fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !fd.isRepeated()) {
        fields(d, path + fd.getName() + ".", (Message) a, (Message) b, thenWord, nowWord);
      } else {
        said(d, path + fd.getName(), a, b, thenWord, nowWord);
      }
    }
  }

  private static void said(List<String> d, String name, Object then, Object now,
      String thenWord, String nowWord) {
    if (!Objects.equals(then, now)) {
      d.add(name + " " + value(then) + " " + thenWord + ", " + value(now) + " " + nowWord);
    }
  }

  /** A value as its words: an enum by its name, a list comma-separated, a string quoted. */
  private static String value(Object v) {
    if (v instanceof EnumValueDescriptor e) {
      return e.getName();
    }
    if (v instanceof List<?> l) {
      return "[" + String.join(",", l.stream().map(String::valueOf).toList()) + "]";
    }
    return v instanceof String s ? Quoted.of(s) : String.valueOf(v);
  }

  static String prefix(String fingerprint) {
    return fingerprint.substring(0, Math.min(12, fingerprint.length()));
  }

  private static void add(List<String> d, String field, Object here, Object asked) {
    if (!Objects.equals(here, asked)) {
      d.add(field + " " + here + " here, " + asked + " asked");
    }
  }
}
