package dev.fgbg.client.cli;

import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import java.net.URI;

/**
 * While open, gRPC channels of this JVM do not resolve the name of one loopback target: its
 * resolution never ends, as a process's first one on a busy machine may take longer than a
 * short deadline (the channel's calls wait "for name_resolver"). Every other target resolves as
 * before, through the DNS resolver this one stands in front of.
 */
final class HeldNames extends NameResolverProvider implements AutoCloseable {
  private static final String DNS = "dns";

  private final NameResolverProvider dns;
  private final String held;

  /** Holds the name of {@code 127.0.0.1:port} until closed. */
  HeldNames(int port) {
    this.held = "/127.0.0.1:" + port;
    this.dns = NameResolverRegistry.getDefaultRegistry().getProviderForScheme(DNS);
    NameResolverRegistry.getDefaultRegistry().register(this);
  }

  String target() {
    return held.substring(1);
  }

  @Override
  public NameResolver newNameResolver(URI target, NameResolver.Args args) {
    if (!held.equals(target.getPath())) {
      return dns.newNameResolver(target, args);
    }
    return new NameResolver() {
      @Override
      public String getServiceAuthority() {
        return target();
      }

      @Override
      public void start(Listener2 listener) {
        // never resolved: the channel's calls wait until their deadline
      }

      @Override
      public void shutdown() {
        // nothing started
      }
    };
  }

  @Override
  public String getDefaultScheme() {
    return DNS;
  }

  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return 9; // above gRPC's DNS resolver (5)
  }

  @Override
  public void close() {
    NameResolverRegistry.getDefaultRegistry().deregister(this);
  }
}
