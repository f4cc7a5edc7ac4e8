package dev.fgbg.core.export;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import dev.fgbg.v1.ExportManifest;
import dev.fgbg.v1.ShardRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Runs exports: takes the destination's lock, decides from its manifest whether to resume,
 * skips shards an earlier run completed (after re-verifying their files), writes the rest
 * through the shard pipeline, and records each finished shard in manifest.json (written
 * atomically). A killed or cancelled export leaves only whole files and a manifest that lists
 * exactly the whole shards; rerunning it gives the same files as an uninterrupted run.
 */
public final class Exporter {
  private static final Logger LOG = Logger.getLogger(Exporter.class.getName());
  public static final String MANIFEST = ManifestStore.MANIFEST;
  /** Why a destination that is a plain file is refused, after its name. */
  static final String IS_FILE = " is a file, not a folder; an export writes a folder: choose "
      + "another destination";

  private final ExportRoot root;
  private final Executor workers;
  private final int window;
  private final Ticker ticker;
  private final ExportLimits limits;

  /** Without quotas (the free-space check still applies). */
  public Exporter(ExportRoot root, Executor workers, int window, Ticker ticker) {
    this(root, workers, window, ticker, ExportLimits.NONE);
  }

  /**
   * @param workers renders and encodes chunks
   * @param window chunks each shard renders ahead of what it has written
   * @param ticker times the progress reports
   * @param limits the per-export and total quotas checked before an export starts
   */
  public Exporter(ExportRoot root, Executor workers, int window, Ticker ticker,
      ExportLimits limits) {
    this.root = root;
    this.workers = workers;
    this.window = Math.max(1, window);
    this.ticker = ticker;
    this.limits = limits;
  }

  public ExportRoot root() {
    return root;
  }

  /**
   * Runs {@code job} to completion (or cancellation); returns the final manifest. Failures name
   * paths relative to the export root, never the server's own folders.
   */
  public ExportManifest run(ExportJob job, ExportReport.Listener listener,
      BooleanSupplier cancelled) {
    Path dest = root.resolve(job.destination());
    root.ready(); // a root missing since start-up: refused in words, naming no path
    // The root is opened once; the lock, the destination and every file are reached from that
    // handle without following a link, whatever is swapped in while the export runs.
    try (ConfinedFolder top = ConfinedFolder.open(root.path());
         DestinationLock lock = DestinationLock.acquire(top, root, dest, job.destination())) {
      refuseIfFile(top, root.relative(dest), job.destination());
      ExportSpace.check(root, dest, job, limits);
      return runLocked(job, new LocalStore(top, root.relative(dest), false), dest, listener,
          cancelled);
    } catch (IOException e) {
      throw failure(dest, job.destination(), e);
    } catch (UncheckedIOException e) {
      throw failure(dest, job.destination(), e.getCause());
    } catch (FgbgException e) {
      throw root.redact(e);
    }
  }

  /**
   * Which shards are complete with their files intact. Those the manifest calls complete whose
   * files fail their check are named in one INFO line (three, then a count): a resume redoes
   * them, and would otherwise never say that it found damage.
   */
  private static boolean[] checked(ExportPlan plan, ExportManifest.Builder m) {
    boolean[] intact = new boolean[plan.shardCount()];
    List<String> failed = new ArrayList<>();
    for (int k = 0; k < intact.length; k++) {
      ShardRecord rec = m.getShards(k);
      String damage = rec.getComplete() ? plan.damage(k, rec) : "";
      intact[k] = damage == null;
      if (damage != null && !damage.isEmpty()) {
        failed.add(plan.shardName(k) + " (" + damage + ")");
      }
    }
    if (!failed.isEmpty()) {
      int n = failed.size();
      LOG.info("resume of export to " + Quoted.of(plan.job().destination()) + ": " + n
          + (n == 1 ? " shard failed its check and is" : " shards failed their check and are")
          + " written again: " + String.join(", ", failed.subList(0, Math.min(3, n)))
          + (n > 3 ? " and " + (n - 3) + " more" : ""));
    }
    return intact;
  }

