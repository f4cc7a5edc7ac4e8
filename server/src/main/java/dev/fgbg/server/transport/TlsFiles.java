package dev.fgbg.server.transport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the TLS files at start-up, so that a server never listens with material every client
 * would fail on (grpc-netty accepts a key that is not the certificate's, and an expired
 * certificate; clients then all fail with UNAVAILABLE). Each problem is refused in words,
 * naming the flag and the file: unreadable or not a regular file, not PEM, the wrong PEM type
 * (a key where a certificate belongs, a PKCS#1 or encrypted key), a certificate that is expired
 * or not yet valid or only for clients, a key that is not the certificate's, a client CA file
 * with a certificate that is not a CA.
 */
final class TlsFiles {
  /** Larger files are not PEM certificates or keys (and are not read whole). */
  static final long MAX_BYTES = 1 << 20;
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String ANY_USAGE = "2.5.29.37.0";
  private static final Map<String, String> SIGNATURES = Map.of("RSA", "SHA256withRSA",
      "EC", "SHA256withECDSA", "Ed25519", "Ed25519", "EdDSA", "Ed25519", "Ed448", "Ed448");

  private TlsFiles() {}

  /** One PEM block: its type ("CERTIFICATE", "PRIVATE KEY", …) and its bytes. */
  private record Block(String type, byte[] der) {}

  /**
   * Throws IllegalArgumentException naming the flags and files when the certificate chain, its
   * key or the client CA file would not serve TLS at {@code now}.
   */
  static void check(Path cert, Path key, Path clientCa, Instant now) {
    identity(cert, read("--tls-cert", cert), key, read("--tls-key", key), now);
    if (clientCa != null) {
      clientCas(clientCa, read("--tls-client-ca", clientCa), now);
    }
  }

  /**
   * The CA certificates in the bytes of {@code clientCa}, checked as at start-up (each valid at
   * {@code now} and a CA); an IllegalArgumentException naming the flag and file when not.
   */
  static List<X509Certificate> clientCas(Path clientCa, byte[] bytes, Instant now) {
    List<X509Certificate> cas = certificates("--tls-client-ca", clientCa, bytes, now);
    for (X509Certificate ca : cas) {
      if (ca.getBasicConstraints() < 0 && !(ca.getVersion() == 1 && selfIssued(ca))) {
        throw refused("--tls-client-ca", clientCa, "the certificate of "
            + ca.getSubjectX500Principal().getName() + " is not a CA certificate (no "
            + "basicConstraints CA:true): give the CA that issued the client certificates");
      }
    }
    return cas;
  }

  /** A certificate chain (leaf first) and its private key, as served. */
  record Identity(X509Certificate[] chain, PrivateKey key) {}

  /**
   * The chain and key in the bytes of {@code cert} and {@code key}, checked as at start-up
   * (valid at {@code now}, for servers, the key the leaf's); an IllegalArgumentException naming
   * the flag and file of what is wrong.
   */
  static Identity identity(Path cert, byte[] certBytes, Path key, byte[] keyBytes, Instant now) {
    List<X509Certificate> chain = certificates("--tls-cert", cert, certBytes, now);
    X509Certificate leaf = chain.get(0);
    serverUsage(cert, leaf);
    PrivateKey privateKey = privateKey(key, keyBytes, leaf);
    matches(cert, leaf, key, privateKey);
    return new Identity(chain.toArray(X509Certificate[]::new), privateKey);
  }

  private static boolean selfIssued(X509Certificate c) {
    return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
  }

  private static List<X509Certificate> certificates(String flag, Path file, byte[] bytes,
      Instant now) {
    List<Block> blocks = blocks(flag, file, bytes);
    List<X509Certificate> out = new ArrayList<>();
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException(e); // every JDK has X.509
    }
    for (Block b : blocks) {
      if (!b.type().equals("CERTIFICATE")) {
        continue;
      }
      try {
        out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
      } catch (CertificateException e) {
        throw refused(flag, file, "certificate " + (out.size() + 1) + " is not a valid X.509 "
            + "certificate");
      }
    }
    if (out.isEmpty()) {
      throw refused(flag, file, "holds " + blocks.get(0).type() + ", not a certificate"
          + (blocks.get(0).type().contains("KEY") ? " (are --tls-cert and --tls-key swapped?)"
              : ""));
    }
    for (X509Certificate c : out) {
      String who = c.getSubjectX500Principal().getName();
      try {
        c.checkValidity(Date.from(now));
      } catch (CertificateExpiredException e) {
        throw refused(flag, file, "the certificate of " + who + " expired on "
            + c.getNotAfter().toInstant() + "; renew it");
      } catch (CertificateNotYetValidException e) {
        throw refused(flag, file, "the certificate of " + who + " is not valid before "
            + c.getNotBefore().toInstant() + " (it is " + now + " here): check the clock or "
            + "the certificate");
      }
    }
    return out;
  }

  /** A certificate restricted to other uses (client authentication, say) cannot serve TLS. */
  private static void serverUsage(Path file, X509Certificate leaf) {
    List<String> usages;
    try {
      usages = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw refused("--tls-cert", file, "its extended key usage cannot be read");
    }
    if (usages != null && !usages.contains(SERVER_AUTH) && !usages.contains(ANY_USAGE)) {
      throw refused("--tls-cert", file, "the certificate of "
          + leaf.getSubjectX500Principal().getName() + " is not for servers (its extended key "
          + "usage lacks serverAuth); give a server certificate");
    }
  }

  private static PrivateKey privateKey(Path file, byte[] bytes, X509Certificate leaf) {
    List<Block> blocks = blocks("--tls-key", file, bytes);
    Block key = blocks.stream().filter(b -> b.type().endsWith("PRIVATE KEY")).findFirst()
        .orElseThrow(() -> refused("--tls-key", file, "holds " + blocks.get(0).type()
            + ", not a private key" + (blocks.get(0).type().equals("CERTIFICATE")
                ? " (are --tls-cert and --tls-key swapped?)" : "")));
    switch (key.type()) {
      case "PRIVATE KEY" -> { }
      case "ENCRYPTED PRIVATE KEY" -> throw refused("--tls-key", file, "is encrypted; give "
          + "an unencrypted PKCS#8 key (openssl pkcs8 -topk8 -nocrypt -in " + file + ")");
      default -> throw refused("--tls-key", file, "is a " + key.type() + " (PKCS#1 or SEC 1); "
          + "give it as PKCS#8: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
    }
    String algorithm = leaf.getPublicKey().getAlgorithm();
    try {
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(
          key.der()));
    } catch (GeneralSecurityException e) {
      throw refused("--tls-key", file, "is not a PKCS#8 " + algorithm + " private key, the "
          + "kind of key of the certificate in --tls-cert");
    }
  }

  /** The key signs, the certificate's public key verifies: the pair belongs together. */
  private static void matches(Path certFile, X509Certificate leaf, Path keyFile, PrivateKey key) {
    PublicKey pub = leaf.getPublicKey();
    String algorithm = SIGNATURES.get(pub.getAlgorithm());
    if (algorithm == null) {
      throw refused("--tls-cert", certFile, "has a " + pub.getAlgorithm() + " key; use an RSA, "
          + "EC or Ed25519 certificate");
    }
    byte[] challenge = new byte[32];
    new SecureRandom().nextBytes(challenge);
    boolean ok;
    try {
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(challenge);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(pub);
      verify.update(challenge);
      ok = verify.verify(signature);
    } catch (GeneralSecurityException e) {
      ok = false;
    }
    if (!ok) {
      throw new IllegalArgumentException("--tls-key " + keyFile + " is not the key of the "
          + "certificate in --tls-cert " + certFile + " (of "
          + leaf.getSubjectX500Principal().getName() + "): give the key it was issued for");
    }
  }

  private static List<Block> blocks(String flag, Path file, byte[] bytes) {
    String text = new String(bytes, StandardCharsets.US_ASCII);
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      try {
        out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
      } catch (IllegalArgumentException e) {
        throw refused(flag, file, "its " + m.group(1) + " block is not valid base64");
      }
    }
    if (out.isEmpty()) {
      throw refused(flag, file, "is not PEM (no -----BEGIN …----- block)");
    }
    return out;
  }

  /** The bytes of {@code file}; an IllegalArgumentException naming flag and file if it cannot. */
  static byte[] read(String flag, Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        throw refused(flag, file, Files.exists(file, LinkOption.NOFOLLOW_LINKS)
            ? "is not a regular file" : "no such file");
      }
      long size = Files.size(file);
      byte[] bytes = size > MAX_BYTES ? null : readAtMost(file, MAX_BYTES);
      if (bytes == null) {
        throw refused(flag, file, (size > MAX_BYTES ? "is " + size + " bytes" : "grew past "
            + MAX_BYTES + " bytes as it was read") + ", too large for a PEM file");
      }
      return bytes;
    } catch (AccessDeniedException e) {
      throw refused(flag, file, "cannot be read (permission denied)");
    } catch (NoSuchFileException e) {
      throw refused(flag, file, "no such file");
    } catch (IOException e) {
      throw refused(flag, file, "cannot be read (" + e.getMessage() + ")");
    }
  }

  /**
   * The bytes of {@code file}, read from one opening, or null when it holds more than
   * {@code max}: a file that grows after its size was checked is not read whole.
   */
  static byte[] readAtMost(Path file, long max) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes((int) max + 1);
      return bytes.length > max ? null : bytes;
    }
  }

  private static IllegalArgumentException refused(String flag, Path file, String why) {
    return new IllegalArgumentException(flag + " " + file + ": " + why);
  }
}
