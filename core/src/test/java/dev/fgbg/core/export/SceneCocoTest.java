package dev.fgbg.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.InstanceInfo;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.dataset.SampleInfo;
import dev.fgbg.core.spec.SceneSpec;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.Compositor;
import dev.fgbg.core.synth.DepthEncoding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scene's COCO annotations are its visible labelled instances, one each: the RLE is exactly
 * that instance's pixels of the core's instance-id mask, box and area those of its visible part,
 * category its label; wholly hidden instances have none; ids are unique and never 0.
 */
class SceneCocoTest {
  @TempDir
  Path dir;

  @Test
  void oneAnnotationPerVisibleInstanceEachItsVisiblePart() throws Exception {
    Dataset d = new Dataset("scene", BuiltinWorld.create(32, 32, 3, 8), Spec.builder()
        .size(32, 32).placements(2).scene(SceneSpec.builder().objects(2, 4).distractors(1, 2)
            .maxOcclusion(1.0).build()).build());
    ExportJob job = new ExportJob(d, 4, 0, 40, Outputs.all(d), ExportFormat.COCO, "c", false,
        20, 95, false);
    try (LocalStore store = new LocalStore(ConfinedFolder.open(dir), "", true)) {
      CocoInstances.write(store, job);
    }
    var root = Struct.newBuilder();
    JsonFormat.parser().merge(Files.readString(dir.resolve("annotations/instances.json")), root);
    List<Value> anns = root.getFieldsOrThrow("annotations").getListValue().getValuesList();
    int next = 0;
    int occluded = 0;
    int several = 0;
    Set<Long> ids = new HashSet<>();
    byte[] map = new byte[32 * 32];
    for (int i = 0; i < 40; i++) {
      SampleInfo s = d.render(4, i, DepthEncoding.FLOAT16, new Compositor.Target(null, 0,
          null, 0, null, 0).withInstances(map, 0));
      several += s.instances().size() > 1 ? 1 : 0;
      for (int k = 0; k < s.instances().size(); k++) {
        InstanceInfo in = s.instances().get(k);
        long pixels = 0;
        for (byte b : map) {
          pixels += b == k + 1 ? 1 : 0;
        }
        if (pixels == 0) {
          continue; // wholly hidden: no annotation
        }
        Map<String, Value> a = anns.get(next++).getStructValue().getFieldsMap();
        long id = (long) a.get("id").getNumberValue();
        assertTrue(id > 0 && ids.add(id), "ids unique and never 0: " + id);
        assertEquals(i, (long) a.get("image_id").getNumberValue());
        assertEquals(in.label() + 1, (int) a.get("category_id").getNumberValue());
        assertEquals(0, (int) a.get("iscrowd").getNumberValue());
        var bbox = a.get("bbox").getListValue();
        assertEquals(in.bboxX0(), (int) bbox.getValues(0).getNumberValue());
        assertEquals(in.bboxY0(), (int) bbox.getValues(1).getNumberValue());
        assertEquals(in.bboxX1() - in.bboxX0(), (int) bbox.getValues(2).getNumberValue());
        assertEquals(in.bboxY1() - in.bboxY0(), (int) bbox.getValues(3).getNumberValue());
        byte[] mask = decode(a.get("segmentation").getStructValue().getFieldsOrThrow("counts")
            .getListValue().getValuesList(), 32);
        for (int p = 0; p < 32 * 32; p++) {
          assertEquals(map[p] == k + 1 ? 1 : 0, mask[p], "sample " + i + " instance " + (k + 1)
              + " pixel " + p);
        }
        assertEquals(pixels, (long) a.get("area").getNumberValue());
        occluded += in.visibleFraction() < 1 ? 1 : 0;
      }
    }
    assertEquals(anns.size(), next, "no other annotations");
    assertTrue(occluded > 0 && several > 10, occluded + " partly hidden instances, " + several
        + " samples of several");
  }

  /** A column-major uncompressed RLE (starting with zeros) of a square image. */
  private static byte[] decode(List<Value> counts, int size) {
    byte[] mask = new byte[size * size];
    int pos = 0;
    boolean on = false;
    for (Value c : counts) {
      for (int k = 0; k < (int) c.getNumberValue(); k++, pos++) {
        mask[(pos % size) * size + pos / size] = (byte) (on ? 1 : 0);
      }
      on = !on;
    }
    assertEquals(size * size, pos, "the counts cover the image");
    return mask;
  }
}
