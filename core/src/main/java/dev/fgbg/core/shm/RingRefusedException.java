package dev.fgbg.core.shm;

/**
 * Why an offered ring is not used (missing file, another host's file, a wrong nonce, bad sizes,
 * no budget, shared memory switched off). Not an error of the call: the server answers on the
 * network path instead and says why in the first message.
 */
public final class RingRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  public RingRefusedException(String message) {
    super(message);
  }

  public RingRefusedException(String message, Throwable cause) {
    super(message, cause);
  }
}
