package dev.fgbg.core.shm;

/** Prints the uid the ring checks take as the process's own, for {@link RingUidTest}. */
public final class RingUidProbe {
  private RingUidProbe() {}

  public static void main(String[] args) {
    System.out.println(RingChecks.UID);
  }
}
