package dev.fgbg.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * TLS material made at test time (EC P-256, valid for a day): a CA, a server certificate it
 * signed for localhost, 127.0.0.1 and ::1, a client certificate it signed, and a second CA with
 * a client certificate of its own (what a server must not trust). PEM files; keys are PKCS#8.
 *
 * @param dir where the files are
 */
public record TestCertificates(Path dir) {
  private static final AtomicLong SERIAL = new AtomicLong(1);

  public Path ca() {
    return dir.resolve("ca.pem");
  }

  public Path serverCert() {
    return dir.resolve("server.pem");
  }

  public Path serverKey() {
    return dir.resolve("server.key");
  }

  public Path clientCert() {
    return dir.resolve("client.pem");
  }

  public Path clientKey() {
    return dir.resolve("client.key");
  }

  /** A CA that signed none of the above. */
  public Path otherCa() {
    return dir.resolve("other-ca.pem");
  }

  public Path otherClientCert() {
    return dir.resolve("other-client.pem");
  }

  public Path otherClientKey() {
    return dir.resolve("other-client.key");
  }

  /** Writes every file into {@code dir}. */
  public static TestCertificates write(Path dir) {
    TestCertificates c = new TestCertificates(dir);
    try {
      Files.createDirectories(dir);
      KeyPair ca = keys();
      X509CertificateHolder caCert = sign("CN=fgbg test CA", ca, "CN=fgbg test CA", ca, true,
          null);
      pem(c.ca(), "CERTIFICATE", caCert.getEncoded());
      KeyPair server = keys();
      GeneralNames names = new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.dNSName, "localhost"),
          new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
          new GeneralName(GeneralName.iPAddress, "::1")});
      pem(c.serverCert(), "CERTIFICATE",
          sign("CN=localhost", server, "CN=fgbg test CA", ca, false, names).getEncoded());
      pem(c.serverKey(), "PRIVATE KEY", server.getPrivate().getEncoded());
      KeyPair client = keys();
      pem(c.clientCert(), "CERTIFICATE",
          sign("CN=trainer-1", client, "CN=fgbg test CA", ca, false, null).getEncoded());
      pem(c.clientKey(), "PRIVATE KEY", client.getPrivate().getEncoded());
      KeyPair other = keys();
      pem(c.otherCa(), "CERTIFICATE",
          sign("CN=other CA", other, "CN=other CA", other, true, null).getEncoded());
      KeyPair stranger = keys();
      pem(c.otherClientCert(), "CERTIFICATE",
          sign("CN=stranger", stranger, "CN=other CA", other, false, null).getEncoded());
      pem(c.otherClientKey(), "PRIVATE KEY", stranger.getPrivate().getEncoded());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
    return c;
  }

  /**
   * A self-signed certificate for localhost in {@code cert} and its PKCS#8 key in {@code key}:
   * valid over [{@code notBefore}, {@code notAfter}), a CA when {@code ca}, for clients only
   * (extended key usage clientAuth) when {@code clientOnly}.
   */
  public static void selfSigned(Path cert, Path key, Instant notBefore, Instant notAfter,
      boolean ca, boolean clientOnly) {
    try {
      KeyPair k = keys();
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=localhost"),
          BigInteger.valueOf(SERIAL.getAndIncrement()), Date.from(notBefore), Date.from(notAfter),
          new X500Name("CN=localhost"), k.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (clientOnly) {
        b.addExtension(Extension.extendedKeyUsage, false,
            new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      }
      pem(cert, "CERTIFICATE", b.build(new JcaContentSignerBuilder("SHA256withECDSA")
          .build(k.getPrivate())).getEncoded());
      pem(key, "PRIVATE KEY", k.getPrivate().getEncoded());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code pkcs8} (a PEM PKCS#8 key file) rewritten as its SEC 1 "EC PRIVATE KEY" form. */
  public static void sec1(Path pkcs8, Path out) {
    try {
      String text = Files.readString(pkcs8, StandardCharsets.US_ASCII);
      byte[] der = Base64.getMimeDecoder().decode(text.replaceAll("-----[A-Z ]+-----", ""));
      pem(out, "EC PRIVATE KEY", PrivateKeyInfo.getInstance(der).parsePrivateKey()
          .toASN1Primitive().getEncoded());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code der} as one PEM block of {@code type}. */
  public static void pemFile(Path file, String type, byte[] der) {
    try {
      pem(file, type, der);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static KeyPair keys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509CertificateHolder sign(String subject, KeyPair subjectKeys, String issuer,
      KeyPair issuerKeys, boolean isCa, GeneralNames names)
      throws IOException, OperatorCreationException {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
        BigInteger.valueOf(SERIAL.getAndIncrement()), Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(1))), new X500Name(subject), subjectKeys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    if (names != null) {
      b.addExtension(Extension.subjectAlternativeName, false, names);
    }
    return b.build(new JcaContentSignerBuilder("SHA256withECDSA")
        .build(issuerKeys.getPrivate()));
  }

  private static void pem(Path file, String type, byte[] der) throws IOException {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der);
    Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type
        + "-----\n", StandardCharsets.US_ASCII);
  }
}
