package dev.fgbg.server.transport;

import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The CAs client certificates must chain to ({@code --tls-client-ca}, mTLS): as read at
 * start-up, replaced while the server runs when the file changes, so that a rotated CA bundle
 * (cert-manager, a Kubernetes Secret) is trusted without a restart. The gRPC port and the web
 * UI hand their TLS engines the one {@link #trustManager()}, which each handshake asks; a
 * connection already open stays.
 *
 * <p>As {@link LiveKeys}: {@link #watch} reads the file every interval ({@link FileWatch}:
 * bytes compared); changed bytes are checked by the start-up rules ({@link TlsFiles#clientCas}:
 * certificates, each a CA and valid by the {@link Clock}) and put in force with one INFO line,
 * or leave the CAs in force with one WARNING once two reads see the problem.
 */
public final class LiveClientCa {
  private static final Logger LOG = Logger.getLogger(LiveClientCa.class.getName());

  private final Path file;
  private final Duration interval;
  private final Clock clock;
  /** Swaps the CAs atomically; verifies chains only (a client has no host name to check). */
  private final AdvancedTlsX509TrustManager manager;
  private final X509ExtendedTrustManager trust;
  private final FileWatch changes;
  private volatile String trusted;

  private LiveClientCa(Path file, byte[] bytes, Duration interval, Clock clock) {
    this.file = file;
    this.interval = interval;
    this.clock = clock;
    try {
      this.manager = AdvancedTlsX509TrustManager.newBuilder().setVerification(
          AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION).build();
    } catch (CertificateException e) {
      throw new IllegalStateException(e); // the JDK's PKIX: every JDK has it
    }
    this.trust = new AnyIssuerNamed(manager);
    put(TlsFiles.clientCas(file, bytes, clock.instant()));
    this.changes = new FileWatch(List.of(file), f -> TlsFiles.read("--tls-client-ca", f),
        List.of(bytes), contents -> replace(contents.get(0)),
        () -> "the client CAs read before (" + trusted + ") are still trusted", LOG);
  }

  /**
   * Reads and checks the file now, to be read again every {@code interval} once watched.
   *
   * @throws IllegalArgumentException naming the flag and file of what is wrong
   */
  public static LiveClientCa of(Path file, Duration interval) {
    return of(file, interval, Clock.systemUTC());
  }

  /** As {@link #of(Path, Duration)}, "valid now" by {@code clock}: for tests. */
  static LiveClientCa of(Path file, Duration interval, Clock clock) {
    return new LiveClientCa(file, TlsFiles.read("--tls-client-ca", file), interval, clock);
  }

  /**
   * What a TLS engine asks, at each handshake, whether a client's chain is trusted. It names no
   * accepted issuers: an OpenSSL context sends the list it was built with in every certificate
   * request, and a client whose certificate is from a CA added later would not send it.
   */
  public X509ExtendedTrustManager trustManager() {
    return trust;
  }

  /** Reads the file every interval on {@code timer} until the future is cancelled. */
  public ScheduledFuture<?> watch(ScheduledExecutorService timer) {
    return changes.watch(timer, interval);
  }

  /** One tick, as the timer runs it. */
  void check() {
    changes.check();
  }

  private void replace(byte[] bytes) {
    String was = trusted;
    put(TlsFiles.clientCas(file, bytes, clock.instant()));
    LOG.info("--tls-client-ca " + file + " reloaded: trusting client certificates of "
        + trusted + " (was " + was + ")");
  }

  private void put(List<X509Certificate> cas) {
    try {
      manager.updateTrustCredentials(cas.toArray(X509Certificate[]::new));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("--tls-client-ca " + file + ": " + e.getMessage(), e);
    }
    trusted = cas.stream().map(c -> c.getSubjectX500Principal().getName())
        .collect(Collectors.joining("; "));
  }

  /** The CAs' trust manager, naming no accepted issuers (see {@link #trustManager()}). */
  private static final class AnyIssuerNamed extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager checks;

    AnyIssuerNamed(X509ExtendedTrustManager checks) {
      this.checks = checks;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String auth, Socket s)
        throws CertificateException {
      checks.checkClientTrusted(chain, auth, s);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String auth, SSLEngine e)
        throws CertificateException {
      checks.checkClientTrusted(chain, auth, e);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String auth)
        throws CertificateException {
      checks.checkClientTrusted(chain, auth);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String auth, Socket s)
        throws CertificateException {
      checks.checkServerTrusted(chain, auth, s);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String auth, SSLEngine e)
        throws CertificateException {
      checks.checkServerTrusted(chain, auth, e);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String auth)
        throws CertificateException {
      checks.checkServerTrusted(chain, auth);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
