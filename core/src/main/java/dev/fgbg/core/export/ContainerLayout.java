package dev.fgbg.core.export;

import dev.fgbg.common.Sha256;
import dev.fgbg.core.render.RenderedBatch;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * One container file per shard: a zip per background (the folders layout inside) or a
 * WebDataset tar. Written under a temporary name and renamed when whole; entry times and
 * owners are fixed so that reruns give identical bytes.
 */
final class ContainerLayout implements Layout {
  private static final LocalDateTime ZIP_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);
  private static final Date TAR_TIME = new Date(946_684_800_000L);

  private final ExportStore dest;
  private final ExportJob job;
  private final SampleEncoder encoder;
  private final boolean tar;
  private final DirectoryLayout folders;

  ContainerLayout(ExportStore dest, ExportJob job, SampleEncoder encoder, boolean tar) {
    this.dest = dest;
    this.job = job;
    this.encoder = encoder;
    this.tar = tar;
    this.folders = new DirectoryLayout(dest, job, encoder, false);
  }

  private String file(Shard shard) {
    return file(shard.name(), tar);
  }

  /** The file shard {@code name} is written to: a tar (webdataset) or a zip. */
  static String file(String name, boolean tar) {
    return name + (tar ? ".tar" : ".zip");
  }

  @Override
  public List<Entry> entries(RenderedBatch chunk) {
    if (!tar) {
      return folders.entries(chunk);
    }
    List<Entry> out = new ArrayList<>();
    var c = job.dataset().codec();
    for (int s = 0; s < chunk.indices().length; s++) {
      String key = SampleNames.name(c, chunk.indices()[s]);
      if (job.outputs().image()) {
        out.add(new Entry(key + ".jpg", encoder.jpeg(chunk, s)));
      }
      if (job.outputs().mask()) {
        out.add(new Entry(key + ".mask.png", encoder.maskPng(chunk, s)));
      }
      if (job.outputs().depth()) {
        out.add(job.depthNpy() ? new Entry(key + ".depth.npy", encoder.depthNpy(chunk, s))
            : new Entry(key + ".depth.png", encoder.depthPng(chunk, s)));
      }
      if (job.outputs().instances()) {
        out.add(new Entry(key + ".instances.png", encoder.instancesPng(chunk, s)));
      }
      out.add(new Entry(key + ".json", encoder.json(chunk, s)));
    }
    return out;
  }

  @Override
  public ShardWriter open(Shard shard) throws IOException {
    String name = file(shard);
    String tmp = FileIo.tmp(dest, name);
    dest.mkdirs("");
    MessageDigest sha = Sha256.newDigest();
    long[] size = {0};
    OutputStream file = dest.create(tmp);
    OutputStream raw = new BufferedOutputStream(new DigestOutputStream(
        new FilterOutputStream(file) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            size[0] += len;
          }

          @Override
          public void write(int b) throws IOException {
            out.write(b);
            size[0]++;
          }
        }, sha), 1 << 20);
    if (tar) {
      TarArchiveOutputStream out = new TarArchiveOutputStream(raw);
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      return new Writer(dest, tmp, out, file, name, sha, size) {
        @Override
        void add(Entry e) throws IOException {
          TarArchiveEntry t = new TarArchiveEntry(e.path());
          t.setSize(e.bytes().length);
          t.setModTime(TAR_TIME);
          t.setMode(0644);
          t.setUserName("");
          t.setGroupName("");
          t.setIds(0, 0);
          out.putArchiveEntry(t);
          out.write(e.bytes());
          out.closeArchiveEntry();
        }
      };
    }
    ZipOutputStream out = new ZipOutputStream(raw);
    return new Writer(dest, tmp, out, file, name, sha, size) {
      @Override
      void add(Entry e) throws IOException {
        ZipEntry z = new ZipEntry(e.path());
        z.setMethod(ZipEntry.STORED); // JPEG and PNG are compressed already
        z.setSize(e.bytes().length);
        z.setCompressedSize(e.bytes().length);
        CRC32 crc = new CRC32();
        crc.update(e.bytes());
        z.setCrc(crc.getValue());
        z.setTimeLocal(ZIP_TIME);
        out.putNextEntry(z);
        out.write(e.bytes());
        out.closeEntry();
      }
    };
  }

  private abstract static class Writer implements ShardWriter {
    private final ExportStore dest;
    private final String tmp;
    private final OutputStream out;
    /** The file under the archive stream, closed on abort even when the archive's close fails. */
    private final OutputStream file;
    private final String name;
    private final MessageDigest sha;
    private final long[] size;

    Writer(ExportStore dest, String tmp, OutputStream out, OutputStream file, String name,
        MessageDigest sha, long[] size) {
      this.dest = dest;
      this.tmp = tmp;
      this.out = out;
      this.file = file;
      this.name = name;
      this.sha = sha;
      this.size = size;
    }

    abstract void add(Entry e) throws IOException;

    @Override
    public void write(RenderedBatch chunk, List<Entry> entries) throws IOException {
      for (Entry e : entries) {
        add(e);
      }
    }

    @Override
    public ItemDigest commit() throws IOException {
      out.close();
      dest.commit(tmp, name);
      ItemDigest d = new ItemDigest();
      d.add(name, size[0], sha.digest());
      return d;
    }

    @Override
    public void abort() {
      // A zip stream whose final write failed (a full disk) does not close what is under it:
      // close the file itself too, or the deleted .tmp keeps its space until the process ends.
      try {
        out.close();
      } catch (IOException ignored) {
        // the file is closed and removed below
      }
      try {
        file.close();
      } catch (IOException ignored) {
        // closing is all that matters; the file is removed below
      }
      try {
        dest.deleteTree(tmp);
      } catch (IOException ignored) {
        // a leftover .tmp file never looks complete
      }
    }
  }

  @Override
  public List<Item> items(Shard shard) {
    return List.of(Item.file(file(shard)));
  }

  @Override
  public List<String> finish() throws IOException {
    List<String> out = new ArrayList<>(BackgroundFiles.writeFiles(dest, job));
    out.addAll(Tables.writeLabels(dest, job, false));
    return out;
  }
}
