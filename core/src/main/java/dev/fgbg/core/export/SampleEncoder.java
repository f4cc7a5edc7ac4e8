package dev.fgbg.core.export;

import dev.fgbg.core.dataset.SampleInfo;
import dev.fgbg.core.render.RenderedBatch;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** Encodes one sample of a rendered chunk into the bytes of its files. */
final class SampleEncoder {
  private final int width;
  private final int height;
  private final int quality;
  private final List<String> bgLabels;
  private final List<String> fgLabels;

  SampleEncoder(ExportJob job) {
    this.width = job.dataset().spec().width();
    this.height = job.dataset().spec().height();
    this.quality = job.jpegQuality();
    this.bgLabels = job.dataset().assets().backgroundLabels();
    this.fgLabels = job.dataset().assets().foregroundLabels();
  }

  byte[] jpeg(RenderedBatch c, int s) {
    return Encoders.jpeg(c.images(), s * width * height * 3, width, height, quality);
  }

  byte[] maskPng(RenderedBatch c, int s) {
    return Encoders.pngGray8(c.masks(), s * width * height, width, height);
  }

  byte[] depthPng(RenderedBatch c, int s) {
    int bpv = c.encoding().bytesPerValue();
    return Encoders.pngDepth16(c.depth(), s * width * height * bpv, width, height, c.encoding());
  }

  /** An .npy of one float16 depth map (exact). */
  byte[] depthNpy(RenderedBatch c, int s) {
    int n = width * height * c.encoding().bytesPerValue();
    byte[] header = Encoders.npyHeader("<f2", height, width);
    byte[] out = new byte[header.length + n];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(c.depth(), s * n, out, header.length, n);
    return out;
  }

  byte[] json(RenderedBatch c, int s) {
    SampleInfo m = c.infos()[s];
    String j = String.format(Locale.ROOT, "{\"index\": %d, \"bg\": %d, \"fg\": %d, \"flip\": %d, "
            + "\"k\": %d, \"x\": %d, \"y\": %d, \"fg_width\": %d, \"fg_height\": %d, "
            + "\"scale\": %s, \"bbox\": [%d, %d, %d, %d], \"bg_label\": \"%s\", "
            + "\"fg_label\": \"%s\", \"fg_depth\": %s}",
        m.index(), m.bg(), m.fg(), m.flip() ? 1 : 0, m.k(), m.x(), m.y(), m.fgWidth(),
        m.fgHeight(), Double.toString(m.scale()), m.bboxX0(), m.bboxY0(), m.bboxX1(), m.bboxY1(),
        escape(bgLabels.get(m.bgLabel())), escape(fgLabels.get(m.fgLabel())),
        Float.toString(m.fgDepth()));
    return j.getBytes(StandardCharsets.UTF_8);
  }

  static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
