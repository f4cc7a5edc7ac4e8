package dev.fgbg.core.export;

import dev.fgbg.common.Sha256;
import dev.fgbg.core.render.RenderedBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Memory-mappable arrays: images.npy [N,H,W,3] uint8, masks.npy [N,H,W] uint8 and depth.npy
 * [N,H,W] float16 ('<f2', exact). While the export runs they are *.npy.partial, written at each
 * sample's offset; they are renamed to *.npy when every shard is complete.
 */
final class NpyLayout implements Layout {
  static final String PARTIAL = ".partial";

  private final Path dest;
  private final ExportJob job;
  private final List<Array> arrays = new ArrayList<>();

  private record Array(String name, byte[] header, int sampleBytes, int which) {}

  NpyLayout(Path dest, ExportJob job) {
    this.dest = dest;
    this.job = job;
    int h = job.dataset().spec().height();
    int w = job.dataset().spec().width();
    long n = job.size();
    if (job.outputs().image()) {
      arrays.add(new Array("images.npy", Encoders.npyHeader("|u1", n, h, w, 3), h * w * 3, 0));
    }
    if (job.outputs().mask()) {
      arrays.add(new Array("masks.npy", Encoders.npyHeader("|u1", n, h, w), h * w, 1));
    }
    if (job.outputs().depth()) {
      arrays.add(new Array("depth.npy", Encoders.npyHeader("<f2", n, h, w), h * w * 2, 2));
    }
  }

  @Override
  public void prepare() throws IOException {
    Files.createDirectories(dest);
    for (Array a : arrays) {
      Path partial = dest.resolve(a.name + PARTIAL);
      if (Files.exists(dest.resolve(a.name))) {
        FileIo.move(dest.resolve(a.name), partial); // redoing part of a finished export
      }
      long size = a.header.length + (long) a.sampleBytes * job.size();
      try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(a.header), 0);
        if (ch.size() != size) {
          ch.truncate(size);
          ch.write(ByteBuffer.wrap(new byte[] {0}), size - 1);
        }
      }
    }
  }

  @Override
  public List<Entry> entries(RenderedBatch chunk) {
    return List.of();
  }

  @Override
  public ShardWriter open(Shard shard) throws IOException {
    List<FileChannel> channels = new ArrayList<>();
    List<MessageDigest> shas = new ArrayList<>();
    for (Array a : arrays) {
      channels.add(FileChannel.open(dest.resolve(a.name + PARTIAL), StandardOpenOption.WRITE));
      shas.add(Sha256.newDigest());
    }
    return new ShardWriter() {
      @Override
      public void write(RenderedBatch chunk, List<Entry> entries) throws IOException {
        long first = chunk.indices()[0] - job.start();
        for (int k = 0; k < arrays.size(); k++) {
          Array a = arrays.get(k);
          byte[] src = a.which == 0 ? chunk.images() : a.which == 1 ? chunk.masks() : chunk.depth();
          ByteBuffer b = ByteBuffer.wrap(src, 0, chunk.indices().length * a.sampleBytes);
          shas.get(k).update(src, 0, chunk.indices().length * a.sampleBytes);
          long pos = a.header.length + first * a.sampleBytes;
          while (b.hasRemaining()) {
            pos += channels.get(k).write(b, pos);
          }
        }
      }

      @Override
      public ItemDigest commit() throws IOException {
        for (FileChannel c : channels) {
          c.close();
        }
        ItemDigest d = new ItemDigest();
        for (int k = 0; k < arrays.size(); k++) {
          d.add(arrays.get(k).name, shard.size() * arrays.get(k).sampleBytes, shas.get(k).digest());
        }
        return d;
      }

      @Override
      public void abort() {
        for (FileChannel c : channels) {
          try {
            c.close();
          } catch (IOException ignored) {
            // the shard stays incomplete in the manifest and is redone
          }
        }
      }
    };
  }

  @Override
  public List<Item> items(Shard shard) {
    List<Item> out = new ArrayList<>();
    for (Array a : arrays) {
      out.add(new Item(a.name, a.name + PARTIAL,
          a.header.length + (shard.start() - job.start()) * a.sampleBytes,
          shard.size() * a.sampleBytes));
    }
    return out;
  }

  @Override
  public List<Path> finish() throws IOException {
    List<Path> out = new ArrayList<>();
    for (Array a : arrays) {
      Path partial = dest.resolve(a.name + PARTIAL);
      if (Files.exists(partial)) {
        FileIo.move(partial, dest.resolve(a.name));
      }
      out.add(dest.resolve(a.name));
    }
    out.add(Tables.writeLabels(dest, job));
    return out;
  }
}
