package dev.fgbg.server.transport;

import io.grpc.Context;
import java.security.MessageDigest;

/**
 * A call as the connection cap sees it: whether it keeps its connection busy. A call is busy
 * from its start unless it is a health Watch; a stream the server cannot send on because its
 * client does not read is quiet from then until the client reads again (admission's
 * {@code UnreadStreams} says so). A connection whose calls have all been quiet, and that began
 * no call, for a while may be closed to make room for a new connection of its client; one that
 * never began a call that passed authentication may be at once, a call refused UNAUTHENTICATED
 * counting against it first ({@code QuietConnections}).
 */
public final class ConnectionCalls {
  static final Context.Key<Call> CALL = Context.key("fgbg-connection-call");
  static final long BUSY = Long.MAX_VALUE;
  private static final Call NONE = new Call(BUSY);

  private ConnectionCalls() {}

  /** The current call, or one that goes nowhere where the transport tracks none (in-process). */
  public static Call current() {
    Call c = CALL.get();
    return c != null ? c : NONE;
  }

  /** A connection's digest of the last token that passed authentication on it, or null. */
  static final class Token {
    private volatile byte[] digest;
  }

  /** One call's state: quiet since when (nanos, the transport's ticker), or busy. */
  public static final class Call {
    private volatile long quietSince;
    /** What the call's connection does when the call passes authentication; null: nothing. */
    private volatile Runnable onAuthenticated;
    /** What the call's connection does when the call is refused UNAUTHENTICATED. */
    private volatile Runnable onRefused;
    /** Its connection's last token digest that passed authentication; null: not tracked. */
    private volatile Token connectionToken;

    Call(long quietSince) {
      this.quietSince = quietSince;
    }

    /** The client stopped taking the call's messages at {@code nanos} (System.nanoTime). */
    public void quietSince(long nanos) {
      if (this != NONE) {
        quietSince = nanos;
      }
    }

    /** The call keeps its connection busy again. */
    public void busy() {
      if (this != NONE) {
        quietSince = BUSY;
      }
    }

    /**
     * The call passed authentication (any call of a server without tokens; health calls never
     * do): its connection is in use by a client the server serves, so it is never closed to make
     * room for another connection unless quiet ({@code QuietConnections}).
     */
    public void authenticated() {
      Runnable r = onAuthenticated;
      if (r != null) {
        r.run();
      }
    }

    void onAuthenticated(Runnable r) {
      onAuthenticated = r;
    }

    /**
     * Whether the call's connection already passed authentication with the token whose digest
     * is {@code digest} ({@link AccessTokens#digest}): its token is then no guess
     * ({@link TokenGuesses}). False where connections are not tracked (in-process).
     */
    public boolean connectionShowed(byte[] digest) {
      Token t = connectionToken;
      return t != null && MessageDigest.isEqual(t.digest, digest);
    }

    /** As {@link #authenticated()}, by the token of {@code digest}: its connection keeps it. */
    public void authenticated(byte[] digest) {
      Token t = connectionToken;
      if (t != null) {
        t.digest = digest;
      }
      authenticated();
    }

    /** The cell in which the call's connection keeps the digest of its last token that passed. */
    void connectionToken(Token cell) {
      connectionToken = cell;
    }

    /** The call was refused UNAUTHENTICATED: evidence against its connection. */
    void refused() {
      Runnable r = onRefused;
      if (r != null) {
        r.run();
      }
    }

    void onRefused(Runnable r) {
      onRefused = r;
    }

    long quietSince() {
      return quietSince;
    }
  }
}
