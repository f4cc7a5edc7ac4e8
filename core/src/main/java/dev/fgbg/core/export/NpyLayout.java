package dev.fgbg.core.export;

import dev.fgbg.common.Npy;
import dev.fgbg.common.Sha256;
import dev.fgbg.core.render.RenderedBatch;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Memory-mappable arrays: images.npy [N,H,W,3] uint8, masks.npy [N,H,W] uint8 and depth.npy
 * [N,H,W] float16 ('<f2', exact), row p being the selection's p-th sample; labels.npy (int64,
 * see {@link Tables}) beside labels.csv. On a local store they are *.npy.partial while the export
 * runs, written at each sample's offset, and renamed to *.npy when every shard is complete. A
 * store that cannot write at offsets (Hadoop file systems) gets each shard's slice of each array
 * as a part file under {@code .npy-parts/}, and the arrays are joined from the parts at the end.
 */
final class NpyLayout implements Layout {
  static final String PARTS = ".npy-parts";
  private static final String IMAGES = "images.npy";
  private static final String MASKS = "masks.npy";
  private static final String DEPTH = "depth.npy";
  private static final String INSTANCES = "instances.npy";
  /** Every array an export may write, each by its output. */
  static final List<String> NAMES = List.of(IMAGES, MASKS, DEPTH, INSTANCES);

  private final ExportStore dest;
  private final ExportJob job;
  private final boolean inPlace;
  private final List<Array> arrays = new ArrayList<>();

  private record Array(String name, byte[] header, int sampleBytes,
      Function<RenderedBatch, byte[]> of) {}

  NpyLayout(ExportStore dest, ExportJob job) {
    this.dest = dest;
    this.job = job;
    this.inPlace = dest.offsetWrites();
    int h = job.dataset().spec().height();
    int w = job.dataset().spec().width();
    long n = job.size();
    if (job.outputs().image()) {
      arrays.add(new Array(IMAGES, Npy.header("|u1", n, h, w, 3), h * w * 3,
          RenderedBatch::images));
    }
    if (job.outputs().mask()) {
      arrays.add(new Array(MASKS, Npy.header("|u1", n, h, w), h * w,
          RenderedBatch::masks));
    }
    if (job.outputs().depth()) {
      arrays.add(new Array(DEPTH, Npy.header("<f2", n, h, w), h * w * 2,
          RenderedBatch::depth));
    }
    if (job.outputs().instances()) {
      arrays.add(new Array(INSTANCES, Npy.header("|u1", n, h, w), h * w,
          RenderedBatch::instances));
    }
  }

  private static String part(Array a, Shard shard) {
    return PARTS + "/" + a.name + "/" + shard.name();
  }

  private long offset(Array a, Shard shard) {
    return a.header.length + shard.from() * a.sampleBytes;
  }

  @Override
  public void prepare() throws IOException {
    if (!inPlace) {
      return; // parts need no preparation
    }
    dest.mkdirs("");
    for (Array a : arrays) {
      if (dest.exists(a.name)) {
        dest.commit(a.name, a.name + FileIo.PARTIAL); // redoing part of a finished export
      }
      long size = a.header.length + (long) a.sampleBytes * job.size();
      try (FileChannel ch = dest.channel(a.name + FileIo.PARTIAL, true)) {
        ch.write(ByteBuffer.wrap(a.header), 0);
        if (ch.size() != size) {
          ch.truncate(size);
          ch.write(ByteBuffer.wrap(new byte[] {0}), size - 1);
        }
      } catch (IOException e) {
        throw FileWriteException.of(dest.describe(a.name + FileIo.PARTIAL), e);
      }
    }
  }

  /** Cuts each array back after its last complete shard; removes it when none is complete. */
  @Override
  public void giveBack(List<Shard> complete) throws IOException {
    for (Array a : inPlace ? arrays : List.<Array>of()) { // parts go as their shard fails
      long end = 0;
      for (Shard s : complete) {
        end = Math.max(end, offset(a, s) + s.size() * a.sampleBytes);
      }
      if (end == 0) {
        dest.deleteTree(a.name + FileIo.PARTIAL); // the next run pre-sizes it again
      } else if (dest.exists(a.name + FileIo.PARTIAL)) {
        try (FileChannel ch = dest.channel(a.name + FileIo.PARTIAL, false)) {
          ch.truncate(end); // no-op when it is no longer
        }
      }
    }
  }

  @Override
  public List<Entry> entries(RenderedBatch chunk) {
    return List.of();
  }

  /** Where one array's bytes of a shard go, in chunk order. */
  private interface Slice {
    void write(byte[] src, int length, long at) throws IOException;

    void close() throws IOException;
  }

