package dev.fgbg.core.spec;

/** A spec field out of its range, named as the spec's proto names it. */
public final class SpecFieldException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String rule;

  SpecFieldException(String field, Object value, String rule) {
    super("spec field " + field + " = " + value + " " + rule);
    this.field = field;
    this.rule = field + " = " + value + " " + rule;
  }

  /** The field's proto name, e.g. {@code objects_max}. */
  public String field() {
    return field;
  }

  /** The broken rule without the words "spec field", e.g. "objects_max = 1 must be in …". */
  public String rule() {
    return rule;
  }
}
