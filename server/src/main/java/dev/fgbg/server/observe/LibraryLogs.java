package dev.fgbg.server.observe;

import dev.fgbg.server.transport.AcceptFailures;
import dev.fgbg.server.transport.TransportFaults;

/**
 * The filters the server puts on libraries' loggers (Netty's, grpc's, Caffeine's), so that what
 * a client or a depth load did is logged in words, or not at all where the server has said it
 * already. Installed by every server, once per logger; the order is the filters' own.
 */
public final class LibraryLogs {
  private LibraryLogs() {}

  public static void install() {
    QuietCancels.install();
    TransportFaults.install();
    AcceptFailures.install();
    CacheLoadFailures.install();
  }
}
