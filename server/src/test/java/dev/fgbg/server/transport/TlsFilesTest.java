package dev.fgbg.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.server.Main;
import dev.fgbg.server.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS files that would make every client fail are refused at start-up, in words naming the
 * flags and files: a key that is not the certificate's, expired and not-yet-valid certificates,
 * a client CA that is not a CA, a certificate only for clients, swapped or wrong PEM types, a
 * PKCS#1/SEC 1 or encrypted key, a folder or a FIFO where a file belongs.
 */
class TlsFilesTest {
  @TempDir
  Path dir;
  private TestCertificates certs;

  @BeforeEach
  void write() {
    certs = TestCertificates.write(dir.resolve("tls"));
  }

  private String refusal(Path cert, Path key, Path ca) {
    ConnectOptions.Builder b = ConnectOptions.builder().tls(cert, key);
    if (ca != null) {
      b.tlsClientCa(ca);
    }
    return assertThrows(IllegalArgumentException.class, b::build).getMessage();
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefusedAtStartUpNamingBothFiles() throws Exception {
    assertEquals("--tls-key " + certs.clientKey() + " is not the key of the certificate in "
        + "--tls-cert " + certs.serverCert() + " (of CN=localhost): give the key it was issued "
        + "for", refusal(certs.serverCert(), certs.clientKey(), null));
    // Through the command line: exit 2, one line, before any dataset is built.
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    int code;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      code = Main.run(new String[] {"--tls-cert", certs.serverCert().toString(),
          "--tls-key", certs.otherClientKey().toString(), "--builtin-size", "16",
          "--builtin-counts", "1:1"});
    } finally {
      System.setErr(old);
    }
    assertEquals(2, code);
    String line = err.toString(StandardCharsets.UTF_8).strip();
    assertTrue(line.startsWith("fgbg: error: --tls-key " + certs.otherClientKey()
        + " is not the key of the certificate in --tls-cert " + certs.serverCert()), line);
    assertEquals(1, line.lines().count(), line);
  }

  @Test
  void certificatesOutOfTheirValidityAreRefusedWithTheirDates() {
    Instant now = Instant.now();
    Path cert = dir.resolve("old.pem");
    Path key = dir.resolve("old.key");
    TestCertificates.selfSigned(cert, key, now.minus(Duration.ofDays(30)),
        now.minus(Duration.ofDays(1)), false, false);
    String expired = refusal(cert, key, null);
    assertTrue(expired.startsWith("--tls-cert " + cert + ": the certificate of CN=localhost "
        + "expired on "), expired);
    TestCertificates.selfSigned(cert, key, now.plus(Duration.ofDays(1)),
        now.plus(Duration.ofDays(30)), false, false);
    String early = refusal(cert, key, null);
    assertTrue(early.startsWith("--tls-cert " + cert + ": the certificate of CN=localhost is "
        + "not valid before "), early);
    assertTrue(early.endsWith("check the clock or the certificate"), early);
    TestCertificates.selfSigned(cert, key, now.minus(Duration.ofDays(1)),
        now.plus(Duration.ofDays(30)), false, true);
    assertEquals("--tls-cert " + cert + ": the certificate of CN=localhost is not for servers "
        + "(its extended key usage lacks serverAuth); give a server certificate",
        refusal(cert, key, null));
    Path expiredCa = dir.resolve("expired-ca.pem");
    TestCertificates.selfSigned(expiredCa, dir.resolve("expired-ca.key"),
        now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)), true, false);
    assertTrue(refusal(certs.serverCert(), certs.serverKey(), expiredCa)
        .startsWith("--tls-client-ca " + expiredCa + ": the certificate of CN=localhost expired "
            + "on "));
  }

  @Test
  void aClientCaThatIsNotACaIsRefused() {
    assertEquals("--tls-client-ca " + certs.clientCert() + ": the certificate of CN=trainer-1 "
        + "is not a CA certificate (no basicConstraints CA:true): give the CA that issued the "
        + "client certificates", refusal(certs.serverCert(), certs.serverKey(),
            certs.clientCert()));
    // The real CA is accepted.
    assertTrue(ConnectOptions.builder().tls(certs.serverCert(), certs.serverKey())
        .tlsClientCa(certs.ca()).build().tls());
  }

  @Test
  void wrongPemTypesAndFilesAreNamed() throws Exception {
    assertEquals("--tls-cert " + certs.serverKey() + ": holds PRIVATE KEY, not a certificate "
        + "(are --tls-cert and --tls-key swapped?)",
        refusal(certs.serverKey(), certs.serverCert(), null));
    assertEquals("--tls-key " + certs.ca() + ": holds CERTIFICATE, not a private key (are "
        + "--tls-cert and --tls-key swapped?)", refusal(certs.serverCert(), certs.ca(), null));
    Path sec1 = dir.resolve("sec1.key");
    TestCertificates.sec1(certs.serverKey(), sec1);
    assertTrue(refusal(certs.serverCert(), sec1, null).startsWith("--tls-key " + sec1
        + ": is a EC PRIVATE KEY (PKCS#1 or SEC 1); give it as PKCS#8: openssl pkcs8 -topk8 "
        + "-nocrypt -in " + sec1));
    Path encrypted = dir.resolve("encrypted.key");
    TestCertificates.pemFile(encrypted, "ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3});
    assertTrue(refusal(certs.serverCert(), encrypted, null).startsWith("--tls-key " + encrypted
        + ": is encrypted; give an unencrypted PKCS#8 key"));
    Path garbage = dir.resolve("garbage.pem");
    TestCertificates.pemFile(garbage, "CERTIFICATE", new byte[] {48, 3, 1, 2, 3});
    assertEquals("--tls-cert " + garbage + ": certificate 1 is not a valid X.509 certificate",
        refusal(garbage, certs.serverKey(), null));
    Path folder = Files.createDirectory(dir.resolve("folder.key"));
    assertEquals("--tls-key " + folder + ": is not a regular file",
        refusal(certs.serverCert(), folder, null));
    Path fifo = dir.resolve("fifo.key");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertTrue(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0);
    assertEquals("--tls-key " + fifo + ": is not a regular file",
        refusal(certs.serverCert(), fifo, null));
  }
}
