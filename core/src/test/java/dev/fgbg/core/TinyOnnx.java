package dev.fgbg.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes tiny ONNX models for tests, straight in the ONNX protobuf wire format (field numbers
 * from onnx.proto), so tests need no downloaded weights and no Python.
 */
public final class TinyOnnx {
  private TinyOnnx() {}

  /** depth = (R + 2G + 4B + 1) / 256 per pixel, from raw 0..255 input: a 1×1 Conv. */
  public static Path linearDepth(Path dir) {
    return write(dir, "linear", 3, conv("input", "depth", new float[] {1, 2, 4}, 1f),
        "depth", 4);
  }

  /** {@link #linearDepth} with its height and width fixed in the graph (input and output). */
  public static Path linearDepth(Path dir, int size) {
    byte[][] parts = conv("input", "depth", new float[] {1, 2, 4}, 1f);
    byte[][] inits = {parts[1], parts[2]};
    return write(dir, "linear", new byte[][] {parts[0]}, inits,
        valueInfo("input", "N", 3, size, size), valueInfo("depth", "N", 1, size, size));
  }

  /** {@link #linearDepth} with a float16 output (a Cast after the Conv): exact up to 2048. */
  public static Path linearDepthHalf(Path dir) {
    byte[][] parts = conv("input", "wide", new float[] {1, 2, 4}, 1f);
    byte[] cast = msg(out -> {
      out.writeString(1, "wide");
      out.writeString(2, "depth");
      out.writeString(4, "Cast");
      out.writeBytes(5, ByteString.copyFrom(msg(a -> {
        a.writeString(1, "to");
        a.writeInt64(3, 10); // FLOAT16
        a.writeInt32(20, 2); // INT
      })));
    });
    return write(dir, "linearhalf", new byte[][] {parts[0], cast},
        new byte[][] {parts[1], parts[2]}, valueInfo("input", "N", 3, "H", "W"),
        valueInfo(10, "depth", "N", 1, "H", "W"));
  }

  /**
   * {@link #linearDepth} with its batch dimension fixed in the graph at {@code batch} (as the
   * official MiDaS-small export is at 1): ONNX Runtime refuses any other number of rows.
   */
  public static Path linearDepthBatch(Path dir, int batch) {
    byte[][] parts = conv("input", "depth", new float[] {1, 2, 4}, 1f);
    return write(dir, "linearbatch", new byte[][] {parts[0]}, new byte[][] {parts[1], parts[2]},
        valueInfo("input", batch, 3, "H", "W"), valueInfo("depth", batch, 1, "H", "W"));
  }

  /**
   * A model that loads but fails at run time on every input, as ONNX Runtime reports a model
   * that cannot take some inputs: {@link #linearDepth} plus a Gather whose index (from the
   * input's mean, plus 1000) is always beyond its 4 values.
   */
  public static Path failsAtRun(Path dir) {
    byte[][] c = conv("input", "lin", new float[] {1, 2, 4}, 1f);
    byte[] mean = node(new String[] {"input"}, "mean", "ReduceMean",
        intAttr("keepdims", 0));
    byte[] cast = node(new String[] {"mean"}, "idx", "Cast", intAttr("to", 7)); // INT64
    byte[] add = node(new String[] {"idx", "far"}, "beyond", "Add");
    byte[] gather = node(new String[] {"data", "beyond"}, "g", "Gather");
    byte[] sum = node(new String[] {"lin", "g"}, "depth", "Add");
    byte[] far = msg(out -> {
      out.writeInt32(2, 7); // INT64, a scalar
      out.writeInt64(7, 1000);
      out.writeString(8, "far");
    });
    byte[] data = tensor("data", new long[] {4}, new float[] {0, 0, 0, 0});
    return write(dir, "failsatrun", new byte[][] {c[0], mean, cast, add, gather, sum},
        new byte[][] {c[1], c[2], far, data}, valueInfo("input", "N", 3, "H", "W"),
        valueInfo("depth", "N", 1, "H", "W"));
  }

  private static byte[] node(String[] inputs, String output, String op, byte[]... attrs) {
    return msg(out -> {
      for (String in : inputs) {
        out.writeString(1, in);
      }
      out.writeString(2, output);
      out.writeString(4, op);
      for (byte[] a : attrs) {
        out.writeBytes(5, ByteString.copyFrom(a));
      }
    });
  }

  private static byte[] intAttr(String name, long value) {
    return msg(a -> {
      a.writeString(1, name);
      a.writeInt64(3, value);
      a.writeInt32(20, 2); // INT
    });
  }

  /** A model with a NaN bias: every depth value is NaN (broken weights). */
  public static Path nanDepth(Path dir) {
    return write(dir, "nan", 3, conv("input", "depth", new float[] {1, 2, 4}, Float.NaN),
        "depth", 4);
  }

  /**
   * depth = sqrt(R - 127): finite where red is at least 127 (a mid-grey warm-up passes), NaN
   * where it is darker, so that real images make NaN batches after a good warm-up.
   */
  public static Path nanWhenDark(Path dir) {
    byte[][] c = conv("input", "shifted", new float[] {1, 0, 0}, -127f);
    byte[] sqrt = msg(out -> {
      out.writeString(1, "shifted");
      out.writeString(2, "depth");
      out.writeString(4, "Sqrt");
    });
    return write(dir, "nanwhendark", 3, new byte[][] {c[0], sqrt}, new byte[][] {c[1], c[2]},
        "depth", 4);
  }

  /** A model whose input has one channel: refused by a 3-channel config. */
  public static Path oneChannel(Path dir) {
    return write(dir, "onechannel", 1, conv("input", "depth", new float[] {1}, 0f), "depth", 4);
  }

