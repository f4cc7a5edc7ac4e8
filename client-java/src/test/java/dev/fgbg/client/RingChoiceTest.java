package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.v1.DatasetInfo;
import dev.fgbg.v1.Output;
import dev.fgbg.v1.Shape;
import dev.fgbg.v1.StreamEpochRequest;
import org.junit.jupiter.api.Test;

class RingChoiceTest {
  @Test
  void localTargets() {
    assertTrue(RingChoice.isLocal("localhost:50051") && RingChoice.isLocal("127.0.0.1:1")
        && RingChoice.isLocal("[::1]:5"));
    assertFalse(RingChoice.isLocal("fgbg.example.com:50051"));
    assertFalse(RingChoice.isLocal("[2001:db8::1]:50051"));
  }

  @Test
  void offeredOnlyWhenAskedOrLocal() {
    assertEquals("sharedMemory(false)", RingChoice.whyOff(false, false, "localhost:1"));
    assertEquals("a channel given", RingChoice.whyOff(null, true, "localhost:1"));
    assertEquals("fgbg.example.com:1 is not this host",
        RingChoice.whyOff(null, false, "fgbg.example.com:1"));
    assertNull(RingChoice.whyOff(true, false, "fgbg.example.com:1"), "asked for: offered");
  }

  @Test
  void aSlotHoldsEveryArrayAskedForAligned() {
    DatasetInfo d = DatasetInfo.newBuilder().setImageShape(Shape.newBuilder().addDims(10)
        .addDims(10).addDims(3)).setHasDepth(true).setDepthShape(Shape.newBuilder().addDims(5)
        .addDims(5)).build();
    StreamEpochRequest imageOnly = StreamEpochRequest.newBuilder().setBatchSize(2)
        .addOutputs(Output.OUTPUT_IMAGE).build();
    assertEquals(640, RingChoice.slotBytes(d, imageOnly), "600 bytes, rounded up to 64");
    long all = RingChoice.slotBytes(d, StreamEpochRequest.newBuilder().setBatchSize(2).build());
    assertEquals(640 + 256 + 128, all, "image 600, mask 200, float16 depth 100, each aligned");
  }
}
