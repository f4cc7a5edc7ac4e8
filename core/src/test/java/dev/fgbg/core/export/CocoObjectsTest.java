package dev.fgbg.core.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.fgbg.core.Fixtures;
import dev.fgbg.core.assets.FolderAssets;
import dev.fgbg.core.assets.FolderDataset;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.dataset.SampleInfo;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.Compositor;
import dev.fgbg.core.synth.DepthEncoding;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A classic sample's COCO annotation: id index × 256 + 1 (never 0), RLE, box and area all of
 * the binary mask at the threshold (a soft mask's alpha cut there, as the served box is), none
 * for a cut-out whose mask is empty (its image still listed), categories with a supercategory.
 */
class CocoObjectsTest {
  private static final int SIZE = 32;
  private static final int THRESHOLD = 128;

  @TempDir
  Path dir;

  /** A radial alpha ramp: 255 at the centre down to 0 at the rim, so half of it is faint. */
  private static BufferedImage ramp(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double r = Math.hypot((x + 0.5) / w - 0.5, (y + 0.5) / h - 0.5) * 2;
        int a = (int) Math.round(Math.max(0, 1 - r) * 255);
        img.setRGB(x, y, a << 24 | 0x40A0E0);
      }
    }
    return img;
  }

  /** A one-pixel diagonal on 64×64: visible at its own size, under the threshold when shrunk. */
  private static BufferedImage diagonal() {
    BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
    for (int i = 0; i < 64; i++) {
      img.setRGB(i, i, 0xFFFFFFFF);
    }
    return img;
  }

  private Dataset dataset(String name, Spec spec, BufferedImage... fgs) {
    Path root = dir.resolve(name);
    Fixtures.write(Fixtures.rgb(48, 48, 1), root.resolve("bg/indoor/a.png"));
    Fixtures.write(Fixtures.rgb(48, 48, 2), root.resolve("bg/outdoor/b.png"));
    for (int k = 0; k < fgs.length; k++) {
      Fixtures.write(fgs[k], root.resolve("fg/c" + k + "/f.png"));
    }
    return new Dataset(name, FolderAssets.load(new FolderDataset(name, root.resolve("bg"),
        root.resolve("fg"), null, FolderDataset.MaskFrom.ALPHA), SIZE, SIZE,
        spec.softMask() ? 1 : spec.maskThreshold()), spec);
  }

  private Struct export(Dataset d) throws Exception {
    ExportJob job = new ExportJob(d, 3, 0, d.size(), Outputs.all(d), ExportFormat.COCO, "c",
        false, 20, 95, false);
    Path out = dir.resolve("out-" + d.name());
    Files.createDirectories(out);
    try (LocalStore store = new LocalStore(ConfinedFolder.open(out), "", true)) {
      CocoInstances.write(store, job);
    }
    var root = Struct.newBuilder();
    JsonFormat.parser().merge(Files.readString(out.resolve("annotations/instances.json")), root);
    return root.build();
  }

  private static List<Value> list(Struct root, String key) {
    return root.getFieldsOrThrow(key).getListValue().getValuesList();
  }

  private static Map<Long, Map<String, Value>> byImage(Struct root) {
    Map<Long, Map<String, Value>> out = new HashMap<>();
    for (Value v : list(root, "annotations")) {
      var a = v.getStructValue().getFieldsMap();
      var old = out.put((long) a.get("image_id").getNumberValue(), a);
      assertEquals(null, old, "one annotation per classic sample");
    }
    return out;
  }

  /** The annotation's RLE decoded to a 0/255 mask, row-major. */
  private static byte[] decode(Map<String, Value> a) {
    byte[] mask = new byte[SIZE * SIZE];
    int pos = 0;
    boolean on = false;
    for (Value c : a.get("segmentation").getStructValue().getFieldsOrThrow("counts")
        .getListValue().getValuesList()) {
      for (int k = 0; k < (int) c.getNumberValue(); k++, pos++) {
        mask[(pos % SIZE) * SIZE + pos / SIZE] = (byte) (on ? 255 : 0);
      }
      on = !on;
    }
    assertEquals(SIZE * SIZE, pos);
    return mask;
  }

  private static int[] tight(byte[] mask) {
    int x0 = SIZE;
    int y0 = SIZE;
    int x1 = 0;
    int y1 = 0;
    for (int p = 0; p < mask.length; p++) {
      if (mask[p] != 0) {
        x0 = Math.min(x0, p % SIZE);
        y0 = Math.min(y0, p / SIZE);
        x1 = Math.max(x1, p % SIZE + 1);
        y1 = Math.max(y1, p / SIZE + 1);
      }
    }
    return new int[] {x0, y0, x1 - x0, y1 - y0};
  }

  private static int[] bbox(Map<String, Value> a) {
    var b = a.get("bbox").getListValue();
    int[] out = new int[4];
    for (int k = 0; k < 4; k++) {
      out[k] = (int) b.getValues(k).getNumberValue();
    }
    return out;
  }

  @Test
  void aSoftMaskIsCutAtTheThresholdForRleBoxAndAreaAlike() throws Exception {
    Dataset d = dataset("soft", Spec.builder().size(SIZE, SIZE).placements(4).fgScale(0.5, 0.9)
        .softMask(true).maskThreshold(THRESHOLD).build(), ramp(24, 24), ramp(30, 20));
    Struct root = export(d);
    Map<Long, Map<String, Value>> anns = byImage(root);
    assertEquals(d.size(), anns.size());
    byte[] soft = new byte[SIZE * SIZE];
    int faint = 0;
    for (long i = 0; i < d.size(); i++) {
      SampleInfo s = d.render(3, i, DepthEncoding.FLOAT16,
          new Compositor.Target(null, 0, soft, 0, null, 0));
      byte[] cut = new byte[soft.length];
      for (int p = 0; p < soft.length; p++) {
        cut[p] = (byte) ((soft[p] & 0xff) >= THRESHOLD ? 255 : 0);
        faint += soft[p] != 0 && cut[p] == 0 ? 1 : 0;
      }
      var a = anns.get(i);
      assertEquals(i * 256 + 1, (long) a.get("id").getNumberValue());
      byte[] rle = decode(a);
      assertArrayEquals(cut, rle, "the RLE is the mask at the threshold, sample " + i);
      assertArrayEquals(tight(rle), bbox(a), "the box is the RLE's, sample " + i);
      assertArrayEquals(new int[] {s.bboxX0(), s.bboxY0(), s.bboxX1() - s.bboxX0(),
          s.bboxY1() - s.bboxY0()}, bbox(a), "and the served one, sample " + i);
      long area = 0;
      for (byte b : rle) {
        area += b != 0 ? 1 : 0;
      }
      assertEquals(area, (long) a.get("area").getNumberValue());
    }
    assertTrue(faint > 0, "the soft masks have pixels under the threshold");
    for (Value c : list(root, "categories")) {
      assertEquals("object", c.getStructValue().getFieldsOrThrow("supercategory")
          .getStringValue());
    }
  }

  @Test
  void aCutOutWhoseMaskIsEmptyHasNoAnnotationButItsImageIsListed() throws Exception {
    Dataset d = dataset("thin", Spec.builder().size(SIZE, SIZE).placements(4).fgScale(0.3, 0.6)
        .build(), diagonal(), ramp(24, 24));
    Struct root = export(d);
    assertEquals(d.size(), list(root, "images").size());
    Map<Long, Map<String, Value>> anns = byImage(root);
    byte[] mask = new byte[SIZE * SIZE];
    int empty = 0;
    for (long i = 0; i < d.size(); i++) {
      d.render(3, i, DepthEncoding.FLOAT16, new Compositor.Target(null, 0, mask, 0, null, 0));
      boolean none = true;
      for (byte b : mask) {
        none &= b == 0;
      }
      empty += none ? 1 : 0;
      assertEquals(!none, anns.containsKey(i), "an annotation iff the mask has pixels: " + i);
      if (!none) {
        int[] box = bbox(anns.get(i));
        assertTrue(box[2] > 0 && box[3] > 0 && anns.get(i).get("area").getNumberValue() > 0);
        assertArrayEquals(mask, decode(anns.get(i)));
      }
    }
    assertTrue(empty > 0 && empty < d.size(), "some cut-outs vanish when shrunk: " + empty);
  }
}
