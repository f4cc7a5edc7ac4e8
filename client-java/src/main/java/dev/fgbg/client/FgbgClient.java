package dev.fgbg.client;

import dev.fgbg.v1.DatasetInfo;
import dev.fgbg.v1.DatasetSummary;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.ExportProgress;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.GalleryRequest;
import dev.fgbg.v1.GalleryResponse;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.ListDatasetsRequest;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.ServerStatsRequest;
import dev.fgbg.v1.ServerStatsResponse;
import dev.fgbg.v1.StatsProgress;
import dev.fgbg.v1.StatsRequest;
import dev.fgbg.v1.StatsResponse;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.CallCredentials;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A client for an fgbg server. Every call carries a deadline; errors arrive as
 * {@link io.grpc.StatusRuntimeException} with the server's status and message (a failed
 * connection's, or a passed deadline's, in words naming the target). Thread-safe: threads may
 * share one client. Closing it closes its open streams (and removes their shared-memory rings);
 * a closed client refuses new calls with an IllegalStateException.
 *
 * <pre>{@code
 * try (FgbgClient c = FgbgClient.builder().target("localhost:50051").build();
 *      BatchIterator it = c.streamEpoch(StreamEpochRequest.newBuilder()
 *          .setDataset("builtin").setBatchSize(32).setShuffle(true).build())) {
 *   while (it.hasNext()) { Batch b = it.next(); ... }
 * }
 * }</pre>
 */
public final class FgbgClient implements AutoCloseable {
  private final ManagedChannel managed;
  private final Channel channel;
  private final boolean ownsChannel;
  private final PastDeadline.Bound deadline;
  private final PastDeadline.Bound streamDeadline;
  private final int maxInboundBytes;
  private final Map<String, DatasetInfo> described = new ConcurrentHashMap<>();
  private final ClientStreams streams;
  private final CallCredentials token;

  private FgbgClient(Builder b) {
    this.ownsChannel = b.channel == null;
    this.maxInboundBytes = b.maxInboundMessageBytes;
    this.managed = b.channel != null ? b.channel
        : b.keepalive.apply(Grpc.newChannelBuilder(b.target, ChannelSecurity.credentials(b.tls,
            b.trustedCertificates, b.clientCertificate, b.clientKey))
            .maxInboundMessageSize(b.maxInboundMessageBytes)).build();
    String named = b.channel != null ? managed.authority() : b.target;
    // TransportWords outermost: it sees the end ConnectBound gives a call (and leaves it).
    this.channel = ClientInterceptors.intercept(managed, new ConnectBound(named, b.deadline),
        new TransportWords(named, b.token));
    this.deadline = new PastDeadline.Bound("deadline", b.deadline);
    this.streamDeadline = new PastDeadline.Bound("streamDeadline", b.streamDeadline);
    this.streams = new ClientStreams(RingChoice.whyOff(b.sharedMemory, b.channel != null,
        b.target), named, b.deadline);
    this.token = b.token != null ? new BearerToken(b.token) : null;
  }

  /** A builder with the defaults: localhost:50051, plaintext, 30 s unary deadline. */
  public static Builder builder() {
    return new Builder();
  }

  /** A stub with the bearer token, if any, and {@code deadline} (named in a deadline's words). */
  private FgbgGrpc.FgbgBlockingStub stub(PastDeadline.Bound deadline) {
    streams.checkOpen();
    FgbgGrpc.FgbgBlockingStub stub = deadline.on(FgbgGrpc.newBlockingStub(channel));
    return token != null ? stub.withCallCredentials(token) : stub;
  }

  private FgbgGrpc.FgbgBlockingStub unary() {
    return stub(deadline).withMaxInboundMessageSize(maxInboundBytes);
  }

  /** The datasets the server serves, with their sizes. */
  public List<DatasetSummary> listDatasets() {
    return unary().listDatasets(ListDatasetsRequest.getDefaultInstance()).getDatasetsList();
  }

  /** {@code dataset}'s shapes, size, outputs and fingerprint. */
  public DatasetInfo describe(String dataset) {
    return unary().describe(DescribeRequest.newBuilder().setDataset(dataset).build());
  }

  /** The samples {@code request} names by index, in its order, as one batch (one call). */
  public Batch getSamples(GetSamplesRequest request) {
    SampleBatch m = unary().getSamples(request);
    return new Batch(0, m.getIndicesList(), m.getHeight(), m.getWidth(), m.getImages(),
        m.getMasks(), m.getDepth(), m.getDepthDtype(), m.getDepthHeight(), m.getDepthWidth(),
        m.getMetaList(), m.getFingerprint(), m.getInstances(), m.getBackgrounds(),
        m.getBackgroundDepths(), m.getBackgroundRowsList());
  }

  /** Samples {@code indices} of {@code dataset} under {@code seed}, every output it has. */
  public Batch getSamples(String dataset, long seed, long... indices) {
    GetSamplesRequest.Builder r = GetSamplesRequest.newBuilder().setDataset(dataset).setSeed(seed);
    for (long i : indices) {
      r.addIndices(i);
    }
    return getSamples(r.build());
  }

  /**
   * Whole batches of one epoch (or shard). Close the iterator (try-with-resources) unless you
   * read it to the end: until then it holds a server stream and, on this host, a shared-memory
   * ring in /dev/shm (tens of MiB that other local trainers need); see {@link BatchIterator}.
   */
  public BatchIterator streamEpoch(StreamEpochRequest request) {
    return streams.start(request, dataset -> described.computeIfAbsent(dataset, this::describe),
        (r, wrap) -> cancellable(stub -> stub.withMaxInboundMessageSize(maxInboundBytes)
            .streamEpoch(r), wrap));
  }

