package dev.fgbg.client;

import dev.fgbg.common.RingFormat;
import dev.fgbg.v1.DatasetInfo;
import dev.fgbg.v1.DepthDtype;
import dev.fgbg.v1.Output;
import dev.fgbg.v1.StreamEpochRequest;
import java.nio.file.Files;
import java.util.List;

/** Whether a client offers a shared-memory ring, and how large its slots are. */
final class RingChoice {
  private RingChoice() {}

  /**
   * Why batches cannot come through shared memory, or null when they may.
   *
   * @param setting the builder's choice: true, false, or null for "when the target is local"
   * @param channelGiven whether the caller gave its own channel (its target is unknown)
   */
  static String whyOff(Boolean setting, boolean channelGiven, String target) {
    if (Boolean.FALSE.equals(setting)) {
      return "sharedMemory(false)";
    }
    if (setting == null && "0".equals(System.getenv("FGBG_SHM"))) {
      return "FGBG_SHM=0";
    }
    if (!Files.isDirectory(ClientRing.DIRECTORY)) {
      return ClientRing.DIRECTORY + " does not exist";
    }
    if (setting == null && (channelGiven || !isLocal(target))) {
      return channelGiven ? "a channel given" : target + " is not this host";
    }
    return null;
  }

  static boolean isLocal(String target) {
    String host = target.startsWith("[") ? target.substring(1, Math.max(1, target.indexOf(']')))
        : target.contains(":") ? target.substring(0, target.lastIndexOf(':')) : target;
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }

  /** Slot bytes a batch of the request needs: every array it asks for, 64-byte aligned. */
  static long slotBytes(DatasetInfo d, StreamEpochRequest r) {
    long n = Math.max(1, r.getBatchSize());
    long pixels = (long) d.getImageShape().getDims(0) * d.getImageShape().getDims(1);
    List<Output> o = r.getOutputsList();
    boolean all = o.isEmpty();
    long depthValue = r.getDepthDtype() == DepthDtype.DEPTH_DTYPE_FLOAT32 ? 4 : 2;
    long depthPixels = d.getHasDepth()
        ? (long) d.getDepthShape().getDims(0) * d.getDepthShape().getDims(1) : 0;
    // Backgrounds: at most one per sample.
    return RingFormat.slotBytes(all || o.contains(Output.OUTPUT_IMAGE) ? n * pixels * 3 : 0,
        all || o.contains(Output.OUTPUT_MASK) ? n * pixels : 0,
        all || o.contains(Output.OUTPUT_DEPTH) ? n * depthPixels * depthValue : 0,
        o.contains(Output.OUTPUT_INSTANCES) ? n * pixels : 0)
        + RingFormat.align(o.contains(Output.OUTPUT_BACKGROUND) ? n * pixels * 3 : 0)
        + RingFormat.align(o.contains(Output.OUTPUT_BACKGROUND_DEPTH)
            ? n * depthPixels * depthValue : 0);
  }
}
