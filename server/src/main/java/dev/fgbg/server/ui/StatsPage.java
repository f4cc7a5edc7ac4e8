package dev.fgbg.server.ui;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import dev.fgbg.core.Rate;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.load.Admission;
import dev.fgbg.core.sampling.Selection;
import dev.fgbg.core.stats.Histograms;
import dev.fgbg.core.stats.Stats;
import dev.fgbg.core.stats.StatsCalculator;
import dev.fgbg.server.status.ServerStopping;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Stats page's data, {@code /api/stats}: Stats over a selection (a range, every
 * {@code stride}-th index of it, or a seeded random {@code sample} of it), as the Stats call
 * computes them ({@link StatsCalculator}, on a lane of the server's workers, after a permit of
 * the server's Stats admission, counted against the caller's share as the RPC's are), streamed
 * as server-sent events: {@code progress} as samples are counted (each 2% of the selection, and
 * at most every 100 ms between), then {@code result} with
 * the means, standard deviations and exact histograms, or {@code failure}. Workers only queue
 * progress; the request's own thread writes it, so a slow browser never holds a worker.
 */
final class StatsPage {
  static final Set<String> PARAMS = Set.of("dataset", "seed", "start", "end", "stride",
      "sample", "outputs", "bins");
  private static final long PACE_NANOS = 100_000_000L;
  /** How often a queued Stats checks that its browser is still there. */
  static final long QUEUED_ROUND_MILLIS = 500;
  private static final int STEPS = 50;

  /** A checked request. */
  record Ask(Dataset dataset, long seed, Selection selection, Outputs outputs, int bins) {
    /** The page's title: "Stats · builtin". */
    String title() {
      return "Stats · " + dataset.name();
    }
  }

  record Progress(long done, long total, double samplesPerSecond, double etaSeconds) {}

  /** {@code se}: each mean's standard error over a random sample, else NaN (null in JSON). */
  record Channel(String unit, double[] mean, double[] std, Double[] se,
      List<long[]> histogram) {}

  record DepthChannel(String unit, double mean, double std, Double se, double[] edges,
      long[] counts) {}

  /** {@code population}: what a random sample was drawn from; 0 for a range or stride. */
  record Result(String dataset, String fingerprint, String seed, long start, long end,
      long stride, long sample, long population, long samples, Channel image, Channel mask,
      DepthChannel depth, double seconds) {}

  private final DatasetRegistry registry;
  private final StatsCalculator calculator;
  private final Admission admission;
  private final Executor runner;
  private final Ticker ticker;
  private final OpenRuns open;

  StatsPage(DatasetRegistry registry, StatsCalculator calculator, Admission admission,
      Executor runner, Ticker ticker) {
    this.registry = registry;
    this.calculator = calculator;
    this.admission = admission;
    this.runner = runner;
    this.ticker = ticker;
    this.open = new OpenRuns();
  }

  /** The parameters of the page ({@code extra} too) and of the API, checked alike. */
  static Ask check(Query q, DatasetRegistry registry, Set<String> extra) {
    Set<String> names = new HashSet<>(PARAMS);
    names.addAll(extra);
    q.allow(names);
    Dataset d = Params.dataset(q, registry);
    long start = q.number("start", 0, 0, d.size() - 1);
    long end = q.number("end", d.size(), start + 1, d.size());
    long stride = q.number("stride", 1, 1, d.size());
    long sample = q.number("sample", 0, 0, Selection.MAX_SAMPLE);
    long seed = Params.seed(q);
    Selection selection;
    try {
      selection = Selection.of(d.size(), d.name(), start, end, stride, sample, seed);
    } catch (FgbgException e) {
      throw HttpFailure.badRequest("parameters 'start', 'end', 'stride', 'sample': "
          + e.getMessage());
    }
    boolean image = true;
    boolean mask = true;
    boolean depth = d.hasDepth();
    List<String> asked = q.words("outputs");
    if (!asked.isEmpty()) {
      for (String w : asked) {
        if (!List.of("image", "mask", "depth").contains(w)) {
          throw HttpFailure.badRequest("parameter 'outputs': " + w + " is not one of image,"
              + " mask, depth");
        }
        if (w.equals("depth") && !d.hasDepth()) {
          throw HttpFailure.badRequest("parameter 'outputs': dataset " + Quoted.of(d.name())
              + " has no depth (depth source: " + d.depthSource() + ")");
        }
      }
      image = asked.contains("image");
      mask = asked.contains("mask");
      depth = asked.contains("depth");
    }
    return new Ask(d, seed, selection, new Outputs(image, mask, depth, false),
        q.integer("bins", 64, 1, 1024));
  }

  Reply api(Request r) {
    Ask a = check(r.query(), registry, Set.of());
    return Reply.stream("text/event-stream; charset=utf-8",
        open.track(out -> run(a, r.client(), out))).header("Cache-Control", "no-store");
  }

  /** Ends each open run with a {@code failure} event saying the server stops (see OpenRuns). */
  void stop() throws InterruptedException {
    open.stop();
  }

  /** {@code client}: counted against its share of the server's Stats, as the RPC's caller. */
  private void run(Ask a, String client, OutputStream out) throws IOException {
    CompletableFuture<Admission.Permit> admitted = admission.admit(client);
    if (!admitted.isDone()) {
      send(out, "queued", new Progress(0, a.selection.size(), 0, 0));
    }
    Admission.Permit permit;
    try {
      permit = awaitTurn(admitted, out, open);
    } catch (RuntimeException e) {
      send(out, "failure", new Failure(Failures.message(e)));
      return;
    }
    if (permit == null) {
      return; // interrupted: the UI stops
    }
    if (open.stopping()) { // its turn came as the UI stops (the runs before it stopped)
      permit.close();
      send(out, "failure", new Failure(ServerStopping.queued().getMessage()));
      return;
    }
    AtomicBoolean gone = new AtomicBoolean();
    try (permit) {
      long total = a.selection.size();
      long began = ticker.read();
      BlockingQueue<Progress> progress = new ArrayBlockingQueue<>(4 * STEPS);
      Object lock = new Object();
      long[] state = {0, began, 0}; // done, when last queued, last step queued
      Histograms h = new Histograms();
      CompletableFuture<Stats> result = CompletableFuture.supplyAsync(() ->
          calculator.compute(a.dataset, a.seed, a.selection, a.outputs, gone::get, n -> {
            synchronized (lock) {
              state[0] += n;
              long now = ticker.read();
              long step = state[0] * STEPS / total;
              if (state[0] < total && (step > state[2] || now - state[1] >= PACE_NANOS)) {
                state[1] = now;
                state[2] = step;
                progress.offer(progress(state[0], total, now - began));
              }
            }
          }, h), runner);
      send(out, "progress", progress(0, total, 0));
      while (!result.isDone()) {
        if (open.stopping()) {
          gone.set(true); // the computation stops too
          send(out, "failure", new Failure(OpenRuns.stopped().getMessage()));
          return;
        }
        Progress p = progress.poll(PACE_NANOS, TimeUnit.NANOSECONDS);
        if (p != null) {
          send(out, "progress", p);
        }
      }
      for (Progress p = progress.poll(); p != null; p = progress.poll()) {
        send(out, "progress", p);
      }
      Stats s;
      try {
        s = result.join();
      } catch (RuntimeException e) {
        send(out, "failure", new Failure(Failures.message(e)));
        return;
      }
      double seconds = (ticker.read() - began) / 1e9;
      send(out, "progress", progress(total, total, ticker.read() - began));
      send(out, "result", result(a, s, h, seconds));
    } catch (IOException | RuntimeException e) {
      gone.set(true); // the browser left or the server stops: the computation stops too
      throw e;
    } catch (InterruptedException e) {
      gone.set(true);
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The permit once its turn comes; null if interrupted. Meanwhile a comment line a round, so
   * that a browser gone is found (the write fails) and its place in the queue, counted against
   * the client's share, is given up rather than kept until its turn.
   */
  private static Admission.Permit awaitTurn(CompletableFuture<Admission.Permit> admitted,
      OutputStream out, OpenRuns open) throws IOException {
    while (true) {
      if (open.stopping()) { // as a queued gRPC Stats is told
        if (!admitted.cancel(false)) {
          admitted.thenAccept(Admission.Permit::close); // its turn came as the UI stops
        }
        throw ServerStopping.queued();
      }
      try {
        return admitted.get(QUEUED_ROUND_MILLIS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        try {
          out.write(": queued\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
        } catch (IOException gone) {
          if (!admitted.cancel(false)) {
            admitted.thenAccept(Admission.Permit::close); // admitted meanwhile: to the next
          }
          throw gone;
        }
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : new CompletionException(e);
      } catch (InterruptedException e) {
        admitted.cancel(false);
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  record Failure(String message) {}

  private static Progress progress(long done, long total, long nanos) {
    Rate rate = Rate.of(done, total, nanos);
    return new Progress(done, total, rate.perSecond(), rate.etaSeconds());
  }

  private static Result result(Ask a, Stats s, Histograms h, double seconds) {
    Outputs o = a.outputs;
    Channel image = o.image() ? new Channel("[0,1]", s.imageMean(), s.imageStd(),
        errors(s.imageSe()), List.of(h.image(0), h.image(1), h.image(2))) : null;
    Channel mask = o.mask() ? new Channel("[0,1]", new double[] {s.maskMean()},
        new double[] {s.maskStd()}, errors(new double[] {s.maskSe()}), List.of(h.mask())) : null;
    Histograms.Binned bins = o.depth() ? h.depth(a.bins) : null;
    DepthChannel depth = bins == null ? null : new DepthChannel(a.dataset.depthUnits(),
        s.depthMean(), s.depthStd(), errors(new double[] {s.depthSe()})[0], bins.edges(),
        bins.counts());
    Selection sel = a.selection;
    return new Result(a.dataset.name(), a.dataset.fingerprint(), Params.shown(a.seed),
        sel.start(), sel.end(), sel.stride(), sel.sample(), s.population(), s.samples(), image,
        mask, depth, seconds);
  }

  /** Standard errors for JSON: NaN (not a random sample) becomes null. */
  private static Double[] errors(double[] se) {
    Double[] out = new Double[se.length];
    for (int c = 0; c < se.length; c++) {
      out[c] = Double.isNaN(se[c]) ? null : se[c];
    }
    return out;
  }

  /** One server-sent event, flushed. */
  static void send(OutputStream out, String event, Object data) throws IOException {
    out.write(("event: " + event + "\ndata: " + Json.GSON.toJson(data) + "\n\n")
        .getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
