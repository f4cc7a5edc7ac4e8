package dev.fgbg.server.ui;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import dev.fgbg.server.grpc.ConnectOptions;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * HTTPS for the UI from the gRPC port's PEM files: the certificate and key through the gRPC
 * port's own key manager ({@link dev.fgbg.server.grpc.LiveKeys}, so a reloaded pair is served
 * here too), and {@code --tls-client-ca}, which makes client certificates required here too,
 * read by gRPC's own PEM readers so both ports accept the same files.
 */
final class UiTls {
  private UiTls() {}

  static HttpsConfigurator configurator(ConnectOptions c) {
    try {
      TrustManager[] trust = null;
      if (c.tlsClientCa() != null) {
        AdvancedTlsX509TrustManager t = AdvancedTlsX509TrustManager.newBuilder()
            .setVerification(AdvancedTlsX509TrustManager.Verification
                .CERTIFICATE_ONLY_VERIFICATION).build();
        t.updateTrustCredentials(c.tlsClientCa().toFile());
        trust = new TrustManager[] {t};
      }
      SSLContext context = SSLContext.getInstance("TLS");
      // The gRPC port's key manager: a reloaded pair is served here too.
      context.init(new KeyManager[] {c.keys().keyManager()}, trust, null);
      boolean clientCertificates = c.tlsClientCa() != null;
      return new HttpsConfigurator(context) {
        @Override
        public void configure(HttpsParameters p) {
          SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
          ssl.setNeedClientAuth(clientCertificates);
          p.setSSLParameters(ssl);
        }
      };
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("--tls-cert " + c.tlsCert() + ", --tls-key "
          + c.tlsKey() + (c.tlsClientCa() != null ? ", --tls-client-ca " + c.tlsClientCa() : "")
          + ": the web UI cannot use them (" + e.getMessage() + ")", e);
    }
  }
}
