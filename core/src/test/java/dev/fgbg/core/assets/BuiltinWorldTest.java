package dev.fgbg.core.assets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BuiltinWorldTest {
  @Test
  void hasAHundredOfEachWithLabels() {
    AssetSet a = TestDatasets.builtin().assets();
    assertEquals(100, a.backgrounds().size());
    assertEquals(100, a.foregrounds().size());
    assertTrue(a.hasDepth());
    Set<Integer> bgKinds = new HashSet<>();
    Set<Integer> fgKinds = new HashSet<>();
    a.backgrounds().forEach(b -> bgKinds.add(b.label()));
    a.foregrounds().forEach(f -> fgKinds.add(f.label()));
    assertEquals(a.backgroundLabels().size(), bgKinds.size(), "indoor and outdoor kinds");
    assertEquals(10, fgKinds.size());
    assertTrue(a.backgroundLabels().contains("office") && a.backgroundLabels().contains("street"));
    assertTrue(a.foregroundLabels().contains("person") && a.foregroundLabels().contains("chair"));
  }

  @Test
  void isDeterministic() {
    AssetSet a = BuiltinWorld.create(48, 40, 6, 6);
    AssetSet b = BuiltinWorld.create(48, 40, 6, 6);
    for (int i = 0; i < 6; i++) {
      assertArrayEquals(a.backgrounds().get(i).rgb(), b.backgrounds().get(i).rgb());
      assertArrayEquals(a.backgrounds().get(i).depth(), b.backgrounds().get(i).depth());
      assertArrayEquals(a.foregrounds().get(i).rgba(), b.foregrounds().get(i).rgba());
    }
  }

  @Test
  void depthIsExactOnTheFloorAndPositiveEverywhere() {
    for (Background b : TestDatasets.builtin().assets().backgrounds()) {
      int w = b.width();
      int h = b.height();
      for (float d : b.depth()) {
        assertTrue(d > 0 && d <= 100f, b.name() + " depth " + d);
      }
      assertTrue(b.footRowMin() > h / 3 && b.footRowMin() < h, b.name());
      // The bottom row sees the floor (or something nearer standing on it): never farther.
      int nearer = 0;
      for (int x = 0; x < w; x++) {
        float d = b.depth()[(h - 1) * w + x];
        assertTrue(d <= b.floorDepth()[h - 1] * 1.0001f, b.name() + " x=" + x);
        nearer += d < b.floorDepth()[h - 1] * 0.999f ? 1 : 0;
      }
      assertTrue(nearer < w / 2, b.name() + ": the floor should be visible in the bottom row");
      // Floor depth grows towards the horizon.
      for (int y = b.footRowMin() + 1; y < h; y++) {
        assertTrue(b.floorDepth()[y] < b.floorDepth()[y - 1], b.name() + " row " + y);
      }
    }
  }

  @Test
  void foregroundsHaveAntiAliasedAlphaStandingOnTheBottomRow() {
    for (Foreground f : TestDatasets.builtin().assets().foregrounds()) {
      int opaque = 0;
      int clear = 0;
      int partial = 0;
      for (int i = 3; i < f.rgba().length; i += 4) {
        int a = f.rgba()[i] & 0xff;
        if (a == 255) {
          opaque++;
        } else if (a == 0) {
          clear++;
        } else {
          partial++;
        }
      }
      assertTrue(opaque > 1000 && clear > 100 && partial > 50, f.name());
      boolean touches = false;
      int last = (f.height() - 1) * f.width();
      for (int x = 0; x < f.width(); x++) {
        touches |= (f.rgba()[(last + x) * 4 + 3] & 0xff) > 128;
      }
      assertTrue(touches, f.name() + " must stand on its bottom row");
      assertFalse(f.name().isEmpty());
    }
  }
}
