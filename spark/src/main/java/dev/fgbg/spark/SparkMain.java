package dev.fgbg.spark;

import dev.fgbg.common.ArgFiles;
import dev.fgbg.common.FileNameEncoding;
import dev.fgbg.common.FlagErrors;
import dev.fgbg.common.InWords;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.export.ExportFormat;
import dev.fgbg.core.export.ExportJob;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * {@code spark-submit --class dev.fgbg.spark.SparkMain fgbg-spark-job.jar export|depth ...},
 * or {@code ./fgbg spark export|depth ...} in local mode. Errors print one line naming the
 * problem and exit 2.
 */
@Command(name = "fgbg spark", mixinStandardHelpOptions = true,
    description = "fgbg jobs on Apache Spark: export a range, or compute its teacher depth.",
    subcommands = {SparkMain.Export.class, SparkMain.Depth.class})
public final class SparkMain {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command; returns the exit code. */
  public static int run(String[] args) {
    String encoding = FileNameEncoding.startLine();
    if (encoding != null) { // the driver's; a cluster's executors have locales of their own
      System.err.println("fgbg spark: warning: " + encoding);
    }
    CommandLine cl = new CommandLine(new SparkMain()).setCaseInsensitiveEnumValuesAllowed(true);
    // A bad flag: one line naming it, as ./fgbg export says it, not the whole usage after it.
    cl.setParameterExceptionHandler(FlagErrors.oneLine("fgbg spark", args,
        JobFlags::folderHint));
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      ParseResult job = parsed.subcommand();
      line.getErr().println("fgbg spark: error: " + reason(e,
          job == null ? null : job.matchedOptionValue("--dest", (String) null)));
      return 2;
    });
    return ArgFiles.laterWins(cl).execute(args);
  }

  /**
   * The message of the first fgbg failure in the chain (Spark wraps task failures); a file's
   * failure as its path and what went wrong (the exception's own message is only the path), as
   * {@code --dest} (the job's, or null) when it is the destination's; an unknown host as
   * {@code --dest}'s; a URI whose file system Hadoop lacks, as the connector to add.
   */
  static String reason(Throwable e) {
    return reason(e, null);
  }

  /** As {@link #reason(Throwable)}, for a job whose {@code --dest} was {@code dest}. */
  static String reason(Throwable e, String dest) {
    String unreachable = DestFailures.unknownHost(e, dest); // Hadoop wraps it in an IAE
    if (unreachable != null) {
      return unreachable;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InvalidPathException p) { // a non-ASCII path in an ASCII JVM, mostly
        return FileNameEncoding.invalidPath(null, p);
      }
      if (t instanceof FgbgException || t instanceof IllegalArgumentException) {
        return t.getMessage();
      }
      if (t instanceof FileSystemException f && f.getFile() != null) {
        return DestFailures.file(f, dest);
      }
      String m = String.valueOf(t.getMessage());
      if (t instanceof UnsupportedFileSystemException
          || (t instanceof ClassNotFoundException && m.contains("FileSystem"))) {
        return "Hadoop has no file system for this destination here (" + m + "): put its "
            + "connector on the job's classpath, e.g. spark-submit --packages "
            + "org.apache.hadoop:hadoop-aws:<Hadoop's version> for s3a://";
      }
    }
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** "1 shard (0 written, 1 complete already)": a job's shards, and how many it wrote. */
  static String shards(int shards, int written, int skipped) {
    return InWords.count(shards, "shard") + " (" + written + " written, " + skipped
        + " complete already" + (written == 0 ? ": nothing rendered" : "") + ")";
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write a range (or a stride, or a seeded random subset) as files (the "
          + "server's formats and shards) to any Hadoop file system; prints samples, samples/s "
          + "(when it rendered any) and the digest (equal to the server's export of the same "
          + "selection).")
  static final class Export implements Callable<Integer> {
    @Mixin
    JobFlags job;

    @Option(names = "--format", description = "folders | zip | webdataset | npy | coco. "
        + "Default: webdataset.")
    ExportFormat format = ExportFormat.WEBDATASET;

    @Option(names = "--dest", required = true, description = "Destination URI: file:///..., "
        + "hdfs://..., s3a://... (with the connector on the classpath), or a local path as "
        + "typed.")
    String dest;

    @Option(names = "--overwrite", description = "Replace a destination holding something else.")
    boolean overwrite;

    @Option(names = "--jpeg-quality", description = "Default: 95.")
    int jpegQuality = ExportJob.DEFAULT_JPEG_QUALITY;

    @Option(names = "--depth-npy", description = "WebDataset depth as exact float16 .npy.")
    boolean depthNpy;

    @Option(names = "--stride", description = "Every K-th index of the range. Default: 1.")
    long stride;

    @Option(names = "--sample", description = "A uniform random subset of N samples of the "
        + "(strided) range, drawn from --seed (the server's). Default: all of them.")
    long sample;

    @Override
    public Integer call() throws Exception {
      long[] r = job.range();
      SparkExport.Request req = new SparkExport.Request(job.source(), job.seed, r[0], r[1],
          stride, sample, format, dest, overwrite,
          JobFlags.inRange("--shard-size", job.shardSize, ExportJob.MAX_SHARD_SIZE),
          JobFlags.inRange("--jpeg-quality", jpegQuality, ExportJob.MAX_JPEG_QUALITY), depthNpy,
          job.taskThreads());
      try (JavaSparkContext sc = SparkJobs.context(job.master, "fgbg export")) {
        SparkExport.Result res = SparkExport.run(sc, req);
        System.err.printf(Locale.ROOT, "%s in %.1f s; manifest %s%n",
            shards(res.shards(), res.written(), res.skipped()), res.seconds(), res.manifest());
        System.out.println("samples: " + res.samples());
        if (res.written() > 0) { // else nothing was rendered: no rate to give
          System.out.printf(Locale.ROOT, "samples/s: %.1f%n", res.samples() / res.seconds());
        }
        System.out.println("digest: " + res.digest());
      }
      return 0;
    }
  }

  @Command(name = "depth", mixinStandardHelpOptions = true,
      description = "Compute a range's teacher depth on the executors and write it as a depth "
          + "store (serve it with ./fgbg serve --depth-store).")
  static final class Depth implements Callable<Integer> {
    @Mixin
    JobFlags job;

    @Option(names = "--dest", required = true, description = "The depth store's URI (a folder; "
        + "several datasets and ranges may share it), or a local path as typed.")
    String dest;

    @Override
    public Integer call() throws Exception {
      long[] r = job.range();
      SparkDepth.Request req = new SparkDepth.Request(job.source(), job.seed, r[0], r[1],
          job.shardSize, dest, job.taskThreads());
      try (JavaSparkContext sc = SparkJobs.context(job.master, "fgbg depth")) {
        SparkDepth.Result res = SparkDepth.run(sc, req);
        System.err.printf(Locale.ROOT, "%s in %.1f s into %s%n",
            shards(res.shards(), res.written(), res.skipped()), res.seconds(), res.folder());
        System.out.println("images: " + res.images());
        if (res.written() > 0) { // else no image's depth was computed: no rate to give
          System.out.printf(Locale.ROOT, "images/s: %.1f%n", res.images() / res.seconds());
        }
      }
      return 0;
    }
  }
}
