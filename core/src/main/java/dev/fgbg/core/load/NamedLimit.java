package dev.fgbg.core.load;

import java.util.Objects;

/**
 * A limit and the name its operator knows it by (a flag such as {@code --max-streams}), so that
 * a refusal can say which limit it hit and its value.
 */
public record NamedLimit(String name, int value) {
  public NamedLimit {
    Objects.requireNonNull(name, "name");
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative, got " + value);
    }
  }

  @Override
  public String toString() {
    return name + " = " + value;
  }
}
