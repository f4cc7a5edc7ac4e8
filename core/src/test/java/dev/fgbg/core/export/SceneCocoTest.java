package dev.fgbg.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.InstanceInfo;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.spec.SceneSpec;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.Compositor;
import dev.fgbg.core.synth.DepthEncoding;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scene's COCO annotation is its own cut-out's visible part: box, area and mask agree. */
class SceneCocoTest {
  @TempDir
  Path dir;

  @Test
  void theAnnotationIsInstanceOnesVisiblePart() throws Exception {
    Dataset d = new Dataset("scene", BuiltinWorld.create(32, 32, 3, 8), Spec.builder()
        .size(32, 32).placements(2).scene(SceneSpec.builder().objects(2, 4).distractors(1, 2)
            .maxOcclusion(0.8).build()).build());
    ExportJob job = new ExportJob(d, 4, 0, 40, Outputs.all(d), ExportFormat.COCO, "c", false,
        20, 95, false);
    try (LocalStore store = new LocalStore(ConfinedFolder.open(dir), "", true)) {
      CocoInstances.write(store, job);
    }
    var root = Struct.newBuilder();
    JsonFormat.parser().merge(Files.readString(dir.resolve("annotations/instances.json")), root);
    var anns = root.getFieldsOrThrow("annotations").getListValue();
    int occluded = 0;
    byte[] ids = new byte[32 * 32];
    for (int i = 0; i < 40; i++) {
      var a = anns.getValues(i).getStructValue().getFieldsMap();
      InstanceInfo own = d.render(4, i, DepthEncoding.FLOAT16, new Compositor.Target(null, 0,
          null, 0, null, 0).withInstances(ids, 0)).instances().get(0);
      var bbox = a.get("bbox").getListValue();
      assertEquals(own.bboxX0(), (int) bbox.getValues(0).getNumberValue());
      assertEquals(own.bboxY0(), (int) bbox.getValues(1).getNumberValue());
      assertEquals(own.bboxX1() - own.bboxX0(), (int) bbox.getValues(2).getNumberValue());
      assertEquals(own.bboxY1() - own.bboxY0(), (int) bbox.getValues(3).getNumberValue());
      // The column-major RLE is instance 1's pixels exactly.
      byte[] mask = new byte[32 * 32];
      int pos = 0;
      boolean on = false;
      for (var c : a.get("segmentation").getStructValue().getFieldsOrThrow("counts")
          .getListValue().getValuesList()) {
        for (int k = 0; k < (int) c.getNumberValue(); k++, pos++) {
          mask[(pos % 32) * 32 + pos / 32] = (byte) (on ? 1 : 0);
        }
        on = !on;
      }
      long area = 0;
      for (int p = 0; p < 32 * 32; p++) {
        assertEquals(ids[p] == 1 ? 1 : 0, mask[p], "sample " + i + " pixel " + p);
        area += mask[p];
      }
      assertEquals(area, (long) a.get("area").getNumberValue());
      occluded += own.visibleFraction() < 1 ? 1 : 0;
    }
    assertTrue(occluded > 0, "some own cut-outs partly hidden");
  }
}
