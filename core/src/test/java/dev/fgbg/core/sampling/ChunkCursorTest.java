package dev.fgbg.core.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkCursorTest {
  @Test
  void splitsBatchesIntoNumberedChunksCoveringEverySample() {
    EpochPlan plan = new EpochPlan(25, 10, 0, 1, 0, 0, false, 0);
    ChunkCursor c = new ChunkCursor(plan, 4);
    List<Chunk> chunks = new ArrayList<>();
    while (c.hasNext()) {
      chunks.add(c.next());
    }
    // batches of 10, 10, 5 -> chunks 4+4+2, 4+4+2, 4+1
    assertEquals(List.of(
        new Chunk(0, 0, 3, 0, 4), new Chunk(0, 1, 3, 4, 4), new Chunk(0, 2, 3, 8, 2),
        new Chunk(1, 0, 3, 10, 4), new Chunk(1, 1, 3, 14, 4), new Chunk(1, 2, 3, 18, 2),
        new Chunk(2, 0, 2, 20, 4), new Chunk(2, 1, 2, 24, 1)), chunks);
  }

  @Test
  void resumedAndLimitedPlansChunkFromTheirStart() {
    EpochPlan plan = new EpochPlan(100, 10, 0, 1, 0, 2, false, 13);
    ChunkCursor c = new ChunkCursor(plan, 100);
    assertTrue(c.hasNext());
    assertEquals(new Chunk(2, 0, 1, 20, 10), c.next());
    assertEquals(new Chunk(3, 0, 1, 30, 3), c.next());
    assertFalse(c.hasNext());
  }
}
