package dev.fgbg.common;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;

/**
 * Durations as people type them on a command line: 500ms, 1.5s, 30s, 5m, 2h, or ISO-8601 (PT30S).
 */
public final class Durations {
  private Durations() {}

  /**
   * @throws IllegalArgumentException naming the value and the accepted forms, or, for a positive
   *     duration under a millisecond (the finest any flag counts, and too short for any reply),
   *     saying so: it would act as 0
   */
  public static Duration parse(String value) {
    Duration d = read(value);
    if (d.compareTo(Duration.ZERO) > 0 && d.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException("'" + value + "' is under a millisecond, the finest "
          + "a duration counts; use e.g. 1ms or more");
    }
    return d;
  }

  private static Duration read(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.equals("0")) {
        return Duration.ZERO; // "off" for the flags whose default is 0: no unit needed
      }
      if (v.startsWith("p")) {
        return Duration.parse(v.toUpperCase(Locale.ROOT));
      }
      if (v.endsWith("ms")) {
        return nanos(v.substring(0, v.length() - 2), 1_000_000L);
      }
      String n = v.substring(0, v.length() - 1);
      return switch (v.charAt(v.length() - 1)) {
        case 's' -> nanos(n, 1_000_000_000L);
        case 'm' -> nanos(n, 60_000_000_000L);
        case 'h' -> nanos(n, 3_600_000_000_000L);
        case 'd' -> nanos(n, 86_400_000_000_000L);
        default -> throw new NumberFormatException();
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("'" + value
          + "' is not a duration; use e.g. 500ms, 1.5s, 30s, 5m or 2h");
    }
  }

  /** {@code number} (whole or decimal, as 1.5) of a unit of {@code unitNanos}, to the ns. */
  private static Duration nanos(String number, long unitNanos) {
    if (!number.matches("-?(\\d+(\\.\\d+)?|\\.\\d+)")) {
      throw new NumberFormatException(number); // no exponent or trailing dot
    }
    BigDecimal n = new BigDecimal(number).multiply(BigDecimal.valueOf(unitNanos));
    return Duration.ofNanos(n.setScale(0, RoundingMode.HALF_EVEN).longValueExact());
  }

  /**
   * {@code d} as {@link #parse} reads it back, in its largest whole unit: 2h, 5m, 30s, 500ms;
   * a part of a millisecond as a decimal (1.5ms), never rounded away.
   */
  public static String words(Duration d) {
    if (d.toNanos() % 1_000_000 != 0) {
      return BigDecimal.valueOf(d.toNanos(), 6).stripTrailingZeros().toPlainString() + "ms";
    }
    long ms = d.toMillis();
    if (ms != 0 && ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms != 0 && ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }
}
