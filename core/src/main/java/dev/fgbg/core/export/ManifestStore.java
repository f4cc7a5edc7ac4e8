package dev.fgbg.core.export;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.fgbg.common.ProtoJson;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.spec.SpecProtos;
import dev.fgbg.v1.ExportManifest;
import dev.fgbg.v1.SkippedFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;

/**
 * manifest.json: what an export is (fingerprint, spec, selection, format, shards) and how far it
 * got. Decides, for a destination, whether to resume, refuse or start over; writes atomically.
 */
final class ManifestStore {
  static final String MANIFEST = "manifest.json";
  static final String VERSION = "fgbg-export/1";
  /** How each client of the server asks to replace an export, for the message refusing to. */
  static final String OVERWRITE = "--overwrite on the command line, overwrite=True in Python"
      + " (Client.export), ExportRequest.setOverwrite(true) in Java";

  private ManifestStore() {}

  /** The manifest a fresh run of {@code job} starts from: every shard incomplete. */
  static ExportManifest fresh(ExportJob job) {
    Dataset d = job.dataset();
    ExportManifest.Builder m = ExportManifest.newBuilder()
        .setManifestVersion(VERSION)
        .setDataset(d.name())
        .setFingerprint(d.fingerprint())
        .setGeneratorVersion(Dataset.GENERATOR_VERSION)
        .setSpec(SpecProtos.toProto(d.spec()))
        .setSeed(job.seed())
        .setStart(job.selection().start())
        .setEnd(job.selection().end())
        .setStride(job.selection().stride())
        .setSample(job.selection().sample())
        .setSamples(job.size())
        .setFormat(job.format().id())
        .setShardSize(job.format().perBackground() ? 0 : job.shardSize())
        .setJpegQuality(job.jpegQuality())
        .setDepthNpy(job.depthNpy())
        .addAllBackgroundLabels(d.assets().backgroundLabels())
        .addAllForegroundLabels(d.assets().foregroundLabels())
        .addAllSkippedFiles(skippedFiles(d));
    Outputs o = job.outputs();
    if (o.image()) {
      m.addOutputs("image");
    }
    if (o.mask()) {
      m.addOutputs("mask");
    }
    if (o.depth()) {
      m.addOutputs("depth").setDepthUnits("metres (float16 in .npy files)")
          .setDepthPng(Encoders.DEPTH_PNG);
    }
    if (o.instances()) {
      m.addOutputs("instances");
    }
    if (o.background()) {
      m.addOutputs("background");
    }
    if (o.backgroundDepth()) {
      m.addOutputs("background_depth").setDepthUnits("metres (float16 in .npy files)")
          .setDepthPng(Encoders.DEPTH_PNG);
    }
    if (job.format() == ExportFormat.NPY) {
      m.addAllLabelColumns(Tables.LABEL_COLUMNS);
    }
    for (Shard s : Shard.plan(job)) {
      m.addShards(s.record(job.selection()));
    }
    return m.build();
  }

  /** The dataset's skipped files as the manifest's (and describe's) message, sorted by name. */
  private static List<SkippedFile> skippedFiles(Dataset d) {
    return d.assets().skippedFiles().stream().map(f -> SkippedFile.newBuilder()
        .setName(f.name()).setReason(f.reason()).build()).toList();
  }