  @Override
  public ShardWriter open(Shard shard) throws IOException {
    List<Slice> slices = new ArrayList<>();
    List<MessageDigest> shas = new ArrayList<>();
    List<String> temps = new ArrayList<>();
    try {
      for (Array a : arrays) {
        slices.add(inPlace ? inPlace(a) : part(a, shard, temps));
        shas.add(Sha256.newDigest());
      }
    } catch (IOException e) {
      closeAndRemove(slices, temps);
      throw e;
    }
    return new ShardWriter() {
      /** The export position of the next chunk's first sample (chunks come in order). */
      private long first = shard.from();

      @Override
      public void write(RenderedBatch chunk, List<Entry> entries) throws IOException {
        for (int k = 0; k < arrays.size(); k++) {
          Array a = arrays.get(k);
          byte[] src = a.of.apply(chunk);
          int n = chunk.indices().length * a.sampleBytes;
          shas.get(k).update(src, 0, n);
          slices.get(k).write(src, n, a.header.length + first * a.sampleBytes);
        }
        first += chunk.indices().length;
      }

      @Override
      public ItemDigest commit() throws IOException {
        for (Slice s : slices) {
          s.close();
        }
        for (int k = 0; k < temps.size(); k++) {
          dest.commit(temps.get(k), part(arrays.get(k), shard));
        }
        ItemDigest d = new ItemDigest();
        for (int k = 0; k < arrays.size(); k++) {
          d.add(arrays.get(k).name, shard.size() * arrays.get(k).sampleBytes, shas.get(k).digest());
        }
        return d;
      }

      @Override
      public void abort() {
        closeAndRemove(slices, temps);
      }
    };
  }

  /** Closes every slice (each, whatever the others do) and removes the temporary parts. */
  private void closeAndRemove(List<Slice> slices, List<String> temps) {
    for (Slice s : slices) {
      try {
        s.close();
      } catch (IOException ignored) {
        // the shard stays incomplete in the manifest and is redone
      }
    }
    for (String t : temps) {
      try {
        dest.deleteTree(t);
      } catch (IOException ignored) {
        // a temporary part is never read
      }
    }
  }

  private Slice inPlace(Array a) throws IOException {
    FileChannel ch = dest.channel(a.name + FileIo.PARTIAL, false);
    return new Slice() {
      @Override
      public void write(byte[] src, int length, long at) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(src, 0, length);
        long pos = at;
        try {
          while (b.hasRemaining()) {
            pos += ch.write(b, pos);
          }
        } catch (IOException e) {
          throw FileWriteException.of(dest.describe(a.name + FileIo.PARTIAL), e);
        }
      }

      @Override
      public void close() throws IOException {
        ch.close();
      }
    };
  }

  /** A part file, written in order (chunks arrive in order) under a temporary name. */
  private Slice part(Array a, Shard shard, List<String> temps) throws IOException {
    String fin = part(a, shard);
    String tmp = FileIo.tmp(dest, fin);
    dest.mkdirs(FileIo.parent(fin));
    OutputStream out = new BufferedOutputStream(dest.create(tmp), 1 << 20);
    temps.add(tmp);
    return new Slice() {
      @Override
      public void write(byte[] src, int length, long at) throws IOException {
        out.write(src, 0, length);
      }

      @Override
      public void close() throws IOException {
        out.close();
      }
    };
  }

  @Override
  public List<Item> items(Shard shard) {
    List<Item> out = new ArrayList<>();
    for (Array a : arrays) {
      long at = offset(a, shard);
      out.add(inPlace ? new Item(a.name, a.name + FileIo.PARTIAL, at, shard.size() * a.sampleBytes, at)
          : new Item(a.name, part(a, shard), at, shard.size() * a.sampleBytes, 0));
    }
    return out;
  }

  @Override
  public List<String> finish() throws IOException {
    List<String> out = new ArrayList<>();
    for (Array a : arrays) {
      if (inPlace && dest.exists(a.name + FileIo.PARTIAL)) {
        dest.commit(a.name + FileIo.PARTIAL, a.name);
      } else if (!inPlace) {
        join(a);
      }
      out.add(a.name);
    }
    dest.deleteTree(PARTS);
    out.addAll(BackgroundFiles.writeArrays(dest, job));
    out.addAll(Tables.writeLabels(dest, job, true));
    return out;
  }

  /** One array from its header and each shard's part (or its range, already joined). */
  private void join(Array a) throws IOException {
    List<Shard> shards = Shard.plan(job);
    boolean anyPart = false;
    for (Shard s : shards) {
      anyPart |= dest.exists(part(a, s));
    }
    if (!anyPart && dest.exists(a.name)) {
      return; // joined by an earlier run, nothing redone since
    }
    String tmp = FileIo.tmp(dest, a.name);
    try (OutputStream out = new BufferedOutputStream(dest.create(tmp), 1 << 20)) {
      out.write(a.header);
      for (Shard s : shards) {
        if (dest.exists(part(a, s))) {
          try (InputStream in = dest.open(part(a, s))) {
            in.transferTo(out);
          }
        } else if (dest.exists(a.name)) {
          try (InputStream in = dest.open(a.name)) {
            in.skipNBytes(offset(a, s));
            FileIo.copy(in, out, s.size() * a.sampleBytes);
          }
        } else {
          throw new IOException(dest.describe(part(a, s)) + " is missing: shard " + s.name()
              + " was never written");
        }
      }
    } catch (IOException e) {
      dest.deleteTree(tmp);
      throw e;
    }
    dest.commit(tmp, a.name);
  }
}
