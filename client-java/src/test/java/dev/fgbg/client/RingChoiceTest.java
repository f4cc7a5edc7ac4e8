package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.v1.DatasetInfo;
import dev.fgbg.v1.Output;
import dev.fgbg.v1.Shape;
import dev.fgbg.v1.StreamEpochRequest;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingChoiceTest {
  @Test
  void localTargets() {
    assertTrue(RingChoice.isLocal("localhost:50051") && RingChoice.isLocal("127.0.0.1:1")
        && RingChoice.isLocal("[::1]:5"));
    assertTrue(RingChoice.isLocal("dns:///localhost:5") && RingChoice.isLocal("0.0.0.0:5")
        && RingChoice.isLocal("unix:/tmp/fgbg.sock") && RingChoice.isLocal("ip6-localhost:5"));
    assertFalse(RingChoice.isLocal("fgbg.example.com:50051"));
    assertFalse(RingChoice.isLocal("[2001:db8::1]:50051"));
  }

  @Test
  void theHostsOwnNameAndAddressesAreLocal() throws Exception {
    // They were "not this host" (Python's rule accepts the host's name): 74 MiB a batch stream
    // over loopback TCP instead of shared memory, said at FINE only.
    String name = InetAddress.getLocalHost().getHostName();
    assertTrue(RingChoice.isLocal(name + ":50051"), name);
    assertTrue(RingChoice.isLocal(name), name);
    List<InetAddress> own = NetworkInterface.networkInterfaces()
        .flatMap(NetworkInterface::inetAddresses).filter(a -> !a.isLinkLocalAddress()).toList();
    for (InetAddress a : own) {
      String ip = a.getHostAddress().replaceAll("%.*", "");
      String target = a instanceof Inet6Address ? "[" + ip + "]:1" : ip + ":1";
      assertTrue(RingChoice.isLocal(target), target);
    }
    assertFalse(RingChoice.isLocal("192.0.2.1:1"), "TEST-NET-1: nobody's address");
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
