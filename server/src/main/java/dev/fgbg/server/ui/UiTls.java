package dev.fgbg.server.ui;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import dev.fgbg.server.grpc.ConnectOptions;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * HTTPS for the UI from the gRPC port's PEM files ({@code --tls-cert}, {@code --tls-key}, and
 * {@code --tls-client-ca}, which makes client certificates required here too), read by gRPC's
 * own PEM readers so both ports accept the same files.
 */
final class UiTls {
  private UiTls() {}

  static HttpsConfigurator configurator(ConnectOptions c) {
    try {
      AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
      keys.updateIdentityCredentials(c.tlsCert().toFile(), c.tlsKey().toFile());
      TrustManager[] trust = null;
      if (c.tlsClientCa() != null) {
        AdvancedTlsX509TrustManager t = AdvancedTlsX509TrustManager.newBuilder()
            .setVerification(AdvancedTlsX509TrustManager.Verification
                .CERTIFICATE_ONLY_VERIFICATION).build();
        t.updateTrustCredentials(c.tlsClientCa().toFile());
        trust = new TrustManager[] {t};
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {keys}, trust, null);
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
