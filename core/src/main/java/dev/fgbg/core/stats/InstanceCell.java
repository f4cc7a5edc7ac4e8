package dev.fgbg.core.stats;

import dev.fgbg.common.InstanceColors;
import dev.fgbg.core.dataset.InstanceInfo;
import dev.fgbg.core.dataset.SampleInfo;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A gallery cell of a sample's instance-id mask: each instance in its {@link InstanceColors}
 * colour, and each visible one captioned with its label name at the top left of its visible box
 * (a classic sample's one instance with its cut-out's label).
 */
final class InstanceCell {
  private InstanceCell() {}

  static void draw(BufferedImage out, int x, int y, byte[] ids, int off, int w, int h, int s,
      SampleInfo info, List<String> labels) {
    Gallery.cell(out, x, y, InstanceColors.colorize(ids, off, w * h), w, h, s);
    List<InstanceInfo> instances = info.instances();
    int n = instances.isEmpty() ? 1 : instances.size();
    for (int k = 0; k < n; k++) {
      boolean classic = instances.isEmpty();
      int x0 = classic ? info.bboxX0() : instances.get(k).bboxX0();
      int y0 = classic ? info.bboxY0() : instances.get(k).bboxY0();
      int x1 = classic ? info.bboxX1() : instances.get(k).bboxX1();
      if (x1 <= x0) {
        continue; // nothing of it shows
      }
      int label = classic ? info.fgLabel() : instances.get(k).label();
      String name = PixelFont.label(labels.get(label), label);
      String text = PixelFont.fit(name, w * s - 2);
      // Over the box's left corner, moved left as far as the name needs to stay in the cell.
      int tx = Math.min(x + x0 * s + 1, x + w * s - 1 - PixelFont.width(text));
      int ty = y + y0 * s + 1;
      // A dark outline keeps the caption readable on any colour.
      for (int d = -1; d <= 1; d += 2) {
        PixelFont.draw(out, tx + d, ty, text, 0x000000);
        PixelFont.draw(out, tx, ty + d, text, 0x000000);
      }
      PixelFont.draw(out, tx, ty, text, 0xFFFFFF);
    }
  }
}
