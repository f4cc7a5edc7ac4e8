package dev.fgbg.core.export;

import dev.fgbg.common.Npy;
import dev.fgbg.common.ProtoJson;
import dev.fgbg.core.dataset.SampleProtos;
import dev.fgbg.core.render.RenderedBatch;
import java.nio.charset.StandardCharsets;

/** Encodes one sample of a rendered chunk into the bytes of its files. */
final class SampleEncoder {
  private final int width;
  private final int height;
  private final int quality;

  SampleEncoder(ExportJob job) {
    this.width = job.dataset().spec().width();
    this.height = job.dataset().spec().height();
    this.quality = job.jpegQuality();
  }

  byte[] jpeg(RenderedBatch c, int s) {
    return Encoders.jpeg(c.images(), s * width * height * 3, width, height, quality);
  }

  byte[] maskPng(RenderedBatch c, int s) {
    return Encoders.pngGray8(c.masks(), s * width * height, width, height);
  }

  /** Instance ids as an 8-bit grey PNG: 0 background, i for instance i. */
  byte[] instancesPng(RenderedBatch c, int s) {
    return Encoders.pngGray8(c.instances(), s * width * height, width, height);
  }

  byte[] depthPng(RenderedBatch c, int s) {
    int bpv = c.encoding().bytesPerValue();
    return Encoders.pngDepth16(c.depth(), s * width * height * bpv, width, height, c.encoding());
  }

  /** An .npy of one float16 depth map (exact). */
  byte[] depthNpy(RenderedBatch c, int s) {
    int n = width * height * c.encoding().bytesPerValue();
    return Npy.file("<f2", c.depth(), s * n, n, height, width);
  }

  /** key.json: the sample's SampleMeta in the one JSON convention ({@link ProtoJson}). */
  byte[] json(RenderedBatch c, int s) {
    return ProtoJson.line(SampleProtos.meta(c.infos()[s])).getBytes(StandardCharsets.UTF_8);
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder();
    ProtoJson.string(s, b);
    return b.substring(1, b.length() - 1);
  }
}
