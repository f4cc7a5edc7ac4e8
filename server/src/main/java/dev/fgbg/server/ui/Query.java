package dev.fgbg.server.ui;

import dev.fgbg.core.Quoted;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The query parameters of one request, read by name with their rules. Every refusal is a 400
 * naming the parameter, the rule and (quoted, cut) what was given; a parameter given twice or
 * not taken by the page is refused too, so a typo never silently shows the wrong samples.
 */
final class Query {
  /** A range in a list: two integers joined by -, – (an en dash) or .. (spaces allowed). */
  private static final Pattern RANGE = Pattern.compile("(\\d+)\\s*(?:-|–|\\.\\.)\\s*(\\d+)");

  /** Parameters that sites and mail add to a link they pass on. */
  private static final Pattern TRACKING = Pattern.compile("utm_[a-z_]+|fbclid|gclid");

  private final Map<String, String> values;

  private Query(Map<String, String> values) {
    this.values = values;
  }

  static Query parse(String raw) {
    Map<String, String> values = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return new Query(values);
    }
    for (String pair : raw.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq), "a parameter name");
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1), "parameter " + Quoted.of(name));
      if (values.put(name, value) != null) {
        throw HttpFailure.badRequest("parameter " + Quoted.of(name) + " is given twice");
      }
    }
    return new Query(values);
  }

  private static String decode(String s, String what) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw HttpFailure.badRequest(what + " is not URL-encoded properly: " + Quoted.of(s));
    }
  }

  /**
   * Refuses any parameter not in {@code names}, listing those that are taken. A link's tracking
   * parameters (utm_*, fbclid, gclid) are let through unread: a shared link keeps working, and
   * none of them looks like a typo of an fgbg parameter.
   */
  Query allow(Set<String> names) {
    for (String n : values.keySet()) {
      if (!names.contains(n) && !TRACKING.matcher(n).matches()) {
        throw HttpFailure.badRequest("unknown parameter " + Quoted.of(n) + "; this page takes "
            + (names.isEmpty() ? "none" : String.join(", ", new TreeSet<>(names))));
      }
    }
    return this;
  }

  boolean has(String name) {
    String v = values.get(name);
    return v != null && !v.isEmpty();
  }

  /** The value, or {@code fallback} when absent or empty. */
  String string(String name, String fallback) {
    return has(name) ? values.get(name) : fallback;
  }

  /** A value that must be given. */
  String required(String name) {
    if (!has(name)) {
      throw HttpFailure.badRequest("parameter '" + name + "' is required");
    }
    return values.get(name);
  }

  long number(String name, long fallback, long min, long max) {
    return has(name) ? parse(name, values.get(name), min, max) : fallback;
  }

  int integer(String name, int fallback, int min, int max) {
    return (int) number(name, fallback, min, max);
  }

  static long parse(String name, String text, long min, long max) {
    long v;
    try {
      v = Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw HttpFailure.badRequest("parameter '" + name + "' must be an integer in [" + min
          + ", " + max + "], got " + Quoted.of(text));
    }
    if (v < min || v > max) {
      throw HttpFailure.badRequest("parameter '" + name + "' must be in [" + min + ", " + max
          + "], got " + v);
    }
    return v;
  }

  /**
   * An unsigned 64-bit value (the gRPC API's uint64), as a long's bits: [0, 2^64 - 1], refused
   * outside it in the Python client's words, {@code fallback} when absent or empty.
   */
  long unsigned(String name, long fallback) {
    if (!has(name)) {
      return fallback;
    }
    String text = values.get(name).strip();
    String range = "[0, " + Long.toUnsignedString(-1L) + "] (a uint64 request field)";
    if (!text.matches("[-+]?[0-9]{1,400}")) {
      throw HttpFailure.badRequest("parameter '" + name + "' must be an integer in " + range
          + ", got " + Quoted.of(values.get(name)));
    }
    BigInteger v = new BigInteger(text);
    if (v.signum() < 0 || v.bitLength() > Long.SIZE) {
      throw HttpFailure.badRequest("parameter '" + name + "' is " + v + ", out of range: it must"
          + " be in " + range);
    }
    return v.longValue();
  }

  boolean bool(String name, boolean fallback) {
    if (!has(name)) {
      return fallback;
    }
    return switch (values.get(name)) {
      case "1", "true", "yes", "on" -> true;
      case "0", "false", "no", "off" -> false;
      default -> throw HttpFailure.badRequest("parameter '" + name + "' must be true or false,"
          + " got " + Quoted.of(values.get(name)));
    };
  }

  /** One of {@code choices} (the first is the default). */
  String choice(String name, String... choices) {
    String v = string(name, choices[0]);
    if (!Arrays.asList(choices).contains(v)) {
      throw HttpFailure.badRequest("parameter '" + name + "' must be one of "
          + String.join(", ", choices) + "; got " + Quoted.of(v));
    }
    return v;
  }

  /** Comma-separated words (empty when absent), in the order given, without repeats. */
  List<String> words(String name) {
    List<String> out = new ArrayList<>();
    if (has(name)) {
      for (String w : values.get(name).split(",", -1)) {
        String t = w.strip();
        if (t.isEmpty()) {
          throw HttpFailure.badRequest("parameter '" + name + "' has an empty item: "
              + Quoted.of(values.get(name)));
        }
        if (!out.contains(t)) {
          out.add(t);
        }
      }
    }
    return out;
  }

  /**
   * One item of {@link #integers} that is no range: an integer in [min, max]; one that is no
   * integer is refused saying that a range would do too (2-x is neither).
   */
  private static long item(String name, String w, long min, long max) {
    try {
      Long.parseLong(w.strip());
    } catch (NumberFormatException e) {
      throw HttpFailure.badRequest("parameter '" + name + "' must be integers in [" + min + ", "
          + max + "] or ranges of them (" + min + "-" + max + "), got " + Quoted.of(w));
    }
    return parse(name, w, min, max);
  }

  /**
   * Comma-separated integers in [min, max] and ranges of them, both ends in ({@code 2-5}, or as
   * the form's hints write them {@code 2–5}, or {@code 2..5}), sorted without repeats (empty
   * when absent).
   */
  int[] integers(String name, int min, int max) {
    return words(name).stream().flatMapToInt(w -> {
      Matcher range = RANGE.matcher(w);
      if (!range.matches()) {
        return IntStream.of((int) item(name, w, min, max));
      }
      int from = (int) parse(name, range.group(1), min, max);
      int to = (int) parse(name, range.group(2), min, max);
      if (to < from) {
        throw HttpFailure.badRequest("parameter '" + name + "' has a range that runs backwards: "
            + Quoted.of(w) + "; write it from " + to + " to " + from);
      }
      return IntStream.rangeClosed(from, to);
    }).sorted().distinct().toArray();
  }
}
