package dev.fgbg.core.catalog;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.math.BigDecimal;
import java.util.Set;

/**
 * A config key's JSON value as its field's Java value, of the one JSON type the key takes.
 * protobuf's parser is looser: it takes "true" for true, "5" for 5, 7 for the text "7", and
 * (through Gson) a one-item list for its item, so {@code "bg": [1]} was the folder "1"; and
 * null for "not given", so a key written null was quietly the default.
 */
final class ConfigValues {
  /** Keys whose text may be one number ("size": "64"), so a whole JSON number is taken too. */
  private static final Set<String> NUMBER_TEXT = Set.of("size", "objects", "distractors");
  /** JSON shown in a message is cut here: a value may be a long list. */
  private static final int SHOWN = 40;

  private ConfigValues() {}

  /** A value of the wrong type: the message says what the key takes and what it was given. */
  static final class WrongTypeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    WrongTypeException(String message) {
      super(message);
    }
  }

  /** {@code v} as {@code f}'s value; WrongTypeException ("must be …, not …") otherwise. */
  static Object read(FieldDescriptor f, JsonElement v) {
    JsonPrimitive p = v.isJsonPrimitive() ? v.getAsJsonPrimitive() : null;
    boolean number = p != null && p.isNumber();
    switch (f.getJavaType()) {
      case STRING -> {
        if (p != null && p.isString()) {
          return p.getAsString();
        }
        if (number && NUMBER_TEXT.contains(f.getName())) {
          return String.valueOf(whole(f, p));
        }
      }
      case BOOLEAN -> {
        if (p != null && p.isBoolean()) {
          return p.getAsBoolean();
        }
      }
      case INT -> {
        if (number) {
          long n = whole(f, p);
          if (n != (int) n) {
            throw new WrongTypeException(p + " is out of range");
          }
          return (int) n;
        }
      }
      case LONG -> {
        if (number) {
          return whole(f, p);
        }
      }
      case DOUBLE -> {
        if (number) {
          return p.getAsBigDecimal().doubleValue();
        }
      }
      case FLOAT -> {
        if (number) {
          return p.getAsBigDecimal().floatValue();
        }
      }
      default -> throw new WrongTypeException("has a type a config file cannot set");
    }
    throw new WrongTypeException("must be " + expected(f) + ", not " + found(v)
        + (v.isJsonNull() ? " (leave a key out for its default)" : ""));
  }

  /** A whole JSON number as a long; WrongTypeException for a fraction or one out of range. */
  private static long whole(FieldDescriptor f, JsonPrimitive p) {
    BigDecimal n = p.getAsBigDecimal();
    if (n.signum() != 0 && n.stripTrailingZeros().scale() > 0) {
      throw new WrongTypeException("must be " + expected(f) + ", not " + p);
    }
    // Digits before the point, before any exact conversion: 1e999999999 is whole, and huge.
    if (n.precision() - n.scale() > 19) {
      throw new WrongTypeException(p + " is out of range");
    }
    try {
      return n.longValueExact();
    } catch (ArithmeticException e) {
      throw new WrongTypeException(p + " is out of range");
    }
  }

  /** What a key takes, in words. */
  private static String expected(FieldDescriptor f) {
    return switch (f.getName()) {
      case "bg", "fg", "fg_masks" -> "a folder path";
      case "depth_model", "depth_weights" -> "a path";
      case "size" -> "text (\"H\" or \"HxW\") or a whole number";
      case "objects", "distractors" -> "text (\"N\" or \"MIN:MAX\") or a whole number";
      case "fg_scale", "ground_band" -> "text (\"MIN:MAX\")";
      default -> switch (f.getJavaType()) {
        case BOOLEAN -> "true or false";
        case INT, LONG -> "a whole number";
        case FLOAT, DOUBLE -> "a number";
        default -> "text";
      };
    };
  }

  /** What a JSON value is, in words, with the value: {@code a list ([1])}. */
  static String found(JsonElement v) {
    if (v.isJsonNull()) {
      return "null";
    }
    if (v.isJsonArray()) {
      return "a list (" + shown(v) + ")";
    }
    if (v.isJsonObject()) {
      return "an object (" + shown(v) + ")";
    }
    JsonPrimitive p = v.getAsJsonPrimitive();
    if (p.isBoolean()) {
      return p.toString();
    }
    return (p.isNumber() ? "a number (" : "text (") + shown(v) + ")";
  }

  private static String shown(JsonElement v) {
    String json = v.toString();
    return json.length() <= SHOWN ? json : json.substring(0, SHOWN) + "…";
  }
}