  /** A model whose output is one number per image: refused as a depth model. */
  public static Path scalarOutput(Path dir) {
    byte[] node = msg(out -> {
      out.writeString(1, "input");
      out.writeString(2, "depth");
      out.writeString(4, "ReduceMean");
      out.writeBytes(5, ByteString.copyFrom(msg(a -> {
        a.writeString(1, "axes");
        for (long v : new long[] {1, 2, 3}) {
          a.writeInt64(8, v);
        }
        a.writeInt32(20, 7); // INTS
      })));
      out.writeBytes(5, ByteString.copyFrom(msg(a -> {
        a.writeString(1, "keepdims");
        a.writeInt64(3, 0);
        a.writeInt32(20, 2); // INT
      })));
    });
    return write(dir, "scalar", 3, new byte[][] {node}, "depth", 1);
  }

  /** A config.json for a model written by this class: batches of up to 8, formed within 20 ms. */
  public static Path config(Path dir, String extraJson) {
    return config(dir, 20, extraJson);
  }

  /**
   * As {@link #config(Path, String)}, a batch that is not full waiting up to {@code
   * maxQueueDelayMs} for company: a long delay makes every batch of a warm-up (8 images) one
   * run, however the thread that queues them is scheduled.
   */
  public static Path config(Path dir, int maxQueueDelayMs, String extraJson) {
    try {
      Path c = dir.resolve("config.json");
      Files.writeString(c, "{\"name\": \"tiny\", \"inputHeight\": 32, \"inputWidth\": 32, "
          + "\"inputScale\": 1.0, \"outputKind\": \"DEPTH_OUTPUT_KIND_METRIC\", "
          + "\"outputScale\": 0.00390625, \"maxBatch\": 8, \"maxQueueDelayMs\": "
          + maxQueueDelayMs + (extraJson.isEmpty() ? "" : ", " + extraJson) + "}");
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The closed form of {@link #linearDepth}, exact in float32. */
  public static float linear(int r, int g, int b) {
    return (r + 2 * g + 4 * b + 1) / 256f;
  }

  // ------------------------------------------------------------------ wire format

  private interface Body {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] msg(Body body) {
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(b);
      body.write(out);
      out.flush();
      return b.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[][] conv(String in, String outName, float[] weights, float bias) {
    byte[] node = msg(out -> {
      out.writeString(1, in);
      out.writeString(1, "W");
      out.writeString(1, "B");
      out.writeString(2, outName);
      out.writeString(4, "Conv");
      out.writeBytes(5, ByteString.copyFrom(msg(a -> {
        a.writeString(1, "kernel_shape");
        a.writeInt64(8, 1);
        a.writeInt64(8, 1);
        a.writeInt32(20, 7);
      })));
    });
    byte[] w = tensor("W", new long[] {1, weights.length, 1, 1}, weights);
    byte[] b = tensor("B", new long[] {1}, new float[] {bias});
    return new byte[][] {node, w, b};
  }

  private static byte[] tensor(String name, long[] dims, float[] values) {
    return msg(out -> {
      for (long d : dims) {
        out.writeInt64(1, d);
      }
      out.writeInt32(2, 1); // FLOAT
      for (float v : values) {
        out.writeFloat(4, v);
      }
      out.writeString(8, name);
    });
  }

  private static byte[] valueInfo(String name, Object... dims) {
    return valueInfo(1, name, dims); // FLOAT
  }

  private static byte[] valueInfo(int elemType, String name, Object... dims) {
    return msg(out -> {
      out.writeString(1, name);
      out.writeBytes(2, ByteString.copyFrom(msg(type -> type.writeBytes(1, ByteString.copyFrom(
          msg(t -> {
            t.writeInt32(1, elemType);
            t.writeBytes(2, ByteString.copyFrom(msg(shape -> {
              for (Object d : dims) {
                shape.writeBytes(1, ByteString.copyFrom(msg(dim -> {
                  if (d instanceof Integer i) {
                    dim.writeInt64(1, i);
                  } else {
                    dim.writeString(2, (String) d);
                  }
                })));
              }
            })));
          }))))));
    });
  }

  private static Path write(Path dir, String name, int channels, byte[][] parts, String out,
      int outRank) {
    byte[][] inits = new byte[parts.length - 1][];
    System.arraycopy(parts, 1, inits, 0, inits.length);
    return write(dir, name, channels, new byte[][] {parts[0]}, inits, out, outRank);
  }

  private static Path write(Path dir, String name, int channels, byte[][] nodes, byte[][] inits,
      String out, int outRank) {
    return write(dir, name, nodes, inits, valueInfo("input", "N", channels, "H", "W"),
        outRank == 4 ? valueInfo(out, "N", 1, "H", "W") : valueInfo(out, "N"));
  }

  private static Path write(Path dir, String name, byte[][] nodes, byte[][] inits, byte[] input,
      byte[] output) {
    byte[] graph = msg(g -> {
      for (byte[] node : nodes) {
        g.writeBytes(1, ByteString.copyFrom(node));
      }
      g.writeString(2, name);
      for (byte[] init : inits) {
        g.writeBytes(5, ByteString.copyFrom(init)); // initializer
      }
      g.writeBytes(11, ByteString.copyFrom(input));
      g.writeBytes(12, ByteString.copyFrom(output));
    });
    byte[] model = msg(m -> {
      m.writeInt64(1, 7); // ir_version
      m.writeString(2, "fgbg-tests");
      m.writeBytes(7, ByteString.copyFrom(graph));
      m.writeBytes(8, ByteString.copyFrom(msg(op -> {
        op.writeString(1, "");
        op.writeInt64(2, 13);
      })));
    });
    try {
      Files.createDirectories(dir);
      Path p = dir.resolve("model.onnx");
      Files.write(p, model);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
