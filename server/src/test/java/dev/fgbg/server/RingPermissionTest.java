package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.fgbg.core.shm.RingOffer;
import dev.fgbg.core.shm.SharedRing;
import dev.fgbg.core.shm.TestRings;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.SharedMemoryOffer;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A ring the server may not open for reading and writing (the client and the server run as
 * different users) was refused as "cannot map 'PATH': PATH", the reason missing: an
 * AccessDeniedException's message is only its path. A real server process, bound by permission
 * bits as an ordinary user is, is offered a ring of mode 0400: the refusal says permission
 * denied, what that means and what to do.
 */
class RingPermissionTest {
  @Test
  void aRingTheServerMayNotOpenIsRefusedSayingPermissionDeniedAndWhatToDo() throws Exception {
    RingOffer ring = TestRings.create(SharedRing.DIRECTORY, "perm-" + UUID.randomUUID(), 2,
        1 << 20);
    try (ServerJvm s = ServerJvm.boundByPermissions("--builtin-size", "16", "--builtin-counts",
        "4:4", "--workers", "2")) {
      Files.setPosixFilePermissions(ring.path(), PosixFilePermissions.fromString("r--------"));
      ManagedChannel ch = s.channel();
      try {
        List<SampleBatch> got = new ArrayList<>();
        FgbgGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS).streamEpoch(
            StreamEpochRequest.newBuilder().setDataset("builtin").setBatchSize(4).setLimit(8)
                .setSharedMemory(SharedMemoryOffer.newBuilder()
                    .setPath(ring.path().toString()).setSlots(ring.slots())
                    .setSlotBytes(ring.slotBytes()).setNonce(ByteString.copyFrom(ring.nonce()))
                    .setSlot(-1)).build()).forEachRemaining(got::add);
        String refused = got.get(0).getSharedMemoryRefused();
        assertTrue(refused.startsWith("cannot map '" + ring.path() + "': permission denied:"
            + " the server (uid "), refused);
        assertTrue(refused.endsWith("may not read and write the client's ring, as when they run"
            + " as different users; run them as one user, or turn shared memory off in the"
            + " client"), refused);
        assertEquals(8, got.stream().mapToInt(SampleBatch::getIndicesCount).sum(),
            "over the network");
      } finally {
        ch.shutdownNow();
      }
    } finally {
      Files.deleteIfExists(ring.path());
    }
  }
}
