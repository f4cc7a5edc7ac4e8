package dev.fgbg.client.cli;

import dev.fgbg.client.FgbgClient;
import dev.fgbg.client.ProgressIterator;
import dev.fgbg.v1.ExportFormat;
import dev.fgbg.v1.ExportProgress;
import dev.fgbg.v1.ExportRequest;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fgbg export}: materializes a selection to files under the server's export root. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write samples (a range, a stride, a seeded random subset) to files (folders, "
        + "zip, webdataset, npy, coco) under the server's export root. Rerunning the same export "
        + "resumes it.")
final class ExportCommand implements Callable<Integer>, SoFar.Tallied {
  /** What the printed manifest path is relative to. */
  static final String UNDER_ROOT = "(relative to the server's export root, serve --export-root)";

  @Mixin
  Connection connection;

  @Mixin
  DatasetChoice which;

  @Option(names = "--format", required = true,
      description = "folders | zip | webdataset | npy | coco")
  String format;

  @Option(names = "--dest", required = true, description = "Folder relative to the server's "
      + "export root (serve --export-root), not to this folder.")
  String dest;

  @Mixin
  SelectionFlags selection;

  @Option(names = "--outputs", split = ",", description = "Any of image,mask,depth,instances,"
      + "background,background_depth (default: all the dataset has but instances and "
      + "backgrounds; each background written once: bg/, bg_depth/, or backgrounds.npy).")
  List<String> outputs;

  @Option(names = "--overwrite", description = "Replace a different export at the destination.")
  boolean overwrite;

  @Option(names = "--shard-size", description = "Samples per webdataset/npy shard. Default: 1000.")
  int shardSize;

  @Option(names = "--jpeg-quality", description = "1-100. Default: 95.")
  int jpegQuality;

  @Option(names = "--depth-npy", description = "webdataset: depth as .npy (exact float16).")
  boolean depthNpy;

  /** Samples written so far, for the words of a call that ends mid-way, and the progress. */
  private final Tally tally = new Tally("samples kept");
  /** The export's last message (its manifest complete), once it came; read by a stop's hook. */
  private volatile ExportProgress finished;
  /** The latest progress's shards complete, and of how many, for the words of a cut call. */
  private volatile long shardsDone;
  private volatile long shardsTotal;
  private boolean summarized;

  @Override
  public Integer call() {
    ExportRequest.Builder r = ExportRequest.newBuilder().setSeed(which.seed)
        .setDestination(dest).setOverwrite(overwrite).setShardSize(shardSize)
        .setJpegQuality(jpegQuality).setDepthNpy(depthNpy)
        .setFormat(switch (format.toLowerCase(Locale.ROOT)) {
          case "folders" -> ExportFormat.EXPORT_FORMAT_FOLDERS;
          case "zip" -> ExportFormat.EXPORT_FORMAT_ZIP;
          case "webdataset" -> ExportFormat.EXPORT_FORMAT_WEBDATASET;
          case "npy" -> ExportFormat.EXPORT_FORMAT_NPY;
          case "coco" -> ExportFormat.EXPORT_FORMAT_COCO;
          default -> throw new IllegalArgumentException("--format '" + format
              + "' must be folders, zip, webdataset, npy or coco");
        });
    long[] ab = selection.range();
    r.setStart(ab[0]).setEnd(ab[1]).setStride(selection.stride()).setSample(selection.sample());
    if (outputs != null) {
      r.addAllOutputs(Args.outputs(outputs, false));
    }
    ProgressPrinter progress = tally.progress();
    try (FgbgClient c = connection.client();
         ProgressIterator<ExportProgress> it = c.export(r.setDataset(which.name(c)).build())) {
      while (it.hasNext()) {
        ExportProgress p = it.next();
        shardsDone = p.getShardsDone();
        shardsTotal = p.getShardsTotal();
        tally.received(p.getKept()); // what a stop leaves on disk, as the server's log says
        if (p.getFinished()) {
          finished = p; // the manifest is complete: a stop from now on says so
        }
        progress.update(p.getDone(), p.getTotal(), p.getSamplesPerSecond(), p.getEtaSeconds(),
            p.getShardsDone() + "/" + p.getShardsTotal() + " shards"
                + (p.getCurrentShard().isEmpty() ? "" : " " + p.getCurrentShard()),
            p.getFinished());
      }
    } catch (StatusRuntimeException e) {
      if (finished == null) {
        throw e;
      }
      // The manifest was complete before the call failed (a server stopping just then): the
      // export is done, and running it again would only find it so.
    } finally {
      progress.end();
    }
    if (finished == null) {
      throw new IllegalStateException("the export ended without finishing");
    }
    summary();
    return 0;
  }

  @Override
  public boolean complete() {
    return finished != null;
  }

  @Override
  public synchronized void summary() {
    ExportProgress last = finished;
    if (summarized || last == null) {
      return;
    }
    summarized = true;
    System.out.println("samples: " + last.getTotal());
    System.out.println("shards: " + last.getShardsTotal() + " (" + last.getShardsSkipped()
        + " already complete)");
    // The server names its files relative to its export root and never says where that root
    // is (its own paths stay private; it may be another host): say so, or the path reads as
    // relative to the folder the CLI ran in.
    System.out.println("manifest: " + last.getManifest() + " " + UNDER_ROOT);
    System.out.println("digest: " + last.getDigest());
    System.out.flush();
  }

  /**
   * "samples kept, S of T shards complete": the samples of complete shards, which a resume keeps
   * (it writes a shard cut mid-way again); the server's end line counts the same.
   */
  @Override
  public String counted() {
    long total = shardsTotal;
    return tally.counted() + (total > 0 ? ", " + shardsDone + " of " + total
        + " shards complete" : "");
  }

  @Override
  public Tally tally() {
    return tally;
  }

  @Override
  public String resume() {
    return "run the same export again: it resumes, keeping the shards already complete";
  }
}
