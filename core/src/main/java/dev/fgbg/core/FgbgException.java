package dev.fgbg.core;

/**
 * A failure the caller can act on, with a message that names what was wrong.
 *
 * <p>The core packages throw this; only the grpc package turns its {@link Reason} into a status.
 */
public final class FgbgException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What kind of problem this is, independent of any transport. */
  public enum Reason {
    INVALID_ARGUMENT,
    NOT_FOUND,
    FAILED_PRECONDITION,
    PERMISSION_DENIED,
    RESOURCE_EXHAUSTED,
    /** Bad configuration or assets found at start-up. */
    INVALID_CONFIG
  }

  private final Reason reason;

  public FgbgException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public FgbgException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  public static FgbgException invalidArgument(String message) {
    return new FgbgException(Reason.INVALID_ARGUMENT, message);
  }

  public static FgbgException notFound(String message) {
    return new FgbgException(Reason.NOT_FOUND, message);
  }

  public static FgbgException failedPrecondition(String message) {
    return new FgbgException(Reason.FAILED_PRECONDITION, message);
  }

  public static FgbgException failedPrecondition(String message, Throwable cause) {
    return new FgbgException(Reason.FAILED_PRECONDITION, message, cause);
  }

  public static FgbgException invalidConfig(String message) {
    return new FgbgException(Reason.INVALID_CONFIG, message);
  }

  public static FgbgException invalidConfig(String message, Throwable cause) {
    return new FgbgException(Reason.INVALID_CONFIG, message, cause);
  }
}
