package dev.fgbg.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.common.ProtoJson;
import dev.fgbg.v1.Blend;
import dev.fgbg.v1.DatasetSpec;
import dev.fgbg.v1.Position;
import dev.fgbg.v1.SceneOptions;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class SceneSpecTest {
  private static final Spec CLASSIC = Spec.builder().build();

  private static Spec scene(UnaryOperator<SceneSpec.Builder> change) {
    return CLASSIC.toBuilder().scene(change.apply(SceneSpec.builder()).build()).build();
  }

  @Test
  void theClassicSpecKeepsItsCanonicalFormAndMessage() {
    assertFalse(CLASSIC.isScene());
    assertEquals(SceneSpec.CLASSIC, CLASSIC.scene());
    assertEquals("spec/v1 height=224 width=224 fg_scale_min=0.3 fg_scale_max=0.6 placements=20 "
        + "flip=true position=RANDOM mask_threshold=128 soft_mask=false", CLASSIC.canonical());
    // The camera alone changes nothing a classic composite reads.
    Spec camera = scene(b -> b.cameraFov(75).objectHeight(1.7));
    assertFalse(camera.isScene());
    assertEquals(CLASSIC.canonical(), camera.canonical());
    DatasetSpec wire = SpecProtos.toProto(CLASSIC);
    assertFalse(wire.hasScene(), "no scene in a classic spec's message");
    assertFalse(ProtoJson.print(wire).contains("scene"), "nor in its JSON (every scalar printed)");
    assertEquals(wire, SpecProtos.toProto(camera), "the message is the classic one");
  }

  @Test
  void everySceneFieldChangesTheCanonicalForm() {
    List<Spec> specs = List.of(CLASSIC,
        scene(b -> b.objects(1, 2)),
        scene(b -> b.objects(2, 2)),
        scene(b -> b.objects(1, 2).distractors(0, 1)),
        scene(b -> b.distractors(1, 1)),
        scene(b -> b.objects(1, 2).maxOcclusion(0.3)),
        scene(b -> b.maxTruncation(0.2)),
        scene(b -> b.blend(SceneSpec.Blend.POISSON)),
        scene(b -> b.blends(List.of(SceneSpec.Blend.POISSON, SceneSpec.Blend.HARD))),
        scene(b -> b.blend(SceneSpec.Blend.GAUSSIAN)),
        scene(b -> b.blend(SceneSpec.Blend.GAUSSIAN).featherSigma(3)),
        scene(b -> b.blend(SceneSpec.Blend.MOTION)),
        scene(b -> b.blend(SceneSpec.Blend.MOTION).motionLength(5)),
        scene(b -> b.colourMatch(true)),
        CLASSIC.toBuilder().position(Spec.Position.DEPTH).build(),
        CLASSIC.toBuilder().position(Spec.Position.DEPTH)
            .scene(SceneSpec.builder().cameraFov(70).build()).build(),
        CLASSIC.toBuilder().position(Spec.Position.DEPTH)
            .scene(SceneSpec.builder().objectHeight(1.5).build()).build());
    for (int i = 0; i < specs.size(); i++) {
      for (int j = i + 1; j < specs.size(); j++) {
        assertNotEquals(specs.get(i).canonical(), specs.get(j).canonical(), i + " vs " + j);
      }
    }
  }

  @Test
  void aSceneReachesTheWire() {
    Spec s = CLASSIC.toBuilder().position(Spec.Position.DEPTH).scene(SceneSpec.builder()
        .objects(1, 3).distractors(0, 2).maxOcclusion(0.4).maxTruncation(0.1)
        .blends(List.of(SceneSpec.Blend.GAUSSIAN, SceneSpec.Blend.POISSON)).featherSigma(1.5)
        .colourMatch(true).cameraFov(58).objectHeight(1.2).build()).build();
    DatasetSpec spec = SpecProtos.toProto(s);
    assertEquals(Position.POSITION_DEPTH, spec.getPosition());
    SceneOptions w = spec.getScene();
    assertEquals(1, w.getObjectsMin());
    assertEquals(3, w.getObjectsMax());
    assertEquals(2, w.getDistractorsMax());
    assertEquals(0.4, w.getMaxOcclusion());
    assertEquals(0.1, w.getMaxTruncation());
    assertEquals(List.of(Blend.BLEND_GAUSSIAN, Blend.BLEND_POISSON), w.getBlendList());
    assertEquals(1.5, w.getFeatherSigma());
    assertTrue(w.getColourMatch());
    assertEquals(58.0, w.getCameraFov());
    assertEquals(1.2, w.getObjectHeight());
    assertEquals(s, s.toBuilder().build());
    assertEquals(s.scene(), s.scene().toBuilder().build());
  }

  @Test
  void rejectsBadValuesNamingTheField() {
    assertField("objects_min", () -> SceneSpec.builder().objects(0, 2).build());
    assertField("objects_max", () -> SceneSpec.builder().objects(3, 2).build());
    assertField("objects_max", () -> SceneSpec.builder().objects(1, 33).build());
    assertField("distractors_min", () -> SceneSpec.builder().distractors(-1, 2).build());
    assertField("distractors_max", () -> SceneSpec.builder().distractors(2, 1).build());
    assertField("max_occlusion", () -> SceneSpec.builder().maxOcclusion(1.1).build());
    assertField("max_truncation", () -> SceneSpec.builder().maxTruncation(1).build());
    assertField("blend", () -> SceneSpec.builder().blends(List.of()).build());
    assertField("blend", () -> SceneSpec.builder().blends(List.of(SceneSpec.Blend.HARD,
        SceneSpec.Blend.HARD)).build());
    assertField("feather_sigma", () -> SceneSpec.builder().featherSigma(0).build());
    assertField("motion_length", () -> SceneSpec.builder().motionLength(1).build());
    assertField("camera_fov", () -> SceneSpec.builder().cameraFov(180).build());
    assertField("object_height", () -> SceneSpec.builder().objectHeight(0).build());
    assertField("scene", () -> Spec.builder().scene(null).build());
  }

  private static void assertField(String field, Executable e) {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
    assertTrue(ex.getMessage().contains("spec field " + field + " "), ex.getMessage());
  }
}
