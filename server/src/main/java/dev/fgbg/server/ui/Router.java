package dev.fgbg.server.ui;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.fgbg.core.Quoted;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Dispatches the UI's requests (counted under way for the server's stop, {@link UnderWay}; 503 once
 * it stops): for a name the UI answers to ({@link HostCheck}; 421 otherwise), from the UI's own
 * pages for all but a page ({@link CrossSiteCheck}; 403), GET and HEAD only (405 otherwise), exact
 * paths (404 otherwise), the token check of {@link Access} (pages answer a sign-in page, data a
 * 401), and every failure through {@link Failures} as an HTML page, JSON or text, as the route is.
 * Adds the headers every reply carries: no sniffing, no framing, no referrer, a policy of this
 * origin's files only.
 */
final class Router implements HttpHandler {
  private static final Logger LOG = Logger.getLogger(Router.class.getName());
  private static final String POLICY = "default-src 'self'; img-src 'self' blob: data:; "
      + "style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
      + "base-uri 'none'; form-action 'self'";

  private static final String STOPPING = "the server is shutting down: it takes no new"
      + " requests, and those under way finish within its --shutdown-grace; try again once the"
      + " server is back";

  /** What a route answers with, and so how its failures are shown. */
  enum Kind { PAGE, API, FILE }

  /** {@code back}: the page a refusal of this route links back to (null: the datasets only). */
  private record Route(Kind kind, boolean open, Function<Request, Reply> handler,
      Resources.Back back) {}

  private final Access access;
  private final Resources resources;
  private final HostCheck hosts;
  private final UnderWay underWay;
  /** Whether a name is a dataset's: a page's links keep only a dataset that is there. */
  private final Predicate<String> dataset;
  private final Map<String, Route> routes = new HashMap<>();

  Router(Access access, Resources resources, HostCheck hosts, UnderWay underWay,
      Predicate<String> dataset) {
    this.access = access;
    this.underWay = underWay;
    this.resources = resources;
    this.hosts = hosts;
    this.dataset = dataset;
    for (String name : Resources.STATIC) {
      routes.put("/static/" + name, new Route(Kind.FILE, true, r -> resources.file(r, name),
          null));
    }
  }

  /**
   * A page: its parameters checked by {@code titled}, which answers the page's title (what it
   * shows: "Sample 7 · builtin", so tabs and history tell pages apart), then the shell with its
   * script. A refusal links {@code back} to the page without parameters (or to another).
   */
  Router page(String path, String page, Function<Query, String> titled, Resources.Back back) {
    routes.put(path, new Route(Kind.PAGE, false,
        r -> resources.page(200, page, titled.apply(r.query()), kept(r.query()), r.client()),
        back));
    return this;
  }

  Router api(String path, boolean open, Function<Request, Reply> handler) {
    routes.put(path, new Route(Kind.API, open, handler, null));
    return this;
  }

  /** A file; a refusal opened in a browser (as a page) links back to {@code back}. */
  Router file(String path, Function<Request, Reply> handler, Resources.Back back) {
    routes.put(path, new Route(Kind.FILE, false, handler, back));
    return this;
  }

  @Override
  public void handle(HttpExchange ex) {
    access.flush(false);
    boolean entered = underWay.enter();
    try (ex) {
      serve(ex, entered);
    } catch (IOException e) {
      LOG.log(Level.FINE, "web UI: the client left", e);
    } finally {
      if (entered) {
        underWay.exit();
      }
    }
  }

