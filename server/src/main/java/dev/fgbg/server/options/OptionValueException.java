package dev.fgbg.server.options;

/**
 * A server option's value out of its range, naming the option as the options' builders do
 * ({@code maxStreams}); the command line names it as its flag instead.
 */
public final class OptionValueException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final transient Object value;
  private final String rule;
  private final String other;

  OptionValueException(String field, Object value, String rule, String other) {
    super(field + " = " + value + " " + rule);
    this.field = field;
    this.value = value;
    this.rule = rule;
    this.other = other;
  }

  /** The option's name in its builder, e.g. {@code maxStreams}. */
  public String field() {
    return field;
  }

  public Object value() {
    return value;
  }

  /** What the value must be, e.g. "must be at least 1". */
  public String rule() {
    return rule;
  }

  /**
   * The other option the rule names by its builder name ("is the same as port"), which the
   * command line names as its flag instead; null when it names none.
   */
  public String other() {
    return other;
  }

  public static void check(boolean ok, String field, Object value, String rule) {
    check(ok, field, value, rule, null);
  }

  /** As above, for a rule that names option {@code other} (its first word of that name). */
  public static void check(boolean ok, String field, Object value, String rule, String other) {
    if (!ok) {
      throw new OptionValueException(field, value, rule, other);
    }
  }
}
