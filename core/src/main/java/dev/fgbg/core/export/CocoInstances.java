package dev.fgbg.core.export;

import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.SampleInfo;
import dev.fgbg.core.synth.Compositor;
import dev.fgbg.core.synth.DepthEncoding;
import java.io.BufferedWriter;
import java.io.IOException;
import java.util.List;

/**
 * annotations/instances.json: one image and one instance per sample (category = foreground
 * label, bbox, uncompressed RLE mask in COCO's column-major order). Masks are re-rendered here;
 * rendering is a pure function, so they are the exported ones. In a scene the instance is the
 * sample's own cut-out, its visible part (one annotation per instance comes with instance
 * outputs).
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
      for (long p = 0; p < job.size(); p++) {
        long i = job.selection().indexAt(p);
        SampleInfo s = d.render(job.seed(), i, DepthEncoding.FLOAT16,
            ids == null ? target : target.withInstances(ids, 0));
        for (int px = 0; ids != null && px < ids.length; px++) {
          mask[px] = (byte) (ids[px] == 1 ? 255 : 0);
        }
        counts.setLength(0);
        long area = rle(mask, w, h, counts);
        out.write((p == 0 ? "\n" : ",\n") + "{\"id\": " + i + ", \"image_id\": " + i
            + ", \"category_id\": " + (s.fgLabel() + 1) + ", \"iscrowd\": 0, \"area\": " + area
            + ", \"bbox\": [" + s.bboxX0() + ", " + s.bboxY0() + ", " + (s.bboxX1() - s.bboxX0())
            + ", " + (s.bboxY1() - s.bboxY0()) + "], \"segmentation\": {\"size\": [" + h + ", "
            + w + "], \"counts\": [" + counts + "]}}");
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
