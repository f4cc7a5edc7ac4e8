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
 * annotations/instances.json: one image per sample (id = its index) and its objects, each an
 * annotation whose RLE (COCO's column-major order), bbox and area describe the same pixels: the
 * object's binary mask at the spec's mask threshold (a soft mask's alpha is cut there too, as the
 * served box is), area the RLE's pixel count. Masks are re-rendered here; rendering is a pure
 * function, so they are the exported ones. A classic sample's object is its cut-out, a scene's
 * are its labelled instances (their visible parts, by the core's instance-id mask). An object
 * with no pixel in its mask (a wholly hidden instance, a cut-out too thin or faint to reach the
 * threshold) has no annotation: a degenerate box is not one; its image stays listed.
 */
final class CocoInstances {
  /**
   * Annotation id = sample index × {@value} + object number (1-based; 1 for a classic sample):
   * unique over any selection and sharding, never 0 (COCOeval's "unmatched"), and the sample
   * and object recoverable from it. Scenes hold at most 32 objects, so 256 leaves room.
   */
  static final long IDS_PER_SAMPLE = 256;
  /** Every category's supercategory: labels name objects, and carry no grouping of their own. */
  static final String SUPERCATEGORY = "object";
  /** The folder of {@link #FILE}. */
  static final String FOLDER = "annotations";
  static final String FILE = "instances.json";

  private CocoInstances() {}

  static String write(ExportStore dest, ExportJob job) throws IOException {
    Dataset d = job.dataset();
    int w = d.spec().width();
    int h = d.spec().height();
    String file = FOLDER + "/" + FILE;
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
      annotations(out, job, w, h);
      out.write("],\n\"categories\": [");
      for (int k = 0; k < labels.size(); k++) {
        out.write((k == 0 ? "\n" : ",\n") + "{\"id\": " + (k + 1) + ", \"name\": \""
            + SampleEncoder.escape(labels.get(k)) + "\", \"supercategory\": \"" + SUPERCATEGORY
            + "\"}");
      }
      out.write("]}\n");
    } catch (IOException e) {
      dest.deleteTree(tmp);
      throw e;
    }
    dest.commit(tmp, file);
    return file;
  }

  private static void annotations(BufferedWriter out, ExportJob job, int w, int h)
      throws IOException {
    Dataset d = job.dataset();
    int threshold = d.spec().maskThreshold();
    byte[] mask = new byte[w * h];
    byte[] ids = d.spec().isScene() ? new byte[w * h] : null;
    Compositor.Target target = new Compositor.Target(null, 0, mask, 0, null, 0);
    Annotation a = new Annotation(w, h);
    boolean first = true;
    for (long p = 0; p < job.size(); p++) {
      long i = job.selection().indexAt(p);
      SampleInfo s = d.render(job.seed(), i, DepthEncoding.FLOAT16,
          ids == null ? target : target.withInstances(ids, 0));
      if (ids == null) {
        // A soft mask holds the alpha: cut it at the threshold the served box uses.
        for (int px = 0; px < mask.length; px++) {
          mask[px] = (byte) ((mask[px] & 0xff) >= threshold ? 255 : 0);
        }
        first = a.write(out, first, i * IDS_PER_SAMPLE + 1, i, s.fgLabel(), mask);
        continue;
      }
      List<InstanceInfo> instances = s.instances();
      for (int k = 0; k < instances.size(); k++) {
        byte id = (byte) (k + 1);
        for (int px = 0; px < ids.length; px++) {
          mask[px] = (byte) (ids[px] == id ? 255 : 0);
        }
        first = a.write(out, first, i * IDS_PER_SAMPLE + k + 1, i, instances.get(k).label(),
            mask);
      }
    }
  }

  /** One object's RLE, box and area, all read from one binary mask (reused across objects). */
  private static final class Annotation {
    private final int w;
    private final int h;
    private final StringBuilder counts = new StringBuilder();
    private final int[] box = new int[4];

    Annotation(int w, int h) {
      this.w = w;
      this.h = h;
    }

    /**
     * Writes the annotation of {@code mask} (non-zero = the object) unless it is empty; returns
     * whether none is written yet.
     */
    boolean write(BufferedWriter out, boolean first, long id, long image, int label, byte[] mask)
        throws IOException {
      counts.setLength(0);
      long area = rle(mask, w, h, counts, box);
      if (area == 0) {
        return first;
      }
      out.write((first ? "\n" : ",\n") + "{\"id\": " + id + ", \"image_id\": " + image
          + ", \"category_id\": " + (label + 1) + ", \"iscrowd\": 0, \"area\": " + area
          + ", \"bbox\": [" + box[0] + ", " + box[1] + ", " + (box[2] - box[0]) + ", "
          + (box[3] - box[1]) + "], \"segmentation\": {\"size\": [" + h + ", " + w
          + "], \"counts\": [" + counts + "]}}");
      return false;
    }
  }

  /**
   * Uncompressed RLE, column-major, starting with a run of zeros; {@code box} receives the tight
   * box of the set pixels (x0, y0, x1, y1 exclusive; all 0 when none is); returns the area.
   */
  static long rle(byte[] mask, int w, int h, StringBuilder counts, int[] box) {
    boolean on = false;
    long run = 0;
    long area = 0;
    int x0 = w;
    int y0 = h;
    int x1 = 0;
    int y1 = 0;
    for (int x = 0; x < w; x++) {
      for (int y = 0; y < h; y++) {
        boolean v = mask[y * w + x] != 0;
        if (v != on) {
          counts.append(run).append(", ");
          run = 0;
          on = v;
        }
        run++;
        if (v) {
          area++;
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = x + 1;
          y1 = Math.max(y1, y + 1);
        }
      }
    }
    counts.append(run);
    if (area == 0) {
      x0 = 0;
      y0 = 0;
    }
    box[0] = x0;
    box[1] = y0;
    box[2] = x1;
    box[3] = y1;
    return area;
  }
}
