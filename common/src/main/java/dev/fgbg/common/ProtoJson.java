package dev.fgbg.common;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MessageOrBuilder;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The one JSON convention of every file fgbg writes from a message ({@code get}'s meta files,
 * export manifests, webdataset {@code key.json}): the .proto field names (snake_case), every
 * scalar field present (defaults too; message and {@code optional} fields when set), and every
 * integer a JSON number (proto3 JSON quotes 64-bit ones, which makes indices strings). Enums are
 * their names; NaN and infinities the strings proto3 JSON uses. protobuf's {@code JsonFormat}
 * parser reads it back. For fgbg's own messages: map fields are refused, and well-known types
 * (Duration, wrappers, …) are printed as plain messages, not in proto3 JSON's special forms.
 * For people ({@link #configLine}) enums are spelled as config files spell them instead.
 */
public final class ProtoJson {
  private ProtoJson() {}

  /** Indented, one field per line. */
  public static String print(MessageOrBuilder m) {
    StringBuilder b = new StringBuilder();
    message(m, b, "\n", false);
    return b.toString();
  }

  /** On one line. */
  public static String line(MessageOrBuilder m) {
    StringBuilder b = new StringBuilder();
    message(m, b, null, false);
    return b.toString();
  }

  /**
   * On one line, for people: enums as {@link #configSpelling} writes them ({@code "ground"},
   * not {@code "POSITION_GROUND"}), what describe and the web UI show. Not read back.
   */
  public static String configLine(MessageOrBuilder m) {
    StringBuilder b = new StringBuilder();
    message(m, b, null, true);
    return b.toString();
  }

  /**
   * An enum value as a config file spells it: its type's prefix off and lower case, so that
   * {@code Position.POSITION_GROUND} reads {@code ground}; a name without that prefix as it is.
   */
  public static String configSpelling(EnumValueDescriptor v) {
    String prefix = v.getType().getName().replaceAll("(?<=[a-z0-9])(?=[A-Z])", "_")
        .toUpperCase(Locale.ROOT) + "_";
    return v.getName().startsWith(prefix)
        ? v.getName().substring(prefix.length()).toLowerCase(Locale.ROOT) : v.getName();
  }

  private static void message(MessageOrBuilder m, StringBuilder b, String indent,
      boolean config) {
    b.append('{');
    boolean first = true;
    String inner = indent == null ? null : indent + "  ";
    for (FieldDescriptor f : m.getDescriptorForType().getFields()) {
      boolean present = f.isRepeated() || !f.hasPresence() || m.hasField(f);
      if (!present) {
        continue;
      }
      if (f.isMapField()) {
        throw new IllegalArgumentException("map field " + f.getFullName() + " is not supported");
      }
      b.append(first ? "" : ",").append(inner == null ? (first ? "" : " ") : inner);
      first = false;
      string(f.getName(), b);
      b.append(": ");
      if (f.isRepeated()) {
        List<?> values = (List<?>) m.getField(f);
        b.append('[');
        for (int i = 0; i < values.size(); i++) {
          b.append(i == 0 ? "" : ", ");
          value(f, values.get(i), b, inner, config);
        }
        b.append(']');
      } else {
        value(f, m.getField(f), b, inner, config);
      }
    }
    if (!first && indent != null) {
      b.append(indent);
    }
    b.append('}');
  }

  private static void value(FieldDescriptor f, Object v, StringBuilder b, String indent,
      boolean config) {
    EnumValueDescriptor e = v instanceof EnumValueDescriptor d ? d : null;
    switch (f.getJavaType()) {
      case MESSAGE -> message((MessageOrBuilder) v, b, indent, config);
      case ENUM -> string(config ? configSpelling(e) : e.getName(), b);
      case STRING -> string((String) v, b);
      case BYTE_STRING ->
          string(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()), b);
      case BOOLEAN -> b.append(v);
      case FLOAT -> real(((Float) v).doubleValue(), Float.toString((Float) v), b);
      case DOUBLE -> real((Double) v, Double.toString((Double) v), b);
      case LONG -> b.append(isUnsigned(f) ? Long.toUnsignedString((Long) v) : v.toString());
      case INT -> b.append(isUnsigned(f) ? Integer.toUnsignedString((Integer) v) : v.toString());
      default -> throw new IllegalArgumentException("field " + f.getFullName() + " has type "
          + f.getJavaType());
    }
  }

  private static boolean isUnsigned(FieldDescriptor f) {
    return switch (f.getType()) {
      case UINT32, UINT64, FIXED32, FIXED64 -> true;
      default -> false;
    };
  }

  private static void real(double v, String text, StringBuilder b) {
    if (Double.isNaN(v)) {
      b.append("\"NaN\"");
    } else if (Double.isInfinite(v)) {
      b.append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    } else {
      b.append(text);
    }
  }

  /** A JSON string literal. */
  public static void string(String s, StringBuilder b) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
