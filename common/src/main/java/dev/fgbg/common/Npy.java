package dev.fgbg.common;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * NumPy's .npy format (version 1.0, C order): the one writer of its header, for exports, the
 * web UI's downloads and the CLI's {@code get}, so that every .npy fgbg writes reads back alike.
 */
public final class Npy {
  private Npy() {}

  /** An .npy file: the header for {@code shape}, then {@code length} bytes at {@code off}. */
  public static byte[] file(String descr, byte[] data, int off, int length, long... shape) {
    byte[] header = header(descr, shape);
    byte[] out = new byte[header.length + length];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(data, off, out, header.length, length);
    return out;
  }

  /** A version 1.0 .npy header for a C-ordered array, padded to a multiple of 64 bytes. */
  public static byte[] header(String descr, long... shape) {
    StringBuilder dims = new StringBuilder();
    for (long s : shape) {
      dims.append(s).append(", ");
    }
    if (shape.length > 1) {
      dims.setLength(dims.length() - 2);
    } else {
      dims.setLength(dims.length() - 1);
    }
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
    int len = 10 + dict.length() + 1;
    int pad = (64 - len % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + header.length());
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    b.put((byte) (header.length() & 0xff)).put((byte) (header.length() >>> 8));
    b.put(header.getBytes(StandardCharsets.US_ASCII));
    return b.array();
  }
}