  /** Answers {@code ex}; {@code entered}: false when the server stops (new requests refused). */
  private void serve(HttpExchange ex, boolean entered) throws IOException {
    String method = ex.getRequestMethod();
    boolean head = method.equals("HEAD");
    String path = ex.getRequestURI().getRawPath();
    Route route = routes.get(path);
    Kind kind = route != null ? route.kind() : path.startsWith("/api/") ? Kind.API : Kind.PAGE;
    // All but a page's shell (which starts nothing, so may be linked to from anywhere) renders
    // or starts work: data, images, downloads answer the UI's own pages only.
    String crossSite = kind != Kind.PAGE ? CrossSiteCheck.refusal(ex.getRequestHeaders())
        : null;
    // A file opened by a person (the browser asks for HTML) is refused as a page.
    if (kind == Kind.FILE && accepts(ex.getRequestHeaders(), "text/html")) {
      kind = Kind.PAGE;
    }
    Resources.Back back = route == null ? null : route.back();
    Reply reply;
    HttpFailure denied;
    String misdirected = hosts.refusal(ex.getRequestHeaders().getFirst("Host"));
    if (!entered) {
      reply = failure(kind, back, null, new HttpFailure(503, STOPPING));
    } else if (misdirected != null) {
      reply = accepts(ex.getRequestHeaders(), "text/html")
          ? Reply.html(421, hosts.page(misdirected)) : Reply.text(421, misdirected);
    } else if (crossSite != null) {
      reply = failure(kind, back, null, new HttpFailure(403, crossSite));
    } else if (!head && !method.equals("GET")) {
      reply = failure(kind, back, null, new HttpFailure(405, "only GET and HEAD are served"
          + " here, not " + Quoted.of(method))).header("Allow", "GET, HEAD");
    } else if (route == null) {
      reply = failure(kind, null, null, HttpFailure.notFound("no page at " + Quoted.of(path)
          + "; the pages are /, /grid, /sample, /stats and /live"));
    } else if (!route.open() && (denied = access.denied(ex)) != null) {
      reply = kind == Kind.PAGE && denied.status() == 401
          ? resources.page(401, "login", "Sign in", null) : failure(kind, null, null, denied);
    } else {
      reply = answer(route, kind, ex);
    }
    send(ex, reply, head);
  }

  private Reply answer(Route route, Kind kind, HttpExchange ex) {
    try {
      return route.handler().apply(new Request(ex.getRequestURI().getRawPath(),
          Query.parse(ex.getRequestURI().getRawQuery()), ex.getRequestHeaders(),
          ex.getRemoteAddress(), access.client(ex)));
    } catch (RuntimeException e) {
      String raw = ex.getRequestURI().getRawQuery();
      HttpFailure f = Failures.of(e);
      Resources.Back back = route.back();
      // A refused Grid or Stats page links back to itself with what was typed, less the refused.
      if (back != null && back.path().equals(ex.getRequestURI().getRawPath())) {
        back = back.again(raw, f);
      }
      return failure(kind, back, kept(raw), f);
    }
  }

  /** Whether the request's Accept header names {@code type} (a browser's navigation does). */
  private static boolean accepts(Headers headers, String type) {
    String accept = headers.getFirst("Accept");
    return accept != null && accept.contains(type);
  }

  /**
   * The request's dataset where it names one (else null): what the page's links keep. Only
   * past the token check (so the refusals before it keep none): whether a name is a dataset's
   * is not told to whoever has not signed in.
   */
  private String kept(String rawQuery) {
    try {
      return kept(Query.parse(rawQuery));
    } catch (HttpFailure e) {
      return null; // a query that cannot be read names no dataset; its refusal says why
    }
  }

  private String kept(Query q) {
    String name = q.string("dataset", null);
    return name != null && dataset.test(name) ? name : null;
  }

  private Reply failure(Kind kind, Resources.Back back, String kept, HttpFailure f) {
    Reply r = switch (kind) {
      case PAGE -> resources.failure(f, back, kept);
      case API -> Reply.json(f.status(), Map.of("error", f.getMessage(), "status", f.status()));
      case FILE -> Reply.text(f.status(), f.getMessage() + "\n");
    };
    // A 503 is a full queue or a stopping server: a moment later may find room.
    // A 429 (too many wrong tokens) says when its address may try again.
    return f.status() == 503 ? r.header("Retry-After", "1")
        : f.retryAfter() > 0 ? r.header("Retry-After", String.valueOf(f.retryAfter())) : r;
  }

  private static void send(HttpExchange ex, Reply r, boolean head) throws IOException {
    Headers h = ex.getResponseHeaders();
    h.set("Content-Type", r.type());
    h.set("X-Content-Type-Options", "nosniff");
    h.set("X-Frame-Options", "DENY");
    h.set("Referrer-Policy", "no-referrer");
    h.set("Content-Security-Policy", POLICY);
    if (!r.headers().containsKey("Cache-Control")) {
      h.set("Cache-Control", "no-store");
    }
    r.headers().forEach(h::set);
    if (r.stream() != null && !head) {
      ex.sendResponseHeaders(r.status(), 0);
      try (OutputStream out = ex.getResponseBody()) {
        r.stream().write(out);
      } catch (RuntimeException e) {
        Failures.of(e); // logged when unexpected; the stream ends
      }
      return;
    }
    byte[] body = r.body() == null ? new byte[0] : r.body();
    if (head || body.length == 0 || r.status() == 304) {
      ex.sendResponseHeaders(r.status(), -1);
      return;
    }
    ex.sendResponseHeaders(r.status(), body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
