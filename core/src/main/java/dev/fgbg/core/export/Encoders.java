package dev.fgbg.core.export;

import dev.fgbg.common.Float16;
import dev.fgbg.core.synth.DepthEncoding;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Deterministic encoders: PNG (8-bit grey, 16-bit grey, 8-bit RGB) written directly with a
 * fast deflate and JPEG through the JDK's encoder at a fixed quality. Thread-safe.
 */
public final class Encoders {
  /** Depth PNGs hold metres × 1000 rounded half up, i.e. millimetres, saturating at 65535. */
  public static final String DEPTH_PNG = "uint16 millimetres: value = floor(depth_m * 1000 + "
      + "0.5) (halves round up, not to even), saturating at 65535 (65.535 m); 0 only where "
      + "depth is 0";

  private static final byte GREY = 0;
  private static final byte RGB = 2;
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final ThreadLocal<ImageWriter> JPEG = ThreadLocal.withInitial(
      () -> ImageIO.getImageWritersByFormatName("jpeg").next());
  private static final ThreadLocal<Deflater> DEFLATER = ThreadLocal.withInitial(
      () -> new Deflater(Deflater.BEST_SPEED));

  private Encoders() {}

  /** An 8-bit grey PNG of w×h bytes at {@code off}. */
  public static byte[] pngGray8(byte[] data, int off, int w, int h) {
    byte[] raw = new byte[(w + 1) * h];
    for (int y = 0; y < h; y++) {
      raw[y * (w + 1)] = 0; // filter: none (masks are long runs)
      System.arraycopy(data, off + y * w, raw, y * (w + 1) + 1, w);
    }
    return png(raw, w, h, 8, GREY);
  }

  /** An 8-bit RGB PNG of w×h×3 bytes at {@code off}. */
  public static byte[] pngRgb8(byte[] rgb, int off, int w, int h) {
    int stride = w * 3 + 1;
    byte[] raw = new byte[stride * h];
    for (int y = 0; y < h; y++) {
      raw[y * stride] = 0; // filter: none
      System.arraycopy(rgb, off + y * w * 3, raw, y * stride + 1, w * 3);
    }
    return png(raw, w, h, 8, RGB);
  }

  /** Millimetres for every float16 bit pattern: depth PNGs from float16 maps are a lookup. */
  private static final char[] HALF_TO_MM = new char[1 << 16];

  static {
    for (int h = 0; h < HALF_TO_MM.length; h++) {
      HALF_TO_MM[h] = (char) millimetres(Float16.toFloat((short) h));
    }
  }

  /** A 16-bit grey PNG of depth in millimetres, from w×h depth values at {@code off}. */
  public static byte[] pngDepth16(byte[] depth, int off, int w, int h, DepthEncoding enc) {
    int stride = w * 2 + 1;
    byte[] raw = new byte[stride * h];
    int bpv = enc.bytesPerValue();
    boolean half = enc == DepthEncoding.FLOAT16;
    for (int y = 0; y < h; y++) {
      int r = y * stride;
      raw[r] = 1; // filter: sub (depth is smooth along rows)
      int prevHi = 0;
      int prevLo = 0;
      for (int x = 0; x < w; x++) {
        int at = off + (y * w + x) * bpv;
        int mm = half ? HALF_TO_MM[(depth[at] & 0xff) | ((depth[at + 1] & 0xff) << 8)]
            : millimetres(enc.get(depth, at));
        int hi = mm >>> 8;
        int lo = mm & 0xff;
        raw[r + 1 + x * 2] = (byte) (hi - prevHi);
        raw[r + 2 + x * 2] = (byte) (lo - prevLo);
        prevHi = hi;
        prevLo = lo;
      }
    }
    return png(raw, w, h, 16, GREY);
  }

  /** round(metres × 1000) clamped to [0, 65535]. */
  public static int millimetres(float metres) {
    if (!(metres > 0)) {
      return 0;
    }
    long mm = Math.round(metres * 1000.0);
    return (int) Math.min(65535, mm);
  }

  private static byte[] png(byte[] raw, int w, int h, int bitDepth, byte colourType) {
    Deflater d = DEFLATER.get();
    d.reset();
    d.setInput(raw);
    d.finish();
    ByteArrayOutputStream z = new ByteArrayOutputStream(raw.length / 4 + 64);
    byte[] buf = new byte[64 * 1024];
    while (!d.finished()) {
      int n = d.deflate(buf);
      z.write(buf, 0, n);
    }
    byte[] idat = z.toByteArray();
    ByteBuffer out = ByteBuffer.allocate(PNG_MAGIC.length + 25 + 12 + idat.length + 12);
    out.put(PNG_MAGIC);
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) bitDepth)
        .put(colourType).put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    chunk(out, "IDAT", idat);
    chunk(out, "IEND", new byte[0]);
    return out.array();
  }

  private static void chunk(ByteBuffer out, String type, byte[] data) {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.putInt(data.length).put(t).put(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.putInt((int) crc.getValue());
  }

  /** A baseline JPEG of the RGB image (w×h×3 bytes at {@code off}). */
  public static byte[] jpeg(byte[] rgb, int off, int w, int h, int quality) {
    // The JDK's JPEG writer reads the backing array from index 0, ignoring a DataBuffer
    // offset: give it an array that starts at the sample.
    byte[] own = off == 0 && rgb.length == w * h * 3 ? rgb
        : Arrays.copyOfRange(rgb, off, off + w * h * 3);
    DataBufferByte buffer = new DataBufferByte(own, w * h * 3);
    WritableRaster raster = Raster.createInterleavedRaster(buffer, w, h, w * 3, 3,
        new int[] {0, 1, 2}, null);
    ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB),
        false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
    BufferedImage img = new BufferedImage(cm, raster, false, null);
    ImageWriter writer = JPEG.get();
    ByteArrayOutputStream out = new ByteArrayOutputStream(w * h / 2);
    try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(ios);
      ImageWriteParam p = writer.getDefaultWriteParam();
      p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      p.setCompressionQuality(quality / 100f);
      writer.write(null, new IIOImage(img, null, fullChroma(writer, img, p)), p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.reset();
    }
    return out.toByteArray();
  }

  /**
   * JPEG metadata asking for 4:4:4 sampling: chroma at full resolution, so that coloured edges
   * (a foreground's outline) survive; the encoder's default 4:2:0 blurs them.
   */
  private static IIOMetadata fullChroma(ImageWriter writer, BufferedImage img, ImageWriteParam p)
      throws IOException {
    IIOMetadata meta = writer.getDefaultImageMetadata(new ImageTypeSpecifier(img), p);
    String format = "javax_imageio_jpeg_image_1.0";
    Node root = meta.getAsTree(format);
    NodeList specs = ((Element) root).getElementsByTagName("componentSpec");
    for (int i = 0; i < specs.getLength(); i++) {
      Element c = (Element) specs.item(i);
      c.setAttribute("HsamplingFactor", "1");
      c.setAttribute("VsamplingFactor", "1");
    }
    meta.setFromTree(format, root);
    return meta;
  }
}
