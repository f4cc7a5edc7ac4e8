package dev.fgbg.server.transport;

import dev.fgbg.server.status.Statuses;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks each call's bearer token ({@code authorization: Bearer TOKEN}) against the server's
 * {@link LiveTokens} in force when the call starts: none or an unknown one is UNAUTHENTICATED,
 * Export with a token not marked {@code export} is PERMISSION_DENIED, a call with more than one
 * {@code authorization} header is UNAUTHENTICATED. The token's name becomes the
 * caller's {@link ClientIdentity#AUTHENTICATED} identity; without tokens, a verified client
 * certificate's subject does (mTLS). A reload of the tokens that removes one ends its running
 * calls UNAUTHENTICATED ({@link RevokedCalls}). Health is not behind it (probes carry no token).
 * Tokens are checked at the pace {@link TokenGuesses} allows each client address: past it, a
 * token is UNAUTHENTICATED "too many wrong tokens from ..." without being compared; the token a
 * call's connection already passed with is compared unpaced ({@link ConnectionCalls}).
 */
public final class Authenticator implements ServerInterceptor {
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String BEARER = "bearer ";
  private static final String EXPORT = FgbgGrpc.getExportMethod().getFullMethodName();

  /** Read at each call's start; a reload ends the running calls of tokens it removed. */
  private final LiveTokens tokens;
  private final RevokedCalls running;

  public Authenticator(LiveTokens tokens) {
    this.tokens = tokens;
    this.running = new RevokedCalls(tokens);
    tokens.onReload(running::revoke);
  }

  /** The refusal of {@code sent} (more than one) authorization headers: the UI's words too. */
  public static String severalHeaders(int sent) {
    return "the call has " + sent + " authorization headers: send one, 'authorization: Bearer"
        + " TOKEN'";
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String identity;
    if (tokens.required()) {
      int sent = count(headers.getAll(AUTHORIZATION));
      if (sent > 1) {
        // Metadata.get takes the last: [bob's, alice's] would get alice's rights, and a proxy
        // checking the first would see bob's.
        return refuse(call, Statuses.unauthenticated(severalHeaders(sent)));
      }
      String token = token(headers.get(AUTHORIZATION));
      Optional<AccessTokens.Holder> holder = Optional.empty();
      byte[] digest = token == null ? null : AccessTokens.digest(token);
      // The token its connection passed with is no guess: not paced, so that a stale process
      // of the same host guessing with a revoked token cannot shut a running client out.
      if (digest != null && ConnectionCalls.current().connectionShowed(digest)) {
        holder = tokens.current().matchDigest(digest);
      } else if (digest != null) {
        String address = ClientIdentity.address(call.getAttributes()
            .get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        TokenGuesses.Refusal paced = tokens.guesses().take(address);
        if (paced != null) {
          return refuse(call, Statuses.unauthenticated(paced.words()));
        }
        holder = tokens.current().matchDigest(digest);
        if (holder.isPresent()) {
          tokens.guesses().matched(address);
        }
      }
      if (holder.isEmpty()) {
        return refuse(call, Statuses.unauthenticated(headers.get(AUTHORIZATION) == null
            ? "this server asks for a bearer token: send 'authorization: Bearer TOKEN' (CLI: "
                + "--token or --token-file; Python: token= or fgbg.Credentials(token=...); Java: "
                + "FgbgClient.builder().token(...); CLI and Python: $FGBG_TOKEN)"
            : "the bearer token is not one this server accepts"));
      }
      if (!holder.get().mayExport() && call.getMethodDescriptor().getFullMethodName()
          .equals(EXPORT)) {
        return refuse(call, Statuses.permissionDenied("token '" + holder.get().name()
            + "' may not export: the server's --token-file marks the tokens that may with the "
            + "word export"));
      }
      identity = ClientIdentity.ofToken(holder.get().name());
      Context ctx = Context.current().withValue(ClientIdentity.AUTHENTICATED, identity);
      ConnectionCalls.current().authenticated(digest); // a connection the server serves
      return running.start(call, headers, token,
          holder.get().name(), (c, h) -> Contexts.interceptCall(ctx, c, h, next));
    } else {
      identity = ClientIdentity.ofCertificate(
          call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    }
    // Only now is the call's connection one the server serves (QuietConnections).
    ConnectionCalls.current().authenticated();
    if (identity == null) {
      return next.startCall(call, headers);
    }
    Context ctx = Context.current().withValue(ClientIdentity.AUTHENTICATED, identity);
    return Contexts.interceptCall(ctx, call, headers, next);
  }

  /** The token of an {@code authorization} header, or null when it is no bearer token. */
  private static String token(String authorization) {
    if (authorization == null || authorization.length() <= BEARER.length()
        || !authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      return null;
    }
    return authorization.substring(BEARER.length()).strip();
  }

  private static int count(Iterable<String> values) {
    int n = 0;
    for (String ignored : values == null ? List.<String>of() : values) {
      n++;
    }
    return n;
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
    if (status.getCode() == Status.Code.UNAUTHENTICATED) {
      ConnectionCalls.current().refused(); // its connection goes first for a newcomer
    }
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