  /** Starts an export; progress messages until one with finished = true. Cancel by closing. */
  public ProgressIterator<ExportProgress> export(ExportRequest request) {
    return cancellable(stub -> stub.export(request), streams::progress);
  }

  /** Stats with progress messages (samples, rate, ETA) until a finished one; close: cancel. */
  public ProgressIterator<StatsProgress> statsWithProgress(StatsRequest request) {
    return cancellable(stub -> stub.statsWithProgress(request), streams::progress);
  }

  /** A streaming call under the stream deadline; closing what {@code wrap} makes cancels it. */
  private <M, I> I cancellable(Function<FgbgGrpc.FgbgBlockingStub, Iterator<M>> call,
      BiFunction<Iterator<M>, Context.CancellableContext, I> wrap) {
    Context.CancellableContext ctx = Context.current().withCancellation();
    Context prev = ctx.attach();
    try {
      return wrap.apply(call.apply(stub(streamDeadline)), ctx);
    } finally {
      ctx.detach(prev);
    }
  }

  /** Exact per-channel mean and std over a range (default: all), under the stream deadline. */
  public StatsResponse stats(StatsRequest request) {
    return stub(streamDeadline).stats(request);
  }

  /** Streaming counters and per-model depth cache and batcher figures. */
  public ServerStatsResponse serverStats() {
    return unary().serverStats(ServerStatsRequest.getDefaultInstance());
  }

  /** A PNG contact sheet of the selection's samples, for a quick look. */
  public GalleryResponse gallery(GalleryRequest request) {
    return unary().gallery(request);
  }

  /** The channel tries to connect now, not after gRPC's back-off (a reconnect window's try). */
  void reconnectNow() {
    managed.resetConnectBackoff();
  }

  /** Closes the open streams (removing their rings), the kept rings and an owned channel. */
  @Override
  public void close() {
    streams.close();
    if (ownsChannel) {
      managed.shutdownNow();
      try {
        managed.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Settings for a {@link FgbgClient}; each setter rejects a bad value naming it. */
  public static final class Builder {
    private String target = "localhost:50051";
    private ManagedChannel channel;
    private Duration deadline = Duration.ofSeconds(30);
    private Duration streamDeadline = Duration.ofHours(24);
    private int maxInboundMessageBytes = 64 << 20;
    private Boolean sharedMemory;
    private boolean tls;
    private Path trustedCertificates;
    private Path clientCertificate;
    private Path clientKey;
    private String token;
    private Keepalive keepalive = Keepalive.DEFAULT;

    private Builder() {}

    /** host:port, a bare host (port 50051) or dns:///host:port. Default: localhost:50051. */
    public Builder target(String target) {
      this.target = Targets.checked(target);
      return this;
    }

    /** Use an existing channel (tests, in-process); the client will not close it. */
    public Builder channel(ManagedChannel channel) {
      this.channel = Objects.requireNonNull(channel, "channel");
      return this;
    }

    /** Unary calls' deadline; a stream waits as long, 20 s at most, to connect. Default: 30 s. */
    public Builder deadline(Duration deadline) {
      this.deadline = Durations.positive("deadline", deadline);
      return this;
    }

    /** Deadline of a whole StreamEpoch, Export or Stats call. Default: 24 h. */
    public Builder streamDeadline(Duration streamDeadline) {
      this.streamDeadline = Durations.positive("streamDeadline", streamDeadline);
      return this;
    }

    /**
     * Keepalive: ping after {@code time} of silence while a call is open, and end its
     * calls UNAVAILABLE when {@code timeout} passes unanswered, so a hung replica fails over.
     * {@code time} at least 20 s (the server's limit), or zero for off. Default: 30 s, 20 s.
     */
    public Builder keepalive(Duration time, Duration timeout) {
      this.keepalive = Keepalive.of(time, timeout);
      return this;
    }

    /** Largest message accepted. Default: 64 MiB (a server message is at most a few MiB). */
    public Builder maxInboundMessageBytes(int bytes) {
      if (bytes < 1 << 20) {
        throw new IllegalArgumentException("maxInboundMessageBytes must be at least 1 MiB, got "
            + bytes);
      }
      this.maxInboundMessageBytes = bytes;
      return this;
    }

    /**
     * Offer the server a shared-memory ring for streams (true), never (false). Default: when the
     * target is this host (its names and addresses) and FGBG_SHM is not 0.
     */
    public Builder sharedMemory(boolean on) {
      this.sharedMemory = on;
      return this;
    }

    /** Speak TLS, trusting the JVM's certificate authorities (unless {@link #trust} names any). */
    public Builder tls() {
      this.tls = true;
      return this;
    }

    /** Speak TLS, trusting the CA certificates in this PEM file (e.g. a private CA). */
    public Builder trust(Path caPem) {
      this.trustedCertificates = Objects.requireNonNull(caPem, "trust");
      this.tls = true;
      return this;
    }

    /** Speak TLS and present this PEM certificate chain and PKCS#8 PEM key (mTLS). */
    public Builder clientCertificate(Path certPem, Path keyPem) {
      this.clientCertificate = Objects.requireNonNull(certPem, "clientCertificate");
      this.clientKey = Objects.requireNonNull(keyPem, "clientKey");
      this.tls = true;
      return this;
    }

    /** Send this bearer token with every call ({@code authorization: Bearer TOKEN}). */
    public Builder token(String token) {
      this.token = ChannelSecurity.checkedToken(token);
      return this;
    }

    /** Send the token in this file: its first line that is neither blank nor a # comment. */
    public Builder tokenFile(Path file) {
      return token(ChannelSecurity.readToken(file));
    }

    /** The client; it connects at its first call. */
    public FgbgClient build() {
      return new FgbgClient(this);
    }
  }
}