  /**
   * Refuses a destination that is a plain file before anything is written: the first write
   * would fail on it, and the client would hear of an export stopped and a resume to run.
   */
  private static void refuseIfFile(ConfinedFolder top, String rel, String asked)
      throws IOException {
    BasicFileAttributes a = top.attributes(rel);
    if (a != null && a.isRegularFile()) {
      throw FgbgException.failedPrecondition("export destination " + Quoted.of(asked)
          + IS_FILE);
    }
  }

  /**
   * {@code e} as a status: the export root's fault when it is gone, the folder the server's user
   * may not write when permission was denied, else the file's.
   */
  private FgbgException failure(Path dest, String asked, IOException e) {
    FgbgException gone = root.gone();
    if (gone != null) {
      return gone;
    }
    return Unwritable.in(e).map(denied -> Unwritable.of(root, dest, asked, denied))
        .orElseGet(() -> root.redact(FileIo.failure(root.relative(dest), e)));
  }

  private ExportManifest runLocked(ExportJob job, ExportStore store, Path dest,
      ExportReport.Listener listener, BooleanSupplier cancelled) throws IOException {
    ExportPlan plan = new ExportPlan(job, store);
    ExportManifest.Builder m = plan.prepareManifest();
    long kept = 0;
    for (int k = 0; k < plan.shardCount(); k++) {
      kept += m.getShards(k).getComplete() ? plan.shardSize(k) : 0;
    }
    listener.planned(kept);
    try {
      return writeShards(plan, m, dest, listener, cancelled);
    } catch (IOException | RuntimeException e) {
      try {
        plan.giveBack(m); // a full disk gets the space of what is not complete back at once
      } catch (IOException | RuntimeException g) {
        e.addSuppressed(g);
      }
      throw e;
    }
  }

  private ExportManifest writeShards(ExportPlan plan, ExportManifest.Builder m, Path dest,
      ExportReport.Listener listener, BooleanSupplier cancelled) throws IOException {
    ExportJob job = plan.job();
    ProgressMeter meter = new ProgressMeter(job.size(), ticker);
    boolean prepared = false;
    boolean[] intact = checked(plan, m);
    for (int k = 0; k < plan.shardCount(); k++) {
      ShardRecord rec = m.getShards(k);
      if (intact[k]) {
        meter.skipped(plan.shardSize(k));
        continue;
      }
      if (rec.getComplete() || m.getComplete()) {
        m.setShards(k, rec.toBuilder().setComplete(false)); // found damaged: redo it
        m.setComplete(false).clearFiles().clearDigest();
        plan.writeManifest(m.build());
      }
      if (!prepared) {
        plan.prepareLayout();
        prepared = true;
      }
      String name = plan.shardName(k);
      int shard = k;
      // Its files in place, its manifest entry and the report of what is kept now, should the
      // export stop: one step, which the listener runs only while its report is heard.
      plan.write(k, workers, window, cancelled, (n, b) -> {
        meter.written(n, b);
        listener.progress(meter.report(name, m));
      }, listener, complete -> {
        m.setShards(shard, complete);
        plan.writeManifest(m.build());
        meter.completed(plan.shardSize(shard));
        listener.progress(meter.report(name, m));
      });
    }
    if (cancelled.getAsBoolean()) {
      throw new CancellationException("export cancelled");
    }
    ExportManifest[] result = new ExportManifest[1];
    if (!listener.completing(() -> {
      if (!m.getComplete() || !plan.finalFilesIntact(m)) {
        plan.finish(m);
        plan.writeManifest(m.build());
      }
      result[0] = m.build();
      listener.progress(meter.finished(m, root.relative(dest.resolve(MANIFEST)),
          result[0].getDigest()));
    })) {
      throw new CancellationException("export cancelled");
    }
    return result[0];
  }
}
