package dev.fgbg.client.cli;

import dev.fgbg.common.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Parses 500ms, 30s, 5m, 2h (or an ISO-8601 duration such as PT30S). */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
