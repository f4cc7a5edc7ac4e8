package dev.fgbg.client;

import dev.fgbg.common.RingFormat;
import dev.fgbg.v1.DatasetInfo;
import dev.fgbg.v1.DepthDtype;
import dev.fgbg.v1.Output;
import dev.fgbg.v1.StreamEpochRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Whether a client offers a shared-memory ring, and how large its slots are. */
final class RingChoice {
  private static final Set<String> LOCAL_NAMES = Set.of("localhost", "ip6-localhost", "::1",
      "0.0.0.0", "::");
  /** An IPv4 or IPv6 address literal (looked at without a lookup), not a name. */
  private static final Pattern LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.%]*");

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

  /**
   * Whether {@code target} is this host, by the Python client's rule ({@code _shm_path.is_local}):
   * a unix socket, localhost and the loopback and wildcard addresses, or the host's own name;
   * and here also any address of the host's own interfaces. No name is looked up: a name
   * other than these counts as another host.
   */
  static boolean isLocal(String target) {
    if (target.startsWith("unix:") || target.startsWith("unix-abstract:")) {
      return true;
    }
    String t = target.startsWith(Targets.DNS) ? target.substring(Targets.DNS.length()) : target;
    String host = t.startsWith("[") ? t.substring(1, Math.max(1, t.indexOf(']')))
        : t.indexOf(':') == t.lastIndexOf(':') && t.contains(":")
            ? t.substring(0, t.lastIndexOf(':')) : t;
    return LOCAL_NAMES.contains(host) || host.startsWith("127.") || host.equals(hostName())
        || isOwnAddress(host);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost"; // the host's name does not resolve: the other names still count
    }
  }

  /** Whether {@code host} is an address literal of one of this host's interfaces. */
  private static boolean isOwnAddress(String host) {
    if (!LITERAL.matcher(host).matches()) {
      return false; // a name: looking it up could wait on DNS
    }
    try {
      InetAddress a = InetAddress.getByName(host); // a literal: no lookup
      return a.isLoopbackAddress() || a.isAnyLocalAddress()
          || NetworkInterface.getByInetAddress(a) != null;
    } catch (IOException e) {
      return false;
    }
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
