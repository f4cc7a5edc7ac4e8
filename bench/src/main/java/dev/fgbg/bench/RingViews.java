package dev.fgbg.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.fgbg.common.MappedBuffers;
import dev.fgbg.common.RingFormat;
import dev.fgbg.common.SampleDigest;
import dev.fgbg.v1.DatasetInfo;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.SharedMemoryOffer;
import dev.fgbg.v1.SharedMemorySlot;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A stream read through a shared-memory ring in place, as a trainer that copies each slot to a
 * GPU (or the Python client's numpy views) does: every array is touched where it lies, and the
 * slot is freed, with no copy in this process. What the server alone costs a sample shows here;
 * the Java client's ring path copies each batch out of its slot. As both clients do, a ring is
 * offered with {@code keep} and carries this process's next stream of the same size once its
 * stream ended with OK; the kept rings are removed when the JVM exits.
 */
final class RingViews {
  private static final VarHandle INT =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int SLOTS = 4;
  private static final Map<Long, Ring> KEPT = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> KEPT.values().forEach(Ring::remove)));
  }

  private RingViews() {}

  /** A ring file of {@link #SLOTS} slots, mapped. */
  private record Ring(Path path, byte[] nonce, long slotBytes, MappedByteBuffer map) {
    static Ring create(long slotBytes) throws IOException {
      byte[] nonce = new byte[RingFormat.NONCE_BYTES];
      new SecureRandom().nextBytes(nonce);
      Path path = Path.of("/dev/shm", RingFormat.PREFIX + "bench-"
          + ProcessHandle.current().pid() + "-" + System.nanoTime());
      Files.createFile(path, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
      long fileBytes = RingFormat.HEADER_BYTES + SLOTS * slotBytes;
      MappedByteBuffer map;
      try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ,
          StandardOpenOption.WRITE)) {
        ch.truncate(fileBytes);
        ch.write(ByteBuffer.allocate(1), fileBytes - 1);
        map = ch.map(FileChannel.MapMode.READ_WRITE, 0, fileBytes);
      }
      map.order(ByteOrder.LITTLE_ENDIAN);
      map.put(0, RingFormat.MAGIC).put(RingFormat.NONCE_OFFSET, nonce)
          .putInt(RingFormat.SLOTS_OFFSET, SLOTS)
          .putInt(RingFormat.PID_OFFSET, (int) ProcessHandle.current().pid())
          .putLong(RingFormat.SLOT_BYTES_OFFSET, slotBytes);
      return new Ring(path, nonce, slotBytes, map);
    }

    SharedMemoryOffer offer() {
      return SharedMemoryOffer.newBuilder().setPath(path.toString()).setSlots(SLOTS)
          .setSlotBytes(slotBytes).setNonce(ByteString.copyFrom(nonce)).setSlot(-1)
          .setKeep(true).build();
    }

    boolean stillThere() {
      return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    }

    void remove() {
      MappedBuffers.unmap(map);
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        // a server's sweep removes it once this process is gone
      }
    }
  }

  /** Streams {@code request}; samples received, the digest in {@code digest} when not null. */
  static long stream(ManagedChannel channel, StreamEpochRequest request, SampleDigest digest)
      throws IOException {
    FgbgGrpc.FgbgBlockingStub stub = FgbgGrpc.newBlockingStub(channel);
    DatasetInfo d = stub.withDeadlineAfter(60, TimeUnit.SECONDS).describe(
        DescribeRequest.newBuilder().setDataset(request.getDataset()).build());
    long pixels = (long) d.getImageShape().getDims(0) * d.getImageShape().getDims(1);
    long n = request.getBatchSize();
    long slotBytes = RingFormat.slotBytes(n * pixels * 3, n * pixels, n * pixels * 2);
    Ring kept = KEPT.remove(slotBytes);
    if (kept != null && !kept.stillThere()) { // a server that does not know keep removed it
      kept.remove();
      kept = null;
    }
    Ring ring = kept != null ? kept : Ring.create(slotBytes);
    MappedByteBuffer map = ring.map();
    long samples = 0;
    boolean whole = false;
    try {
      Iterator<SampleBatch> it = stub.withDeadlineAfter(1, TimeUnit.HOURS).streamEpoch(
          request.toBuilder().setSharedMemory(ring.offer()).build());
      long touched = 0;
      while (it.hasNext()) {
        SampleBatch b = it.next();
        samples += b.getIndicesCount();
        if (!b.hasSharedMemory()) {
          throw new IllegalStateException("the server refused the ring: "
              + b.getSharedMemoryRefused());
        }
        SharedMemorySlot at = b.getSharedMemory();
        long base = RingFormat.slotOffset(at.getSlot(), slotBytes);
        if (digest != null) {
          digest.add(b.getIndicesList(), view(map, base, at.getImagesOffset(),
              at.getImagesLength()), view(map, base, at.getMasksOffset(), at.getMasksLength()),
              view(map, base, at.getDepthOffset(), at.getDepthLength()));
        } else {
          touched += map.get((int) (base + at.getImagesLength() - 1))
              + map.get((int) (base + at.getDepthOffset()));
        }
        INT.setRelease(map, RingFormat.stateOffset(at.getSlot()), RingFormat.FREE);
      }
      whole = true;
      if (touched == Long.MIN_VALUE) {
        System.err.println(touched);
      }
    } finally {
      if (!whole || KEPT.putIfAbsent(slotBytes, ring) != null) {
        ring.remove();
      }
    }
    return samples;
  }

  /** The bytes to hash: a copy, as protobuf 4 wraps only heap arrays (so --digest costs one). */
  private static ByteString view(MappedByteBuffer map, long base, long offset, long length) {
    return UnsafeByteOperations.unsafeWrap(map.slice((int) (base + offset), (int) length));
  }
}
