package dev.fgbg.server.transport;

import dev.fgbg.common.Durations;
import dev.fgbg.common.InWords;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Who may connect, and how: the addresses listened on, TLS (and mTLS), bearer tokens,
 * reflection, connection keepalive, age and idle time, connections per client and the handshake
 * timeout. Immutable; the builder rejects a bad value
 * naming its {@code fgbg serve} flag.
 *
 * @param hosts the addresses to listen on; empty for loopback (127.0.0.1 and ::1 as available)
 * @param tlsCert PEM certificate chain served, or null for plaintext
 * @param tlsKey PEM (PKCS#8) private key of {@code tlsCert}, or null
 * @param tlsClientCa PEM CA certificates client certificates must chain to (mTLS), or null
 * @param tokens the bearer tokens callers must present ({@link LiveTokens#NONE}: none asked),
 *     reloaded while the server runs when they come from {@code --token-file}
 * @param insecure plaintext without tokens beyond loopback is allowed
 * @param reflection whether gRPC server reflection (v1 and v1alpha) is served
 * @param keepaliveTime how long a connection may be idle before the server pings it; null for
 *     gRPC's default (2 h)
 * @param maxConnectionAge how long a connection lives before the server asks the client to make
 *     a new one (calls under way finish); null for no limit
 * @param maxConnectionIdle how long a connection may go without a call open before the server
 *     closes it (GOAWAY: a client makes a new one for its next call)
 * @param maxConnectionsPerClient connections one peer IP address may hold open; one more
 *     closes the peer's quietest connection (only health watches or unread streams), if quiet
 *     long enough, else is closed
 * @param handshakeTimeout how long a new connection may take to send the HTTP/2 preface and
 *     SETTINGS (and finish TLS) before the server closes it
 * @param keys the pair of {@code tlsCert} and {@code tlsKey} served, reloaded while the server
 *     runs when the files change; null exactly when plaintext
 * @param clientCa the CAs of {@code tlsClientCa} trusted, reloaded while the server runs when
 *     the file changes; null exactly when {@code tlsClientCa} is
 */
public record ConnectOptions(List<InetAddress> hosts, Path tlsCert, Path tlsKey, Path tlsClientCa,
    LiveTokens tokens, boolean insecure, boolean reflection, Duration keepaliveTime,
    Duration maxConnectionAge, Duration maxConnectionIdle, int maxConnectionsPerClient,
    Duration handshakeTimeout, LiveKeys keys, LiveClientCa clientCa) {
  /** Idle connections end after this long (each holds a file descriptor and some memory). */
  public static final Duration DEFAULT_MAX_CONNECTION_IDLE = Duration.ofMinutes(5);
  /**
   * Room for a NAT'd group of training hosts: a DataLoader worker holds a connection of its own,
   * so 8 GPUs with 16 workers each is 128 connections a host, and 8 such hosts fit; and a
   * small share of a server's file descriptors (Java raises its limit to the hard one: 524288
   * under systemd), so one host cannot take them all.
   */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 1024;
  /**
   * A connection counts toward its client's cap from its first byte, and idle time is not
   * counted before the handshake, so with gRPC's default (120 s) 1,024 sockets that sent half a
   * preface locked every local client out for two minutes; a real client, even over TLS across
   * a WAN, handshakes in well under a second.
   */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  /**
   * How often the token and TLS files are read for changes: a rotated credential is in force
   * within this long of the file's change, for the cost of reading a few small files.
   */
  public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(10);

  public ConnectOptions {
    hosts = List.copyOf(hosts);
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both or "
          + "neither");
    }
    if (tlsClientCa != null && tlsCert == null) {
      throw new IllegalArgumentException("--tls-client-ca needs --tls-cert and --tls-key (mTLS "
          + "is TLS with client certificates)");
    }
    if (tlsCert != null) {
      TlsFiles.check(tlsCert, tlsKey, tlsClientCa, Instant.now());
    }
    if ((keys == null) != (tlsCert == null)) {
      throw new IllegalArgumentException("the served pair goes with --tls-cert and --tls-key");
    }
    Objects.requireNonNull(tokens, "tokens");
    positive("--keepalive-time", keepaliveTime);
    positive("--max-connection-age", maxConnectionAge);
    Objects.requireNonNull(maxConnectionIdle, "maxConnectionIdle");
    positive("--max-connection-idle", maxConnectionIdle);
    Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    positive("--handshake-timeout", handshakeTimeout);
    if (maxConnectionsPerClient < 1) {
      throw new IllegalArgumentException("--max-connections-per-client "
          + maxConnectionsPerClient + " must be at least 1");
    }
    // Fields are assigned after this body: test the parameters.
    if (beyondLoopback(hosts) && tlsCert == null && !tokens.required() && !insecure) {
      throw new IllegalArgumentException("--host " + names(hosts) + " listens beyond loopback "
          + "without TLS or tokens: give --tls-cert and --tls-key, or --token-file, or --insecure "
          + "to serve anyone who can reach the port in plaintext");
    }
  }

  private static void positive(String flag, Duration d) {
    if (d != null && (d.isZero() || d.isNegative())) {
      throw new IllegalArgumentException(flag + " " + Durations.words(d) + " must be positive");
    }
  }

  /** Whether any address listened on is not a loopback address (0.0.0.0 and :: are not). */
  public boolean beyondLoopback() {
    return beyondLoopback(hosts);
  }

  /** Whether this is plaintext without tokens beyond loopback (allowed by {@code insecure}). */
  public boolean plaintextBeyondLoopback() {
    return beyondLoopback() && tlsCert == null && !tokens.required();
  }

  /** The start-up WARNINGs of the gRPC port: {@link #warnings(String, List)} of --host. */
  public List<String> warnings() {
    return warnings("--host", hosts);
  }

  /**
   * The start-up WARNINGs of a port listening on {@code on} (given as {@code flag}: the gRPC
   * port's, the web UI's) under this access, beyond loopback without TLS: plaintext without
   * tokens (allowed by {@code --insecure}), or tokens that cross the network in clear (anyone on
   * the path can read one and call as its holder).
   */
  public List<String> warnings(String flag, List<InetAddress> on) {
    if (!beyondLoopback(on) || tlsCert != null) {
      return List.of();
    }
    if (!tokens.required()) {
      return List.of("--insecure: serving plaintext without tokens beyond loopback (" + flag
          + " " + names(on) + "); anyone who can reach the port may stream, export and read"
          + " what this server serves");
    }
    return List.of(flag + " " + names(on) + " listens beyond loopback with tokens and no TLS:"
        + " tokens are sent in clear, for anyone on the network path to read and reuse; add"
        + " --tls-cert/--tls-key");
  }

  /** One line for the start-up log: TLS, client certificates, tokens, reflection. */
  public String describe() {
    return (tlsCert == null ? "plaintext" : tlsClientCa == null ? "TLS"
        : "mTLS (client certificates required)")
        + (tokens.required() ? ", " + InWords.count(tokens.size(), "bearer token") : ", no tokens")
        + (tokens.file() != null ? " (--token-file read again every "
            + Durations.words(tokens.interval()) + ")" : "")
        + (reflection ? ", reflection on" : ", reflection off")
        + (keepaliveTime != null ? ", keepalive " + Durations.words(keepaliveTime) : "")
        + (maxConnectionAge != null ? ", max connection age "
            + Durations.words(maxConnectionAge) : "")
        + ", idle connections closed after " + Durations.words(maxConnectionIdle)
        + ", " + maxConnectionsPerClient + " connections per client"
        + ", handshakes within " + Durations.words(handshakeTimeout);
  }

  /** Whether the server speaks TLS. */
  public boolean tls() {
    return tlsCert != null;
  }

  private static boolean beyondLoopback(List<InetAddress> hosts) {
    return hosts.stream().anyMatch(a -> !a.isLoopbackAddress());
  }

  static String names(List<InetAddress> hosts) {
    return String.join(",", hosts.stream().map(InetAddress::getHostAddress).toList());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link ConnectOptions}; defaults: loopback, plaintext, no tokens, reflection on. */
  public static final class Builder {
    private final List<InetAddress> hosts = new ArrayList<>();
    private Path tlsCert;
    private Path tlsKey;
    private Path tlsClientCa;
    private AccessTokens tokens = AccessTokens.NONE;
    private Path tokenFile;
    private Duration reloadInterval = DEFAULT_RELOAD_INTERVAL;
    private boolean insecure;
    private boolean reflection = true;
    private Duration keepaliveTime;
    private Duration maxConnectionAge;
    private Duration maxConnectionIdle = DEFAULT_MAX_CONNECTION_IDLE;
    private int maxConnectionsPerClient = DEFAULT_MAX_CONNECTIONS_PER_CLIENT;
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;

    private Builder() {}

    /** Adds an address to listen on: an IP address or a host name (0.0.0.0 or :: for all). */
    public Builder host(String host) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("--host must be an address or host name, got '"
            + host + "'");
      }
      try {
        hosts.add(InetAddress.getByName(host.strip()));
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("--host " + host + ": no such address or host", e);
      }
      return this;
    }

    public Builder tls(Path cert, Path key) {
      this.tlsCert = cert;
      this.tlsKey = key;
      return this;
    }

    /** Requires client certificates chaining to these CAs (null: none asked for). */
    public Builder tlsClientCa(Path ca) {
      this.tlsClientCa = ca;
      return this;
    }

    /** These tokens, for good (in place of a token file). */
    public Builder tokens(AccessTokens tokens) {
      this.tokens = Objects.requireNonNull(tokens, "tokens");
      this.tokenFile = null;
      return this;
    }

    /** The tokens of {@code file}, read at {@link #build()} and again while serving. */
    public Builder tokenFile(Path file) {
      this.tokenFile = file;
      return this;
    }

    /**
     * How often {@code --token-file}, {@code --tls-cert} and {@code --tls-key} are read for
     * changes while serving. Null: {@link #DEFAULT_RELOAD_INTERVAL}.
     */
    public Builder reloadInterval(Duration d) {
      this.reloadInterval = d == null ? DEFAULT_RELOAD_INTERVAL : d;
      return this;
    }

    public Builder insecure(boolean insecure) {
      this.insecure = insecure;
      return this;
    }

    public Builder reflection(boolean reflection) {
      this.reflection = reflection;
      return this;
    }

    public Builder keepaliveTime(Duration d) {
      this.keepaliveTime = d;
      return this;
    }

    public Builder maxConnectionAge(Duration d) {
      this.maxConnectionAge = d;
      return this;
    }

    /** Null: the default, {@link #DEFAULT_MAX_CONNECTION_IDLE}. */
    public Builder maxConnectionIdle(Duration d) {
      this.maxConnectionIdle = d == null ? DEFAULT_MAX_CONNECTION_IDLE : d;
      return this;
    }

    public Builder maxConnectionsPerClient(int n) {
      this.maxConnectionsPerClient = n;
      return this;
    }

    /** Null: the default, {@link #DEFAULT_HANDSHAKE_TIMEOUT}. */
    public Builder handshakeTimeout(Duration d) {
      this.handshakeTimeout = d == null ? DEFAULT_HANDSHAKE_TIMEOUT : d;
      return this;
    }

    public ConnectOptions build() {
      positive("the reload interval", reloadInterval);
      LiveKeys keys = tlsCert != null && tlsKey != null
          ? LiveKeys.of(tlsCert, tlsKey, reloadInterval) : null;
      LiveClientCa clientCa = tlsClientCa != null && tlsCert != null
          ? LiveClientCa.of(tlsClientCa, reloadInterval) : null;
      return new ConnectOptions(hosts, tlsCert, tlsKey, tlsClientCa, tokenFile == null
          ? LiveTokens.fixed(tokens) : LiveTokens.of(tokenFile, reloadInterval), insecure,
          reflection, keepaliveTime, maxConnectionAge, maxConnectionIdle,
          maxConnectionsPerClient, handshakeTimeout, keys, clientCa);
    }
  }
}
