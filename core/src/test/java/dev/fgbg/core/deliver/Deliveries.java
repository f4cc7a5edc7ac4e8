package dev.fgbg.core.deliver;

import java.util.ArrayList;
import java.util.List;

/** Test access to how a plan is cut. */
public final class Deliveries {
  private Deliveries() {}

  /** Every piece of {@code plan} when pieces may have {@code max} samples. */
  public static List<Piece> pieces(Plan plan, int max) {
    Plan.Cursor c = plan.cursor();
    List<Piece> out = new ArrayList<>();
    while (c.hasNext()) {
      out.add(c.next(max, max));
    }
    return out;
  }
}
