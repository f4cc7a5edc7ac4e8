package dev.fgbg.server.transport;

import io.grpc.util.AdvancedTlsX509KeyManager;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.logging.Logger;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The certificate chain and key served ({@code --tls-cert}, {@code --tls-key}): as read at
 * start-up, replaced while the server runs when the files change, so that a renewed certificate
 * (cert-manager, say) is served without a restart. The gRPC port and the web UI hand their TLS
 * engines the one {@link #keyManager()}, which each handshake asks for the pair in force; a
 * connection already open keeps the certificate it was made with.
 *
 * <p>{@link #watch} reads both files every interval ({@link FileWatch}: bytes compared).
 * Changed files are checked by the start-up rules ({@link TlsFiles}: valid now, for servers,
 * the key the certificate's) and, if they pass, put in force together with one INFO line; a
 * pair that does not pass (a key not yet replaced beside its new certificate, an expired
 * certificate) leaves the old pair served, with one WARNING once two reads see it. The client
 * CA ({@code --tls-client-ca}) is {@link LiveClientCa}'s. "Valid now" asks a {@link Clock}
 * (the system's outside tests): a wall clock, as certificates name instants, where the server's
 * durations use a Caffeine {@code Ticker}.
 */
public final class LiveKeys {
  private static final Logger LOG = Logger.getLogger(LiveKeys.class.getName());

  private final Path cert;
  private final Path key;
  private final Duration interval;
  private final Clock clock;
  /** Swaps the pair atomically: each pair in force has an alias of its own. */
  private final AdvancedTlsX509KeyManager manager = new AdvancedTlsX509KeyManager();
  private final FileWatch changes;
  private volatile String served;
  private volatile Instant notAfter;

  private LiveKeys(Path cert, byte[] certBytes, Path key, byte[] keyBytes, Duration interval,
      Clock clock) {
    this.cert = cert;
    this.key = key;
    this.interval = interval;
    this.clock = clock;
    put(TlsFiles.identity(cert, certBytes, key, keyBytes, clock.instant()));
    this.changes = new FileWatch(List.of(cert, key), f -> TlsFiles.read(
        f.equals(cert) ? "--tls-cert" : "--tls-key", f), List.of(certBytes, keyBytes),
        contents -> replace(contents.get(0), contents.get(1)),
        () -> "the certificate of " + served + " read before is still served", LOG);
  }

  /**
   * Reads and checks the pair now, to be read again every {@code interval} once watched.
   *
   * @throws IllegalArgumentException naming the flag and file of what is wrong
   */
  public static LiveKeys of(Path cert, Path key, Duration interval) {
    return of(cert, key, interval, Clock.systemUTC());
  }

  /** As {@link #of(Path, Path, Duration)}, "valid now" by {@code clock}: for tests. */
  static LiveKeys of(Path cert, Path key, Duration interval, Clock clock) {
    // One read each for the pair served and the bytes compared.
    return new LiveKeys(cert, TlsFiles.read("--tls-cert", cert), key,
        TlsFiles.read("--tls-key", key), interval, clock);
  }

  /** What a TLS engine asks for the pair to serve at each handshake. */
  public X509ExtendedKeyManager keyManager() {
    return manager;
  }

  /** Reads the files every interval on {@code timer} until the future is cancelled. */
  public ScheduledFuture<?> watch(ScheduledExecutorService timer) {
    return changes.watch(timer, interval);
  }

  /** One tick, as the timer runs it. */
  void check() {
    changes.check();
  }

  /** The served certificate's end of validity: a reload moves it. */
  public Instant notAfter() {
    return notAfter;
  }

  long ticks() {
    return changes.ticks();
  }

  private void replace(byte[] certBytes, byte[] keyBytes) {
    String was = served;
    put(TlsFiles.identity(cert, certBytes, key, keyBytes, clock.instant()));
    LOG.info("--tls-cert " + cert + " and --tls-key " + key + " reloaded: serving the "
        + "certificate of " + served + " (was " + was + ")");
  }

  private void put(TlsFiles.Identity id) {
    manager.updateIdentityCredentials(id.chain(), id.key());
    notAfter = id.chain()[0].getNotAfter().toInstant();
    served = id.chain()[0].getSubjectX500Principal().getName() + ", valid until "
        + notAfter;
  }
}
