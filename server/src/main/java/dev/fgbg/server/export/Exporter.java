package dev.fgbg.server.export;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.fgbg.server.FgbgException;
import dev.fgbg.server.dataset.Dataset;
import dev.fgbg.server.dataset.Outputs;
import dev.fgbg.server.dataset.RenderedBatch;
import dev.fgbg.server.synth.DepthEncoding;
import dev.fgbg.v1.DatasetSpec;
import dev.fgbg.v1.ExportManifest;
import dev.fgbg.v1.FileRecord;
import dev.fgbg.v1.Position;
import dev.fgbg.v1.SampleDigest;
import dev.fgbg.v1.ShardRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Runs exports: plans shards, skips the ones an earlier run completed (after re-verifying their
 * files), renders and encodes the rest in parallel on the worker pool, writes in order, and
 * records each finished shard in manifest.json (written atomically). A killed or cancelled
 * export leaves only whole files and a manifest that lists exactly the whole shards; rerunning
 * it gives the same files as an uninterrupted run.
 */
public final class Exporter {
  public static final String MANIFEST = "manifest.json";
  static final String VERSION = "fgbg-export/1";
  private static final int CHUNK = 16;

  private final ExportRoot root;
  private final ExecutorService pool;
  private final int window;

  public Exporter(ExportRoot root, ExecutorService pool, int window) {
    this.root = root;
    this.pool = pool;
    this.window = Math.max(1, window);
  }

  public ExportRoot root() {
    return root;
  }

