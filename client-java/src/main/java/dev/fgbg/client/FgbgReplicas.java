package dev.fgbg.client;

import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Several interchangeable fgbg servers (replicas behind one name, or listed), with ranks spread
 * over them by affinity: rank r streams from replica {@code r mod n} and, when that replica
 * stops answering, fails over to the next one, resuming at the first batch it had not yet
 * delivered. Affinity rather than gRPC's {@code round_robin}: a rank's whole epoch is one
 * call, so round_robin would place ranks by call order, not evenly, and could not resume a
 * broken stream anyway; a fixed rank-to-replica map also keeps each replica's depth cache hot
 * across unshuffled epochs (a rank sees the same samples every epoch). Every process computes
 * the same map, because the addresses are sorted.
 *
 * <p>One job, one data: replicas that serve other data under the same dataset name (another
 * config or model, a rolling update half done) are never mixed. The fingerprint every stream
 * keeps to is decided once ({@link #fingerprint}: the first replica in the targets' order that
 * answers Describe, the same in every rank and process), unless the caller gives one.
 *
 * <p>Targets: {@code "host:port,host:port,..."} (that order), or {@code "dns:///name:port"}
 * (every address the name resolves to, e.g. a Kubernetes headless Service), or one
 * {@code "host:port"}; each entry is read by the client's one rule ({@link Targets}, as
 * {@link FgbgClient.Builder#target}): a bare host means port 50051, {@code unix:PATH} is taken.
 *
 * <p>Thread-safe: a process's rank threads may share one (its clients are thread-safe, the
 * decided fingerprints and the silent replicas are concurrent maps, the rest is fixed when it
 * is made; the first streams of several threads agree on one fingerprint). Each
 * {@link FailoverBatchIterator} it makes is read by one thread and may be closed by any.
 * Close it after the streams it made: closing it closes its clients, which cancels their calls.
 */
public final class FgbgReplicas implements AutoCloseable {
  private static final String DNS = Targets.DNS;

  private final List<String> targets;
  private final List<FgbgClient> clients;
  private final Duration reconnect;
  private final Map<String, String> fingerprints; // dataset: the data its streams keep to
  private final SilentReplicas silent; // those that lately did not answer: asked last
  final AtomicBoolean closed; // by close, its or withReconnect's copy's (the same clients)

  private FgbgReplicas(List<String> targets, List<FgbgClient> clients, Duration reconnect,
      Map<String, String> fingerprints, SilentReplicas silent, AtomicBoolean closed) {
    this.targets = targets;
    this.clients = clients;
    this.reconnect = reconnect;
    this.fingerprints = fingerprints;
    this.silent = silent;
    this.closed = closed;
  }

  private FgbgReplicas(List<String> targets, List<FgbgClient> clients, LongSupplier nanos) {
    this(targets, clients, Duration.ZERO, new ConcurrentHashMap<>(),
        new SilentReplicas(targets, nanos), new AtomicBoolean());
  }

  /** One client per replica of {@code targets}, each made by {@code connect(target)}. */
  public static FgbgReplicas connect(String targets, Function<String, FgbgClient> connect) {
    return connect(targets, connect, System::nanoTime);
  }

  /** As {@link #connect(String, Function)}, timing the silent replicas by {@code nanos}. */
  static FgbgReplicas connect(String targets, Function<String, FgbgClient> connect,
      LongSupplier nanos) {
    List<String> all = resolve(targets);
    List<FgbgClient> clients = new ArrayList<>(all.size());
    try {
      for (String t : all) {
        clients.add(connect.apply(t));
      }
    } catch (RuntimeException e) {
      clients.forEach(FgbgClient::close);
      throw e;
    }
    return new FgbgReplicas(all, clients, nanos);
  }

  /** With default client settings. */
  public static FgbgReplicas connect(String targets) {
    return connect(targets, t -> FgbgClient.builder().target(t).build());
  }

  /**
   * One server as the only replica, through {@code client} (closed with these replicas), so
   * that its streams can ride through its restart ({@link #withReconnect}); {@code target} names it
   * in log lines.
   */
  public static FgbgReplicas of(String target, FgbgClient client) {
    return new FgbgReplicas(List.of(target), List.of(client), System::nanoTime);
  }

  /** The replicas {@code targets} names; IllegalArgumentException naming a bad one. */
  public static List<String> resolve(String targets) {
    if (targets == null || targets.isBlank()) {
      throw new IllegalArgumentException("targets must be host:port[,host:port...] or "
          + "dns:///name:port, got '" + targets + "'");
    }
    Set<String> out = new LinkedHashSet<>();
    for (String raw : targets.split(",", -1)) {
      Targets.entry(raw, targets);
      // The client's one rule (Targets): a bare host means port 50051, a port is checked.
      String t = Targets.checked(raw);
      if (!t.startsWith(DNS)) {
        out.add(t); // host:port, [v6]:port or a unix: socket, as gRPC takes it
        continue;
      }
      String hostPort = t.substring(DNS.length());
      int colon = hostPort.lastIndexOf(':');
      int port = Integer.parseInt(hostPort.substring(colon + 1));
      String host = hostPort.substring(0, colon);
      List<String> found = new ArrayList<>();
      try {
        for (InetAddress a : InetAddress.getAllByName(host)) {
          String ip = a.getHostAddress();
          found.add((ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port);
        }
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("target '" + t + "': " + host + " does not resolve", e);
      }
      found.sort(null);
      out.addAll(found);
    }
    return List.copyOf(out);
  }

  /**
   * The replicas' targets (host:port, [v6]:port or unix:PATH, as gRPC takes them), in replica
   * order (sorted addresses for a DNS name).
   */
  public List<String> targets() {
    return targets;
  }

  /** How many replicas there are. */
  public int size() {
    return targets.size();
  }

  /** The client of replica {@code replica} (an index into {@link #targets()}). */
  public FgbgClient client(int replica) {
    return clients.get(replica);
  }

  /** The replica rank {@code rank} starts on. */
  public int home(int rank) {
    return Math.floorMod(rank, targets.size());
  }

  /**
   * These replicas, through the same clients (closing either closes them), with a reconnect
   * window: how long their streams keep trying once every replica in turn was unavailable
   * (e.g. the only server restarts), with a capped back-off, before they give up; they then
   * resume exactly, as a failover does. Zero (the default): they give up at once. Other
   * statuses, and a server that came back with other data, end a stream at once either way.
   *
   * @throws IllegalArgumentException unless zero or positive, at most 36,500 days
   */
  public FgbgReplicas withReconnect(Duration window) {
    return new FgbgReplicas(targets, clients, ReconnectWindow.checked(window), fingerprints,
        silent, closed);
  }

  /** The reconnect window of {@link #withReconnect}; zero: none. */
  public Duration reconnect() {
    return reconnect;
  }

  /**
   * The request's batches from its rank's home replica, failing over to the next replicas
   * (and resuming exactly) when one becomes unavailable or serves other data than
   * {@link #fingerprint}. Close it to stop early.
   */
  public FailoverBatchIterator streamEpoch(StreamEpochRequest request) {
    return new FailoverBatchIterator(this, request, reconnect, null);
  }

  /**
   * As {@link #streamEpoch(StreamEpochRequest)}, keeping to {@code fingerprint} (e.g. the one a
   * job's first process described and handed to the others) rather than {@link #fingerprint}.
   */
  public FailoverBatchIterator streamEpoch(StreamEpochRequest request, String fingerprint) {
    if (fingerprint == null || fingerprint.isEmpty()) {
      throw new IllegalArgumentException("fingerprint must be a dataset's fingerprint (from "
          + "describe), got '" + fingerprint + "'");
    }
    return new FailoverBatchIterator(this, request, reconnect, fingerprint);
  }

  /**
   * The fingerprint of {@code dataset} that every stream of these replicas keeps to, decided
   * once: the one the first replica in the targets' order that answers Describe serves (the
   * same in every rank and process, whatever their home replicas). Replicas that are
   * unavailable or do not answer within the deadline (a hung one) are passed over; when all
   * are, it fails with the last one's status naming them all ({@link #noneAnswered}), or
   * waits within the reconnect window ({@link #withReconnect}). Other statuses fail at once.
   */
  public String fingerprint(String dataset) {
    return fingerprint(dataset, new ReconnectWindow(reconnect), () -> false);
  }

  /** As {@link #fingerprint(String)}, ending with the last status once {@code stop} says so. */
  String fingerprint(String dataset, ReconnectWindow window, BooleanSupplier stop) {
    String known = fingerprints.get(dataset);
    if (known != null) {
      return known;
    }
    // The targets' order (a replica that lately did not answer last), by the calls' one rule;
    // a Describe's deadline is no answer already: not probed.
    String served = new FailoverCalls(this, 0, null).call("Describe",
        c -> c.describe(dataset).getFingerprint(), null, window, stop, false);
    return fingerprints.computeIfAbsent(dataset, d -> served); // a racing stream's wins
  }

  /**
   * Unary calls (GetSamples, Describe, ListDatasets, Stats, Gallery) that fail over from rank
   * {@code rank}'s home replica to the next ones when one is unavailable, as streams do:
   * {@link FailoverCalls}. {@code who} names the caller in the line logged per move.
   */
  public FailoverCalls calls(int rank, String who) {
    return new FailoverCalls(this, rank, who);
  }

  /** The replicas that lately did not answer, which streams ask last. */
  SilentReplicas silent() {
    return silent;
  }

  /**
   * {@code e}, the status of {@code last} when every one of {@code targets} in turn failed,
   * naming them all (the Python client's words): UNAVAILABLE's words with all of them where
   * they name {@code last} ("no fgbg server answers at a:1, b:2 (...)"), else "(asked a:1, b:2
   * in turn)" after its words, with ": none answered" for a deadline. One replica: {@code e}.
   */
  static StatusRuntimeException noneAnswered(StatusRuntimeException e, String last,
      List<String> targets) {
    if (targets.size() < 2) {
      return e;
    }
    Status s = e.getStatus();
    String said = s.getDescription() == null ? s.getCode().toString() : s.getDescription();
    String all = String.join(", ", targets);
    int at = s.getCode() == Status.Code.UNAVAILABLE ? said.indexOf(last) : -1;
    // Words that do not name it (a stopping server's, GOAWAY) came from a server that answered.
    String none = s.getCode() == Status.Code.DEADLINE_EXCEEDED ? ": none answered" : "";
    said = at >= 0 ? said.substring(0, at) + all + said.substring(at + last.length())
        : said + " (asked " + all + " in turn" + none + ")";
    return new StatusRuntimeException(s.withDescription(said), e.getTrailers());
  }

  /**
   * The fingerprint of {@code dataset} these replicas keep to: the one already decided, else
   * {@code served} (one replica: its first batch's), which then is.
   */
  String keep(String dataset, String served) {
    String known = fingerprints.putIfAbsent(dataset, served);
    return known == null ? served : known;
  }

  /** Every replica's channel tries to connect at once, not after gRPC's own back-off. */
  void reconnectNow() {
    clients.forEach(FgbgClient::reconnectNow);
  }

  @Override
  public void close() {
    closed.set(true); // before the clients: a stream their close ends sees why
    clients.forEach(FgbgClient::close);
  }
}
