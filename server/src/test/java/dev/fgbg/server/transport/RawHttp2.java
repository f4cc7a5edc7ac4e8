package dev.fgbg.server.transport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * An HTTP/2 client written by hand on a plain socket, for peers that grpc-java's client will not
 * be (headers over the server's advertised limit, a reset of a stream never opened).
 */
final class RawHttp2 implements AutoCloseable {
  static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
      .getBytes(StandardCharsets.US_ASCII);
  static final int HEADERS = 1;
  private static final int RST_STREAM = 3;
  private static final int SETTINGS = 4;
  private static final int PING = 6;
  private static final int GOAWAY = 7;
  private static final int CONTINUATION = 9;
  static final int END_HEADERS = 4;
  private static final int MAX_FRAME = 16384;

  private final Socket socket;
  private final OutputStream out;

  /** Connects and sends the preface and an empty SETTINGS frame. */
  RawHttp2(int port) throws IOException {
    this(new Socket("127.0.0.1", port));
  }

  /** As {@link #RawHttp2(int)}, over TLS (ALPN h2) to a server whose CA is in {@code ca}. */
  static RawHttp2 tls(int port, Path ca) throws IOException, GeneralSecurityException {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    try (InputStream pem = Files.newInputStream(ca)) {
      trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
          .generateCertificate(pem));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    SSLParameters h2 = socket.getSSLParameters();
    h2.setApplicationProtocols(new String[] {"h2"});
    socket.setSSLParameters(h2);
    socket.startHandshake();
    return new RawHttp2(socket);
  }

  private RawHttp2(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(30_000);
    this.out = socket.getOutputStream();
    out.write(PREFACE);
    frame(SETTINGS, 0, 0, new byte[0]);
    out.flush();
  }

  /**
   * Opens stream {@code id}: a gRPC call to {@code path} with one more header {@code name} of
   * {@code valueBytes} bytes (in CONTINUATION frames past 16 KiB), no body yet.
   */
  void call(int id, String path, String name, int valueBytes) throws IOException {
    call(id, path, name, valueBytes, true);
  }

  /** As the other {@code call}; without "te: trailers" unless {@code trailers}. */
  void call(int id, String path, String name, int valueBytes, boolean trailers)
      throws IOException {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    literal(block, ":method", "POST");
    literal(block, ":scheme", "http");
    literal(block, ":path", path);
    literal(block, ":authority", "localhost");
    literal(block, "content-type", "application/grpc");
    if (trailers) {
      literal(block, "te", "trailers");
    }
    literal(block, name, "z".repeat(valueBytes));
    byte[] b = block.toByteArray();
    for (int at = 0; at < b.length || at == 0; at += MAX_FRAME) {
      int n = Math.min(MAX_FRAME, b.length - at);
      byte[] part = new byte[n];
      System.arraycopy(b, at, part, 0, n);
      int flags = at + n >= b.length ? END_HEADERS : 0;
      frame(at == 0 ? HEADERS : CONTINUATION, flags, id, part);
    }
    out.flush();
  }

  /**
   * Sends a PING and reads frames until its ACK: the server has handled every frame sent
   * before it. False when the server closes the connection first.
   */
  boolean ping() throws IOException {
    frame(PING, 0, 0, new byte[8]);
    out.flush();
    DataInputStream in = new DataInputStream(socket.getInputStream());
    byte[] head = new byte[9];
    try {
      while (true) {
        in.readFully(head);
        int n = (head[0] & 0xff) << 16 | (head[1] & 0xff) << 8 | (head[2] & 0xff);
        in.readFully(new byte[n]);
        if (head[3] == PING && (head[4] & 1) != 0) {
          return true;
        }
      }
    } catch (EOFException | SocketException e) {
      return false;
    }
  }

  /**
   * Sends empty SETTINGS frames, {@code batch} at a time, never reading the server's ACKs, until
   * the server closes the connection or {@code most} are sent; the number sent.
   */
  long settingsFlood(int batch, long most) {
    byte[] frames = new byte[9 * batch];
    for (int k = 0; k < batch; k++) {
      frames[9 * k + 3] = SETTINGS;
    }
    long sent = 0;
    try {
      while (sent < most) {
        out.write(frames);
        sent += batch;
      }
      out.flush();
    } catch (IOException e) {
      // closed by the server: the flood's answer
    }
    return sent;
  }

  /** Sends one frame as given: for frames no client would send (a bad header block). */
  void send(int type, int flags, int stream, byte[] payload) throws IOException {
    frame(type, flags, stream, payload);
    out.flush();
  }

  /**
   * Reads frames on another thread until the server's GOAWAY: its error code (11 is
   * ENHANCE_YOUR_CALM), or -1 when the connection ends without one.
   */
  CompletableFuture<Integer> goaway() {
    return CompletableFuture.supplyAsync(() -> {
      try {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] head = new byte[9];
        while (true) {
          in.readFully(head);
          byte[] payload = new byte[(head[0] & 0xff) << 16 | (head[1] & 0xff) << 8
              | (head[2] & 0xff)];
          in.readFully(payload);
          if (head[3] == GOAWAY) {
            return ByteBuffer.wrap(payload, 4, 4).getInt();
          }
        }
      } catch (IOException e) {
        return -1;
      }
    });
  }

  /**
   * Reads the server's first frame, its SETTINGS: the value of setting {@code id}, or -1 when
   * the server does not send it (so the HTTP/2 default stands).
   */
  long setting(int id) throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    byte[] head = new byte[9];
    in.readFully(head);
    byte[] payload = new byte[(head[0] & 0xff) << 16 | (head[1] & 0xff) << 8 | (head[2] & 0xff)];
    in.readFully(payload);
    if (head[3] != SETTINGS) {
      throw new IOException("the server's first frame is of type " + head[3] + ", not SETTINGS");
    }
    ByteBuffer b = ByteBuffer.wrap(payload);
    while (b.remaining() >= 6) {
      int key = b.getShort() & 0xffff;
      long value = b.getInt() & 0xffffffffL;
      if (key == id) {
        return value;
      }
    }
    return -1;
  }

  /**
   * Reads frames on another thread until the connection ends, adding one to {@code ended} for
   * each stream the server ends: HEADERS with END_STREAM (a call's trailers) or RST_STREAM.
   */
  CompletableFuture<Void> countEnded(AtomicInteger ended) {
    return CompletableFuture.runAsync(() -> {
      try {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] head = new byte[9];
        while (true) {
          in.readFully(head);
          in.readFully(new byte[(head[0] & 0xff) << 16 | (head[1] & 0xff) << 8
              | (head[2] & 0xff)]);
          if ((head[3] == HEADERS && (head[4] & 1) != 0) || head[3] == RST_STREAM) {
            ended.incrementAndGet();
          }
        }
      } catch (IOException e) {
        // the connection ended
      }
    });
  }

  /** Resets stream {@code id} with CANCEL. */
  void reset(int id) throws IOException {
    frame(RST_STREAM, 0, id, new byte[] {0, 0, 0, 8});
    out.flush();
  }

  /** Waits for the server's first frame (its SETTINGS): false when it closes instead. */
  boolean answered() throws IOException {
    InputStream in = socket.getInputStream();
    for (int n = 0; n < 9; n++) {
      try {
        if (in.read() < 0) {
          return false;
        }
      } catch (SocketException e) {
        return false; // reset
      }
    }
    return true;
  }

  /** Whether a new connection is closed by the server within 10 s of its preface. */
  static boolean closedAtOnce(int port) throws IOException {
    RawHttp2 raw;
    try {
      raw = new RawHttp2(port);
    } catch (SocketException e) {
      return true; // closed before the preface was out
    }
    try (raw) {
      return raw.closedWithin(10_000);
    }
  }

  /**
   * Reads frames until the server closes the connection; false when it stays open {@code ms}.
   * Answers the server's PINGs, as every HTTP/2 client does: a server's graceful close (GOAWAY
   * and a PING) then ends at the answer, not after its 10 s wait for one.
   */
  boolean closedWithin(int ms) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    DataInputStream in = new DataInputStream(socket.getInputStream());
    byte[] head = new byte[9];
    try {
      while (true) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return false;
        }
        socket.setSoTimeout((int) left);
        in.readFully(head);
        byte[] payload = new byte[(head[0] & 0xff) << 16 | (head[1] & 0xff) << 8
            | (head[2] & 0xff)];
        in.readFully(payload);
        if (head[3] == PING && (head[4] & 1) == 0) {
          frame(PING, 1, 0, payload);
          out.flush();
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // the end of the stream, or a reset
    }
  }

  private void frame(int type, int flags, int stream, byte[] payload) throws IOException {
    int n = payload.length;
    out.write(new byte[] {(byte) (n >>> 16), (byte) (n >>> 8), (byte) n, (byte) type,
        (byte) flags, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8),
        (byte) stream});
    out.write(payload);
  }

  /** An HPACK literal header field without indexing, its name new, no Huffman coding. */
  private static void literal(ByteArrayOutputStream b, String name, String value) {
    b.write(0);
    string(b, name);
    string(b, value);
  }

  private static void string(ByteArrayOutputStream b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
    int v = bytes.length;
    if (v < 127) {
      b.write(v);
    } else {
      b.write(127);
      v -= 127;
      while (v >= 128) {
        b.write((v & 127) | 128);
        v >>>= 7;
      }
      b.write(v);
    }
    b.writeBytes(bytes);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