  /** Runs {@code job} to completion (or cancellation); returns the final manifest. */
  public ExportManifest run(ExportJob job, ExportProgress.Listener listener,
      BooleanSupplier cancelled) {
    Path dest = root.resolve(job.destination());
    Path lockFile = root.path().resolve(".fgbg-locks").resolve(
        sha256(root.relative(dest).getBytes(StandardCharsets.UTF_8)) + ".lock");
    try {
      Files.createDirectories(lockFile.getParent());
      try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE)) {
        FileLock lock;
        try {
          lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null;
        }
        if (lock == null) {
          throw FgbgException.failedPrecondition("export destination '" + job.destination()
              + "' is being written by another export right now");
        }
        try {
          return runLocked(job, dest, listener, cancelled);
        } finally {
          lock.release();
        }
      }
    } catch (IOException e) {
      throw FileIo.failure(root.relative(dest), e);
    }
  }

  private ExportManifest runLocked(ExportJob job, Path dest, ExportProgress.Listener listener,
      BooleanSupplier cancelled) throws IOException {
    Files.createDirectories(dest);
    Path manifestPath = dest.resolve(MANIFEST);
    ExportManifest fresh = fresh(job);
    ExportManifest.Builder m = prepareDestination(job, dest, manifestPath, fresh);
    Layout layout = layout(job, dest);
    boolean prepared = false;
    List<Shard> shards = Shard.plan(job);
    long total = job.size();
    long done = 0;
    long bytes = 0;
    int skipped = 0;
    long t0 = System.nanoTime();
    for (int k = 0; k < shards.size(); k++) {
      Shard shard = shards.get(k);
      ShardRecord rec = m.getShards(k);
      if (rec.getComplete() && verify(dest, layout, shard).equals(rec.getFilesSha256())) {
        done += shard.size();
        skipped++;
        continue;
      }
      if (rec.getComplete() || m.getComplete()) {
        m.setShards(k, rec.toBuilder().setComplete(false)); // found damaged: redo it
        m.setComplete(false).clearFiles().clearDigest();
        writeManifest(manifestPath, m.build());
      }
      if (!prepared) {
        layout.prepare();
        prepared = true;
      }
      long[] progress = {done, bytes};
      int skippedSoFar = skipped;
      ItemDigest[] written = new ItemDigest[1];
      SampleDigest digest = writeShard(job, layout, shard, cancelled, written, (n, b) -> {
        progress[0] += n;
        progress[1] += b;
        listener.progress(progress(progress[0], total, progress[1], t0, shard.name(),
            m, skippedSoFar, false, null, null));
      });
      done = progress[0];
      bytes = progress[1];
      ItemDigest v = written[0];
      m.setShards(k, rec.toBuilder().setComplete(true).setDigest(digest.hex())
          .setFiles(v.files()).setBytes(v.bytes()).setFilesSha256(v.hex()));
      writeManifest(manifestPath, m.build());
    }
    if (cancelled.getAsBoolean()) {
      throw new CancellationException("export cancelled");
    }
    if (!m.getComplete() || !verifyFinal(dest, m)) {
      m.clearFiles();
      for (Path p : layout.finish()) {
        m.addFiles(FileRecord.newBuilder().setPath(root.relative(p).substring(
            root.relative(dest).length() + 1)).setBytes(Files.size(p)).setSha256(sha256(p)));
      }
      String sum = "0".repeat(64);
      for (ShardRecord r : m.getShardsList()) {
        sum = SampleDigest.addHex(sum, r.getDigest());
      }
      m.setDigest(sum).setComplete(true);
      writeManifest(manifestPath, m.build());
    }
    ExportManifest result = m.build();
    listener.progress(progress(total, total, bytes, t0, "", m, skipped, true,
        root.relative(manifestPath), result.getDigest()));
    return result;
  }

  private ExportProgress progress(long done, long total, long bytes, long t0, String shard,
      ExportManifest.Builder m, int skipped, boolean finished, String manifest, String digest) {
    double secs = Math.max(1e-9, (System.nanoTime() - t0) / 1e9);
    int shardsDone = (int) m.getShardsList().stream().filter(ShardRecord::getComplete).count();
    double rate = done / secs;
    double eta = rate > 0 ? (total - done) / rate : 0;
    return new ExportProgress(done, total, bytes, rate, finished ? 0 : eta, shard, shardsDone,
        m.getShardsCount(), skipped, finished, manifest, digest);
  }

  /** Reads the manifest found at the destination and decides: resume, refuse, or start over. */
  private ExportManifest.Builder prepareDestination(ExportJob job, Path dest, Path manifestPath,
      ExportManifest fresh) throws IOException {
    ExportManifest existing = readManifest(manifestPath);
    if (existing != null && sameExport(existing, fresh)) {
      return existing.toBuilder();
    }
    boolean empty;
    try (Stream<Path> s = Files.list(dest)) {
      empty = s.findAny().isEmpty();
    }
    if (!empty) {
      if (!job.overwrite()) {
        String what = existing != null
            ? "a different export (" + existing.getFormat() + " of dataset '"
                + existing.getDataset() + "' " + existing.getStart() + ":" + existing.getEnd()
                + ", fingerprint " + existing.getFingerprint().substring(0, 12) + "…)"
            : "files that are not an fgbg export";
        throw FgbgException.failedPrecondition("export destination '" + job.destination()
            + "' holds " + what + "; choose another folder or ask to overwrite");
      }
      clear(dest);
    }
    writeManifest(manifestPath, fresh);
    return fresh.toBuilder();
  }

  private static void clear(Path dest) throws IOException {
    try (Stream<Path> s = Files.walk(dest)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        if (!p.equals(dest)) {
          Files.delete(p);
        }
      }
    }
  }

  private static boolean sameExport(ExportManifest a, ExportManifest b) {
    return a.getManifestVersion().equals(b.getManifestVersion())
        && a.getFingerprint().equals(b.getFingerprint()) && a.getSeed() == b.getSeed()
        && a.getStart() == b.getStart() && a.getEnd() == b.getEnd()
        && a.getFormat().equals(b.getFormat()) && a.getOutputsList().equals(b.getOutputsList())
        && a.getShardSize() == b.getShardSize() && a.getJpegQuality() == b.getJpegQuality()
        && a.getDepthNpy() == b.getDepthNpy() && a.getShardsCount() == b.getShardsCount();
  }

  private ExportManifest fresh(ExportJob job) {
    Dataset d = job.dataset();
    var spec = d.spec();
    ExportManifest.Builder m = ExportManifest.newBuilder()
        .setManifestVersion(VERSION)
        .setDataset(d.name())
        .setFingerprint(d.fingerprint())
        .setGeneratorVersion(Dataset.GENERATOR_VERSION)
        .setSpec(DatasetSpec.newBuilder().setHeight(spec.height()).setWidth(spec.width())
            .setFgScaleMin(spec.fgScaleMin()).setFgScaleMax(spec.fgScaleMax())
            .setPlacements(spec.placements()).setFlip(spec.flip())
            .setPosition(spec.position() == dev.fgbg.server.spec.Spec.Position.FIXED
                ? Position.POSITION_FIXED : Position.POSITION_RANDOM)
            .setMaskThreshold(spec.maskThreshold()).setSoftMask(spec.softMask()))
        .setSeed(job.seed())
        .setStart(job.start())
        .setEnd(job.end())
        .setFormat(job.format().id())
        .setShardSize(job.format().perBackground() ? 0 : job.shardSize())
        .setJpegQuality(job.jpegQuality())
        .setDepthNpy(job.depthNpy())
        .addAllBackgroundLabels(d.assets().backgroundLabels())
        .addAllForegroundLabels(d.assets().foregroundLabels());
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
    for (Shard s : Shard.plan(job)) {
      m.addShards(ShardRecord.newBuilder().setName(s.name()).setStart(s.start()).setEnd(s.end()));
    }
    return m.build();
  }

  private Layout layout(ExportJob job, Path dest) {
    SampleEncoder enc = new SampleEncoder(job);
    return switch (job.format()) {
      case FOLDERS -> new DirectoryLayout(dest, job, enc, false);
      case COCO -> new DirectoryLayout(dest, job, enc, true);
      case ZIP -> new ContainerLayout(dest, job, enc, false);
      case WEBDATASET -> new ContainerLayout(dest, job, enc, true);
      case NPY -> new NpyLayout(dest, job);
    };
  }

  /** Called as chunks land: samples and bytes written. */
  private interface ChunkDone {
    void done(long samples, long bytes);
  }

  /** Rendered and encoded off-thread; written in order on the export's thread. */
  private record Encoded(RenderedBatch chunk, List<Entry> entries, SampleDigest digest,
      long bytes) {}

  private SampleDigest writeShard(ExportJob job, Layout layout, Shard shard,
      BooleanSupplier cancelled, ItemDigest[] written, ChunkDone onChunk) throws IOException {
    Layout.ShardWriter writer = layout.open(shard);
    ArrayDeque<Future<Encoded>> inflight = new ArrayDeque<>();
    SampleDigest digest = new SampleDigest();
    long next = shard.start();
    boolean ok = false;
    try {
      while (next < shard.end() || !inflight.isEmpty()) {
        while (inflight.size() < window && next < shard.end()) {
          long from = next;
          long to = Math.min(shard.end(), next + CHUNK);
          inflight.add(pool.submit(() -> encode(job, layout, from, to, cancelled)));
          next = to;
        }
        if (cancelled.getAsBoolean()) {
          throw new CancellationException("export cancelled");
        }
        Encoded e = await(inflight.poll());
        writer.write(e.chunk, e.entries);
        digest.addAll(e.digest);
        onChunk.done(e.chunk.indices().length, e.bytes);
      }
      written[0] = writer.commit();
      ok = true;
      return digest;
    } finally {
      if (!ok) {
        for (Future<Encoded> f : inflight) {
          f.cancel(true);
        }
        writer.abort();
      }
    }
  }

  private static Encoded await(Future<Encoded> f) throws IOException {
    try {
      Encoded e = f.get();
      if (e == null) {
        throw new CancellationException("export cancelled");
      }
      return e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("export interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private static Encoded encode(ExportJob job, Layout layout, long from, long to,
      BooleanSupplier cancelled) throws IOException {
    long[] idx = new long[(int) (to - from)];
    for (int s = 0; s < idx.length; s++) {
      idx[s] = from + s;
    }
    RenderedBatch chunk = RenderedBatch.render(job.dataset(), job.seed(), idx, job.outputs(),
        DepthEncoding.FLOAT16, cancelled);
    if (chunk == null) {
      return null;
    }
    SampleDigest d = new SampleDigest();
    int ib = chunk.images() == null ? 0 : job.dataset().imageBytes();
    int mb = chunk.masks() == null ? 0 : job.dataset().maskBytes();
    int db = chunk.depth() == null ? 0 : job.dataset().depthBytes(DepthEncoding.FLOAT16);
    for (int s = 0; s < idx.length; s++) {
      d.add(idx[s], chunk.images(), s * ib, ib, chunk.masks(), s * mb, mb, chunk.depth(),
          s * db, db);
    }
    List<Entry> entries = layout.entries(chunk);
    if (layout.writesOnWorkers()) {
      layout.writeEntries(entries);
    }
    long bytes = 0;
    for (Entry e : entries) {
      bytes += e.bytes().length;
    }
    if (entries.isEmpty()) {
      bytes = (long) idx.length * (ib + mb + db);
    }
    return new Encoded(chunk, entries, d, bytes);
  }

  // ------------------------------------------------------------------ verification

  /** The shard's files digest as read back from disk; "" when anything is missing or short. */
  private String verify(Path dest, Layout layout, Shard shard) {
    try {
      return readBack(dest, layout, shard).hex();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private ItemDigest readBack(Path dest, Layout layout, Shard shard) throws IOException {
    ItemDigest all = new ItemDigest();
    byte[] buf = new byte[1 << 16];
    for (Item item : layout.items(shard)) {
      Path p = dest.resolve(item.path());
      if (!Files.exists(p) && item.altPath() != null) {
        p = dest.resolve(item.altPath());
      }
      MessageDigest one = sha();
      long n;
      if (item.length() < 0) {
        try (InputStream in = Files.newInputStream(p)) {
          n = 0;
          int r;
          while ((r = in.read(buf)) > 0) {
            one.update(buf, 0, r);
            n += r;
          }
        }
      } else {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
          if (ch.size() < item.offset() + item.length()) {
            throw new IOException(p + " is shorter than its shard");
          }
          ByteBuffer b = ByteBuffer.allocate(1 << 20);
          long pos = item.offset();
          long end = item.offset() + item.length();
          while (pos < end) {
            b.clear().limit((int) Math.min(b.capacity(), end - pos));
            int r = ch.read(b, pos);
            if (r <= 0) {
              throw new IOException(p + " ended early");
            }
            one.update(b.array(), 0, r);
            pos += r;
          }
          n = item.length();
        }
      }
      all.add(item.path(), n, one.digest());
    }
    return all;
  }

  private boolean verifyFinal(Path dest, ExportManifest.Builder m) {
    if (m.getFilesCount() == 0) {
      return false;
    }
    try {
      for (FileRecord f : m.getFilesList()) {
        Path p = dest.resolve(f.getPath());
        if (!Files.exists(p) || Files.size(p) != f.getBytes() || !sha256(p).equals(f.getSha256())) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  // ------------------------------------------------------------------ manifest and hashing

  static ExportManifest readManifest(Path p) throws IOException {
    if (!Files.exists(p)) {
      return null;
    }
    ExportManifest.Builder b = ExportManifest.newBuilder();
    try {
      JsonFormat.parser().ignoringUnknownFields().merge(Files.readString(p), b);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return null; // unreadable: treated as not ours
    }
    return b.build();
  }

  static void writeManifest(Path p, ExportManifest m) throws IOException {
    FileIo.writeAtomically(p, (JsonFormat.printer().print(m) + "\n")
        .getBytes(StandardCharsets.UTF_8));
  }

  private static MessageDigest sha() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256(byte[] b) {
    return HexFormat.of().formatHex(sha().digest(b));
  }

  static String sha256(Path p) throws IOException {
    MessageDigest d = sha();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(p)) {
      int r;
      while ((r = in.read(buf)) > 0) {
        d.update(buf, 0, r);
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }
}
