package dev.fgbg.core.export;

import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.InstanceInfo;
import dev.fgbg.core.dataset.SampleInfo;
import dev.fgbg.core.synth.Compositor;
import dev.fgbg.core.synth.DepthEncoding;
import java.io.BufferedWriter;
import java.io.IOException;
import java.util.List;

/**
 * annotations/instances.json: one image per sample and its instances (category = foreground
 * label, bbox, uncompressed RLE mask in COCO's column-major order). Masks are re-rendered here;
 * rendering is a pure function, so they are the exported ones. A classic sample has one
 * annotation (id = its index); a scene has one per visible labelled instance (id
 * {@code index × 256 + instance id}): the visible part's RLE, box and area, category from the
 * instance's label; a wholly hidden instance has none.
 */
final class CocoInstances {
  private CocoInstances() {}

  static String write(ExportStore dest, ExportJob job) throws IOException {
    Dataset d = job.dataset();
    int w = d.spec().width();
    int h = d.spec().height();
    String file = "annotations/instances.json";
    dest.mkdirs(FileIo.parent(file));
    String tmp = FileIo.tmp(dest, file);
    List<String> labels = d.assets().foregroundLabels();
    try (BufferedWriter out = FileIo.textWriter(dest, tmp)) {
      out.write("{\"info\": {\"description\": \"fgbg export of dataset "
          + SampleEncoder.escape(d.name()) + "\", \"fingerprint\": \"" + d.fingerprint()
          + "\", \"seed\": " + Long.toUnsignedString(job.seed()) + "},\n\"images\": [");
      var c = d.codec();
      for (long p = 0; p < job.size(); p++) {
        long i = job.selection().indexAt(p);
        out.write((p == 0 ? "\n" : ",\n") + "{\"id\": " + i + ", \"file_name\": \"images/"
            + SampleNames.bgFolder(c.bg(i)) + "/" + SampleNames.name(c, i) + ".jpg\", \"width\": "
            + w + ", \"height\": " + h + "}");
      }
      out.write("],\n\"annotations\": [");
      byte[] mask = new byte[w * h];
      byte[] ids = d.spec().isScene() ? new byte[w * h] : null;
      Compositor.Target target = new Compositor.Target(null, 0, mask, 0, null, 0);
      StringBuilder counts = new StringBuilder();
      boolean first = true;
      for (long p = 0; p < job.size(); p++) {
        long i = job.selection().indexAt(p);
        SampleInfo s = d.render(job.seed(), i, DepthEncoding.FLOAT16,
            ids == null ? target : target.withInstances(ids, 0));
        if (ids == null) {
          first = annotation(out, first, i, i, s.fgLabel(), mask, w, h, counts, true,
              s.bboxX0(), s.bboxY0(), s.bboxX1(), s.bboxY1());
          continue;
        }
        List<InstanceInfo> instances = s.instances();
        for (int k = 0; k < instances.size(); k++) {
          byte id = (byte) (k + 1);
          for (int px = 0; px < ids.length; px++) {
            mask[px] = (byte) (ids[px] == id ? 255 : 0);
          }
          InstanceInfo in = instances.get(k);
          // Ids unique over any selection and sharding, never 0 (COCOeval's "unmatched").
          first = annotation(out, first, i * 256 + k + 1, i, in.label(), mask, w, h, counts,
              false, in.bboxX0(), in.bboxY0(), in.bboxX1(), in.bboxY1());
        }
      }
      out.write("],\n\"categories\": [");
      for (int k = 0; k < labels.size(); k++) {
        out.write((k == 0 ? "\n" : ",\n") + "{\"id\": " + (k + 1) + ", \"name\": \""
            + SampleEncoder.escape(labels.get(k)) + "\"}");
      }
      out.write("]}\n");
    } catch (IOException e) {
      dest.deleteTree(tmp);
      throw e;
    }
    dest.commit(tmp, file);
    return file;
  }

  /**
   * Writes one annotation of {@code image} unless its mask is empty and {@code keepEmpty} is
   * false (a hidden instance is not an annotation); returns whether none is written yet.
   */
  private static boolean annotation(BufferedWriter out, boolean first, long id, long image,
      int label, byte[] mask, int w, int h, StringBuilder counts, boolean keepEmpty, int x0,
      int y0, int x1, int y1) throws IOException {
    counts.setLength(0);
    long area = rle(mask, w, h, counts);
    if (area == 0 && !keepEmpty) {
      return first;
    }
    out.write((first ? "\n" : ",\n") + "{\"id\": " + id + ", \"image_id\": " + image
        + ", \"category_id\": " + (label + 1) + ", \"iscrowd\": 0, \"area\": " + area
        + ", \"bbox\": [" + x0 + ", " + y0 + ", " + (x1 - x0) + ", " + (y1 - y0)
        + "], \"segmentation\": {\"size\": [" + h + ", " + w + "], \"counts\": [" + counts
        + "]}}");
    return false;
  }

  /** Uncompressed RLE, column-major, starting with a run of zeros; returns the mask area. */
  static long rle(byte[] mask, int w, int h, StringBuilder counts) {
    boolean on = false;
    long run = 0;
    long area = 0;
    for (int x = 0; x < w; x++) {
      for (int y = 0; y < h; y++) {
        boolean v = mask[y * w + x] != 0;
        if (v != on) {
          counts.append(run).append(", ");
          run = 0;
          on = v;
        }
        run++;
        area += v ? 1 : 0;
      }
    }
    counts.append(run);
    return area;
  }
}
