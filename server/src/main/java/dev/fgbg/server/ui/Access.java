package dev.fgbg.server.ui;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import dev.fgbg.common.observe.MinuteLines;
import dev.fgbg.server.transport.AccessTokens;
import dev.fgbg.server.transport.Authenticator;
import dev.fgbg.server.transport.ClientIdentity;
import dev.fgbg.server.transport.LiveTokens;
import dev.fgbg.server.transport.TokenGuesses;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Who may use the UI of a server with {@code --token-file}: a request carries one of its tokens
 * as {@code Authorization: Bearer} (scripts), or the cookie of a session made by signing in. The
 * sign-in page sends the token once, in that header, to {@code /api/login}, which answers with
 * an HttpOnly, SameSite=Strict cookie holding a random session id; the token itself is never in
 * a URL, a cookie or a log line. Sessions end after 12 idle hours or at {@code /api/logout}.
 * A session keeps its token's digest and is checked against the tokens in force at each
 * request, so that one made with a token since removed from a reloaded {@code --token-file}
 * ends at its next request. A token keeps its newest {@link #PER_TOKEN} sessions (signing in
 * once more ends its oldest), so that no token's sign-ins can end another's sessions. Each
 * token's sign-ins, and the refused ones, are one log line a minute at most ({@link
 * MinuteLines}): a flood cannot fill the log, nor hide who else signed in. Bearer tokens are
 * compared at the pace {@link TokenGuesses} allows their address, shared with the gRPC port:
 * past it, a 429 with Retry-After, in words, a log line a minute at most. A request with a live
 * session is the session's: a bearer token beside it is neither compared nor paced.
 */
final class Access {
  private static final Logger LOG = Logger.getLogger(Access.class.getName());
  static final String COOKIE = "fgbg_ui";
  private static final Duration IDLE = Duration.ofHours(12);
  /** Sessions one token keeps; its oldest ends when it signs in once more. */
  static final int PER_TOKEN = 64;

  private final LiveTokens tokens;
  private final boolean https;
  private final SecureRandom random = new SecureRandom();
  /**
   * Session id to the digest of the token it was made with. Unbounded in number here: each
   * token's count is bounded instead ({@link #byToken}), so one token's logins cannot evict
   * another's sessions.
   */
  private final Cache<String, byte[]> sessions = Caffeine.newBuilder()
      .expireAfterAccess(IDLE).build();
  /**
   * Each token's session ids (its digest in Base64), oldest first; guarded by itself. A list
   * goes with its last session or its token (a reload removed it), at the next sign-in.
   */
  private final Map<String, ArrayDeque<String>> byToken = new HashMap<>();
  private final Ticker ticker;
  private final MinuteLines refused;
  /** Requests refused for their address's wrong tokens ({@link TokenGuesses}). */
  private final MinuteLines throttled;
  /** Each token name's sign-in lines, so that one's flood hides no other's: as many as names. */
  private final Map<String, MinuteLines> signedIn = new ConcurrentHashMap<>();

  /** {@code ticker}: the server's, which times the once-a-minute sign-in lines. */
  Access(LiveTokens tokens, boolean https, Ticker ticker) {
    this.tokens = tokens;
    this.https = https;
    this.ticker = ticker;
    this.refused = MinuteLines.of(LOG, Level.INFO, ticker::read,
        "web UI sign-ins with an unknown token refused");
    this.throttled = MinuteLines.of(LOG, Level.WARNING, ticker::read,
        "web UI requests refused for too many wrong tokens");
  }

  /** Whether requests must show a token or a session. */
  boolean required() {
    return tokens.required();
  }

  /**
   * Null when this request may see the UI, else why not: several Authorization headers in the
   * gRPC port's words, a 429 when its address has tried too many wrong tokens ({@link
   * TokenGuesses}), else a 401 saying how to show a token.
   */
  HttpFailure denied(HttpExchange ex) {
    Headers h = ex.getRequestHeaders();
    if (!tokens.required()) {
      return null;
    }
    if (authorizations(h) > 1) {
      return new HttpFailure(401, Authenticator.severalHeaders(authorizations(h)));
    }
    if (session(h) != null) {
      return null; // a signed-in browser: a bearer token beside its session is not compared
    }
    Optional<AccessTokens.Holder> byBearer;
    try {
      byBearer = paced(h, ex.getRemoteAddress());
    } catch (HttpFailure tooMany) {
      return tooMany;
    }
    return byBearer.isPresent() ? null : new HttpFailure(401,
        "this server asks for a token: sign in on any page of this UI, or send"
            + " 'Authorization: Bearer TOKEN'");
  }

  /**
   * The holder of the request's bearer token, compared at the pace its address is allowed
   * ({@link TokenGuesses}, shared with the gRPC port).
   *
   * @throws HttpFailure 429, with the seconds to wait, past that pace
   */
  private Optional<AccessTokens.Holder> paced(Headers h, InetSocketAddress peer) {
    Optional<String> token = bearer(h);
    if (token.isEmpty()) {
      return Optional.empty();
    }
    String address = ClientIdentity.address(peer);
    TokenGuesses.Refusal refusal = tokens.guesses().take(address);
    if (refusal != null) {
      throttled.log("web UI: " + refusal.words() + "; " + MinuteLines.COUNTED, "from "
          + address);
      throw new HttpFailure(429, refusal.words(), refusal.seconds());
    }
    Optional<AccessTokens.Holder> holder = tokens.match(token.get());
    if (holder.isPresent()) {
      tokens.guesses().matched(address);
    }
    return holder;
  }

