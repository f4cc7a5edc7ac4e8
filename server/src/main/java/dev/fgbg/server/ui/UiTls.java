package dev.fgbg.server.ui;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import dev.fgbg.server.transport.ConnectOptions;
import dev.fgbg.server.transport.NettyListener;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * HTTPS for the UI from the gRPC port's PEM files: the certificate and key through the gRPC
 * port's own key manager ({@link dev.fgbg.server.transport.LiveKeys}, so a reloaded pair is served
 * here too), and {@code --tls-client-ca}, which makes client certificates required here too,
 * through the gRPC port's own trust manager ({@link dev.fgbg.server.transport.LiveClientCa}), so
 * both ports trust the same CAs, reloaded or not; and the gRPC port's cipher suites
 * ({@link NettyListener#CIPHERS}).
 */
final class UiTls {
  private UiTls() {}

  static HttpsConfigurator configurator(ConnectOptions c) {
    try {
      TrustManager[] trust = null;
      if (c.clientCa() != null) {
        // The gRPC port's trust manager: a reloaded CA file is trusted here too.
        trust = new TrustManager[] {c.clientCa().trustManager()};
      }
      SSLContext context = SSLContext.getInstance("TLS");
      // The gRPC port's key manager: a reloaded pair is served here too.
      context.init(new KeyManager[] {c.keys().keyManager()}, trust, null);
      boolean clientCertificates = c.tlsClientCa() != null;
      // The gRPC port's suites (AEAD, forward secrecy), those this JDK has: the JDK's default
      // list also offers TLS 1.2 CBC and static-RSA suites.
      List<String> supported = List.of(context.getSupportedSSLParameters().getCipherSuites());
      String[] ciphers = NettyListener.CIPHERS.stream().filter(supported::contains)
          .toArray(String[]::new);
      return new HttpsConfigurator(context) {
        @Override
        public void configure(HttpsParameters p) {
          SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
          ssl.setCipherSuites(ciphers);
          ssl.setNeedClientAuth(clientCertificates);
          p.setSSLParameters(ssl);
        }
      };
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("--tls-cert " + c.tlsCert() + ", --tls-key "
          + c.tlsKey() + (c.tlsClientCa() != null ? ", --tls-client-ca " + c.tlsClientCa() : "")
          + ": the web UI cannot use them (" + e.getMessage() + ")", e);
    }
  }
}
