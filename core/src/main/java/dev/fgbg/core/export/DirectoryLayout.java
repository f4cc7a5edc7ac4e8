package dev.fgbg.core.export;

import dev.fgbg.core.render.RenderedBatch;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;

/**
 * Loose files: the folders layout (images, masks, depth maps per background) and COCO's image
 * folders. A shard's files are written into hidden {@code .bg_NNN.partial} folders that are
 * renamed to {@code bg_NNN} when the shard is whole, so no final path ever shows a partial shard.
 */
final class DirectoryLayout implements Layout {
  private final ExportStore dest;
  private final ExportJob job;
  private final SampleEncoder encoder;
  private final boolean coco;

  DirectoryLayout(ExportStore dest, ExportJob job, SampleEncoder encoder, boolean coco) {
    this.dest = dest;
    this.job = job;
    this.encoder = encoder;
    this.coco = coco;
  }

  private List<String> paths(long index) {
    var c = job.dataset().codec();
    String name = SampleNames.name(c, index);
    String bg = SampleNames.bgFolder(c.bg(index));
    List<String> out = new ArrayList<>(3);
    if (job.outputs().image()) {
      out.add((coco ? "images/" : "fg_bg/") + bg + "/" + name + ".jpg");
    }
    if (job.outputs().mask() && !coco) {
      out.add("fg_bg_masks/" + bg + "/" + name + ".png");
    }
    if (job.outputs().depth()) {
      out.add("depth_maps/" + bg + "/" + name + ".png");
    }
    if (job.outputs().instances()) {
      out.add("instance_masks/" + bg + "/" + name + ".png");
    }
    return out;
  }

  @Override
  public List<Entry> entries(RenderedBatch chunk) {
    List<Entry> out = new ArrayList<>();
    for (int s = 0; s < chunk.indices().length; s++) {
      List<String> p = paths(chunk.indices()[s]);
      int k = 0;
      if (job.outputs().image()) {
        out.add(new Entry(p.get(k++), encoder.jpeg(chunk, s)));
      }
      if (job.outputs().mask() && !coco) {
        out.add(new Entry(p.get(k++), encoder.maskPng(chunk, s)));
      }
      if (job.outputs().depth()) {
        out.add(new Entry(p.get(k++), encoder.depthPng(chunk, s)));
      }
      if (job.outputs().instances()) {
        out.add(new Entry(p.get(k), encoder.instancesPng(chunk, s)));
      }
    }
    return out;
  }

  @Override
  public boolean writesOnWorkers() {
    return true;
  }

  /** Top-level folders this layout writes per background. */
  private List<String> tops() {
    var o = job.outputs();
    return tops(coco, o.image(), o.mask(), o.depth(), o.instances());
  }

  /** The top-level folders a folders or COCO export with these outputs holds its shards in. */
  static List<String> tops(boolean coco, boolean image, boolean mask, boolean depth,
      boolean instances) {
    List<String> out = new ArrayList<>();
    if (image) {
      out.add(coco ? "images" : "fg_bg");
    }
    if (mask && !coco) {
      out.add("fg_bg_masks");
    }
    if (depth) {
      out.add("depth_maps");
    }
    if (instances) {
      out.add("instance_masks");
    }
    return out;
  }

  /** The prefix of the hidden folder {@code bg_NNN} is written as (a tag may follow). */
  static String partialPrefix(String bgFolder) {
    return "." + bgFolder + FileIo.PARTIAL;
  }

  /** The hidden folder a shard's {@code bg_NNN} is written as until it is whole. */
  private String partial(String bgFolder) {
    return partialPrefix(bgFolder) + dest.tempTag();
  }

  @Override
  public void writeEntries(List<Entry> entries) throws IOException {
    for (Entry e : entries) {
      // top/bg_NNN/name -> top/.bg_NNN.partial/name
      String[] parts = e.path().split("/", 3);
      dest.write(parts[0] + "/" + partial(parts[1]) + "/" + parts[2], e.bytes());
    }
  }

  @Override
  public ShardWriter open(Shard shard) throws IOException {
    ItemDigest digest = new ItemDigest();
    List<String> partials = new ArrayList<>();
    List<String> finals = new ArrayList<>();
    for (String top : tops()) {
      String p = top + "/" + partial(shard.name());
      dest.deleteTree(p);
      dest.mkdirs(p);
      partials.add(p);
      finals.add(top + "/" + shard.name());
    }
    return new ShardWriter() {
      @Override
      public void write(RenderedBatch chunk, List<Entry> entries) {
        for (Entry e : entries) {
          digest.add(e.path(), e.bytes().length, e.sha256());
        }
      }

      @Override
      public ItemDigest commit() throws IOException {
        for (String p : partials) {
          if (!dest.isDirectory(p)) {
            throw new NoSuchFileException(dest.describe(p), null,
                "the shard's folder disappeared before it was complete");
          }
        }
        List<String> moved = new ArrayList<>();
        try {
          for (int k = 0; k < partials.size(); k++) {
            dest.commit(partials.get(k), finals.get(k));
            moved.add(finals.get(k));
          }
        } catch (IOException e) {
          // All of the shard's folders become visible, or none of them.
          for (String fin : moved) {
            try {
              dest.deleteTree(fin);
            } catch (IOException ignored) {
              // the manifest still says incomplete; the next run redoes the shard
            }
          }
          throw e;
        }
        return digest;
      }

      @Override
      public void abort() {
        for (String p : partials) {
          try {
            dest.deleteTree(p);
          } catch (IOException ignored) {
            // hidden and never listed as complete; the next run clears it
          }
        }
      }
    };
  }

  @Override
  public List<Item> items(Shard shard) {
    List<Item> out = new ArrayList<>();
    for (long p = shard.from(); p < shard.to(); p++) {
      for (String path : paths(job.selection().indexAt(p))) {
        out.add(Item.file(path));
      }
    }
    return out;
  }

  @Override
  public List<String> finish() throws IOException {
    List<String> out = new ArrayList<>(BackgroundFiles.writeFiles(dest, job));
    if (coco) {
      out.add(CocoInstances.write(dest, job));
    } else {
      out.addAll(Tables.writeLabels(dest, job, false));
    }
    return out;
  }
}