  /**
   * The manifest to continue from: the one found when it describes this very export, else a
   * fresh one written over an empty folder (emptied first when {@code job.overwrite()}).
   */
  static ExportManifest.Builder prepare(ExportJob job, ExportStore dest, String overwriteHint)
      throws IOException {
    ExportManifest fresh = fresh(job);
    ExportManifest existing = read(dest);
    if (existing != null) {
      OwnFiles.checkPaths(existing, job.destination());
    }
    if (existing != null && ExportIdentity.same(existing, fresh)) {
      if (existing.getSkippedFilesList().equals(fresh.getSkippedFilesList())) {
        return existing.toBuilder();
      }
      // Skipped files do not change the samples (a skipped file removed keeps the fingerprint):
      // the export goes on, and its manifest says what the server skips now, even when finished.
      ExportManifest now = existing.toBuilder().clearSkippedFiles()
          .addAllSkippedFiles(fresh.getSkippedFilesList()).build();
      write(dest, now);
      return now.toBuilder();
    }
    if (!dest.list("").isEmpty()) {
      if (existing == null) {
        String inner = exportInside(dest);
        if (inner != null) {
          // A finished or stopped one: a running one's lock refused this before (where the
          // store has locks), naming it as being written.
          String named = job.destination().replaceAll("/+$", "") + "/" + inner;
          throw FgbgException.failedPrecondition("export destination "
              + Quoted.of(job.destination()) + " holds " + Quoted.of(named) + ", an fgbg export,"
              + " and is no export itself; choose another folder"
              + (job.overwrite() ? " (overwrite replaces the export at the destination, never"
                  + " the exports a folder holds; name " + Quoted.of(named) + " to replace it)"
                  : ""));
        }
        // Overwrite replaces an export, never a folder of someone's own files.
        throw FgbgException.failedPrecondition("export destination " + Quoted.of(job.destination())
            + " holds files that are not an fgbg export (no readable " + MANIFEST + "); choose "
            + "another folder" + (job.overwrite() ? " (overwrite only replaces an fgbg export)"
                : ""));
      }
      if (!job.overwrite() && ExportIdentity.same(existing.toBuilder()
          .setFingerprint(fresh.getFingerprint()).build(), fresh)) {
        // The same request over data that changed: say that, or the two read alike, and what
        // changed where the manifest records it.
        List<String> changed = ExportIdentity.settings(existing, fresh, "then", "now");
        throw FgbgException.failedPrecondition("export destination "
            + Quoted.of(job.destination()) + " holds this export made from other data "
            + "(fingerprint " + prefix(existing.getFingerprint()) + "… then, "
            + prefix(fresh.getFingerprint()) + "… now: " + (changed.isEmpty()
                ? "the dataset's files or depth source changed since" : "its settings changed: "
                + String.join("; ", changed)) + "); choose another folder, or replace it: "
            + overwriteHint);
      }
      if (!job.overwrite()) {
        throw FgbgException.failedPrecondition("export destination "
            + Quoted.of(job.destination()) + " holds a different export ("
            + existing.getFormat() + " of dataset " + Quoted.of(existing.getDataset()) + " "
            + selection(existing) + ", fingerprint " + prefix(existing.getFingerprint()) + "…; "
            + String.join("; ", ExportIdentity.differences(existing, fresh))
            + "); choose another folder, or replace it: " + overwriteHint);
      }
      OwnFiles.checkOnlyOwn(existing, dest, job.destination());
      for (String name : dest.list("")) {
        dest.deleteTree(name);
      }
    }
    write(dest, fresh);
    return fresh.toBuilder();
  }

  /** Folders {@link #exportInside} looks into at most: a big folder of files is not walked. */
  private static final int LOOK_INSIDE = 64;

  /**
   * The first folder within {@code dest} (3 levels down at most) holding a readable manifest,
   * relative to it, or null: the refusal names it rather than calling it foreign files.
   */
  private static String exportInside(ExportStore dest) throws IOException {
    ArrayDeque<String> folders = new ArrayDeque<>(List.of(""));
    for (int seen = 0; !folders.isEmpty() && seen < LOOK_INSIDE; seen++) {
      String dir = folders.poll();
      for (String name : dest.list(dir)) {
        String path = dir.isEmpty() ? name : dir + "/" + name;
        if (!dest.isDirectory(path)) {
          continue;
        }
        if (dest.exists(path + "/" + MANIFEST) && readAt(dest, path + "/" + MANIFEST) != null) {
          return path;
        }
        if (path.chars().filter(c -> c == '/').count() < 2) {
          folders.add(path);
        }
      }
    }
    return null;
  }

  private static ExportManifest readAt(ExportStore dest, String file) throws IOException {
    try (InputStream in = dest.open(file)) {
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static String prefix(String fingerprint) {
    return ExportIdentity.prefix(fingerprint);
  }

  /** The selection a manifest records, in words ("0:400000 sample 4000 (seed 1)"). */
  private static String selection(ExportManifest m) {
    return m.getStart() + ":" + m.getEnd() + (m.getStride() > 1 ? " stride " + m.getStride() : "")
        + (m.getSample() > 0 ? " sample " + m.getSample() + " (seed "
            + Long.toUnsignedString(m.getSeed()) + ")" : "");
  }

  /** The manifest at {@code file}, or null when there is none or it is not readable as one. */
  static ExportManifest read(Path file) throws IOException {
    return Files.exists(file) ? parse(Files.readString(file)) : null;
  }

  /** The manifest of {@code dest}, or null when there is none or it is not readable as one. */
  static ExportManifest read(ExportStore dest) throws IOException {
    return dest.exists(MANIFEST) ? readAt(dest, MANIFEST) : null;
  }

  private static ExportManifest parse(String json) {
    ExportManifest.Builder b = ExportManifest.newBuilder();
    try {
      JsonFormat.parser().ignoringUnknownFields().merge(json, b);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return null; // unreadable: treated as not ours
    }
    return b.build();
  }

  static void write(ExportStore dest, ExportManifest m) throws IOException {
    FileIo.writeAtomically(dest, MANIFEST, (ProtoJson.print(m) + "\n")
        .getBytes(StandardCharsets.UTF_8));
  }
}