  /**
   * Who the request comes from, for per-client shares, as the gRPC port names its callers: the
   * token's name ({@code token alice}) where tokens are required and the request shows one (or
   * its session), else a verified client certificate's subject (mTLS: {@code certificate
   * CN=...}), else the peer's address ({@link ClientIdentity#address}).
   */
  String client(HttpExchange ex) {
    AccessTokens.Holder h = tokens.required() ? holder(ex.getRequestHeaders()) : null;
    if (h != null) {
      return ClientIdentity.ofToken(h.name());
    }
    String subject = !tokens.required() && ex instanceof HttpsExchange s
        ? ClientIdentity.ofCertificate(s.getSSLSession()) : null;
    return subject != null ? subject : ClientIdentity.address(ex.getRemoteAddress());
  }

  /** The session's holder, else the bearer token's: the order {@link #denied} admits them. */
  private AccessTokens.Holder holder(Headers h) {
    AccessTokens.Holder bySession = session(h);
    return bySession != null ? bySession : bearer(h).flatMap(tokens::match).orElse(null);
  }

  /** How many Authorization headers {@code h} has: more than one is refused, as on the port. */
  private static int authorizations(Headers h) {
    return h.getOrDefault("Authorization", List.of()).size();
  }

  private static Optional<String> bearer(Headers h) {
    String auth = h.getFirst("Authorization");
    if (auth == null || authorizations(h) > 1 || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    return Optional.of(auth.substring(7).strip());
  }

  private AccessTokens.Holder session(Headers h) {
    String id = cookie(h);
    byte[] digest = id == null ? null : sessions.getIfPresent(id);
    if (digest == null) {
      return null;
    }
    Optional<AccessTokens.Holder> holder = tokens.current().matchDigest(digest);
    if (holder.isEmpty()) {
      sessions.invalidate(id);
      LOG.info("web UI: a session's token is no longer in --token-file; it has ended");
      return null;
    }
    return holder.get();
  }

  private static String cookie(Headers h) {
    for (String line : h.getOrDefault("Cookie", List.of())) {
      for (String part : line.split(";")) {
        String p = part.strip();
        if (p.startsWith(COOKIE + "=")) {
          return p.substring(COOKIE.length() + 1);
        }
      }
    }
    return null;
  }

  /** {@code /api/login}: a valid bearer token becomes a session cookie. */
  Reply login(Request r) {
    if (authorizations(r.headers()) > 1) {
      throw new HttpFailure(401, Authenticator.severalHeaders(authorizations(r.headers())));
    }
    Optional<String> token = bearer(r.headers());
    if (token.isEmpty()) {
      throw new HttpFailure(401, "send the token as 'Authorization: Bearer TOKEN'");
    }
    Optional<AccessTokens.Holder> holder = paced(r.headers(), r.peer());
    if (holder.isEmpty()) {
      refused.log("web UI: a sign-in with an unknown token was refused; "
          + MinuteLines.COUNTED, "from " + ClientIdentity.address(r.peer()));
      throw new HttpFailure(401, "that is not one of this server's tokens");
    }
    byte[] id = new byte[32];
    random.nextBytes(id);
    String session = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    byte[] digest = AccessTokens.digest(token.get());
    sessions.put(session, digest);
    String ended = remember(Base64.getEncoder().encodeToString(digest), session);
    if (ended != null) {
      sessions.invalidate(ended);
    }
    String name = holder.get().name();
    signedIn.computeIfAbsent(name, n -> MinuteLines.of(LOG, Level.INFO, ticker::read,
        "web UI sign-ins of token " + n)).log("web UI: " + name + " signed in; "
        + MinuteLines.COUNTED, name);
    return Reply.json(new Signed(holder.get().name())).header("Set-Cookie", COOKIE + "="
        + session + "; Path=/; HttpOnly; SameSite=Strict" + (https ? "; Secure" : ""));
  }

  /**
   * Logs the sign-ins held back once their minute is over (at the next request: the UI has no
   * timer), or at once when {@code evenWithinTheMinute} (the UI stops).
   */
  void flush(boolean evenWithinTheMinute) {
    refused.flush(evenWithinTheMinute);
    throttled.flush(evenWithinTheMinute);
    signedIn.values().forEach(lines -> lines.flush(evenWithinTheMinute));
  }

  /** Adds {@code session} to its token's; answers the oldest one it ends, or null. */
  private String remember(String token, String session) {
    synchronized (byToken) {
      // Sessions that ended by themselves (idle, signed out) leave first, without ending others.
      // Not an access: no renewal.
      byToken.entrySet().removeIf(e -> {
        if (tokens.current().matchDigest(Base64.getDecoder().decode(e.getKey())).isEmpty()) {
          sessions.invalidateAll(e.getValue()); // removed from --token-file: ended anyway
          return true;
        }
        e.getValue().removeIf(id -> !sessions.asMap().containsKey(id));
        return e.getValue().isEmpty();
      });
      ArrayDeque<String> mine = byToken.computeIfAbsent(token, t -> new ArrayDeque<>());
      mine.addLast(session);
      return mine.size() > PER_TOKEN ? mine.removeFirst() : null;
    }
  }

  /** How many tokens have a list of sessions (some may have ended since the last sign-in). */
  int tokensWithSessions() {
    synchronized (byToken) {
      return byToken.size();
    }
  }

  /** {@code /api/logout}: ends the session of the cookie, if any. */
  Reply logout(Request r) {
    String id = cookie(r.headers());
    if (id != null) {
      sessions.invalidate(id);
    }
    return Reply.json(new Signed("")).header("Set-Cookie", COOKIE
        + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (https ? "; Secure" : ""));
  }

  /** Who signed in ("" after signing out). */
  record Signed(String name) {}
}
