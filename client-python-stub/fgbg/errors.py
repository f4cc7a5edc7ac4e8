"""FgbgError, and where a client looks for its server (FGBG_TARGET). No gRPC import here."""
import errno
import os
from typing import Any, Optional, Sequence, Set, Tuple, TypeVar

from ._forked import CLOSE_FIRST, FORK_HINT, FORKED_FROM, forked_open

DEFAULT_TARGET = "localhost:50051"
# How a call fails when gRPC cannot have a file (a socket, an eventfd, a DNS lookup's socket).
_FILES_CODES = ("UNAVAILABLE", "DEADLINE_EXCEEDED")
# The call metadata an fgbg server takes (its HTTP/2 max header list size: names and values,
# plus 32 a header), and so the longest bearer token, 16 KiB kept for the other headers: the
# Java side's dev.fgbg.common.MetadataLimit (tests/test_token_size.py pins them equal).
MAX_METADATA_BYTES = 64 * 1024
MAX_TOKEN_BYTES = MAX_METADATA_BYTES - 16 * 1024
_LIMIT = ("fgbg servers take call metadata up to %d KiB, and keep %d KiB of it for other headers"
          % (MAX_METADATA_BYTES // 1024, (MAX_METADATA_BYTES - MAX_TOKEN_BYTES) // 1024))
# How many calls one connection may reset in a window before an fgbg server closes it (rapid
# reset): the Java side's dev.fgbg.common.ResetLimit (tests/test_errors.py pins them equal).
MAX_RESETS = 1000
RESET_WINDOW_S = 10
START_HINT = ("start one with ./fgbg serve (in the fgbg repository), or point target= or "
              "FGBG_TARGET at a running server")
# Targets that answered a call of this process (or of the process that built its dataset): a
# refused connection to one is a server that stopped, not a setup never started.
_SERVED: Set[str] = set()
_T = TypeVar("_T")
# How gRPC says a name did not resolve: c-ares ("DNS resolution failed for x: C-ares status is
# not ARES_SUCCESS ... Domain name not found"), the native resolver (getaddrinfo's words).
_UNRESOLVED = ("dns resolution failed", "domain name not found", "name or service not known",
               "nodename nor servname", "could not resolve", "unable to resolve",
               "temporary failure in name resolution")


def served(target: str) -> None:
    """Notes that `target` served this process: later failures to connect to it say that it
    stopped answering."""
    _SERVED.add(target)


def has_served(target: str) -> bool:
    """Whether `target` answered a call of this process (or of its dataset's builder)."""
    return target in _SERVED


def answered(target: str, reply: _T) -> _T:
    """`reply`, noting that `target` answered it (served)."""
    served(target)
    return reply


def default_target(target: Optional[str] = None) -> str:
    """`target` when given, else $FGBG_TARGET, else localhost:50051 (the Java CLI's rule too)."""
    if target:
        return target
    return os.environ.get("FGBG_TARGET") or DEFAULT_TARGET


class FgbgError(Exception):
    """A failed call: `code` is the gRPC status name (e.g. 'NOT_FOUND'), `details` the server's
    message, `target` the address that was called; `note` follows the message (e.g. how long
    a reconnect window tried, fgbg.reconnect); `asked`, when several, the replicas asked in
    turn of which none answered, `target` the last: the message names them all."""

    def __init__(self, code: str, details: str = "", target: Optional[str] = None,
                 note: str = "", files: Optional[Tuple[int, ...]] = None,
                 asked: Sequence[str] = ()) -> None:
        self.code = code
        self.details = details
        self.target = target
        self.note = note
        self.asked = tuple(asked)
        # Counted where the call failed (a DataLoader worker) and pickled with the error: () is
        # "counted there, not at the limit", so that the trainer does not count its own.
        if files is None and code in _FILES_CODES:
            files = files_at_limit()
        self.files: Optional[Tuple[int, int]] = (files[0], files[1]) if files else None
        if self.files is not None:
            message = ("%s: this process has %d open files of its limit of %d (ulimit -n): "
                       "raise it (e.g. ulimit -n 4096 before starting it; DataLoader workers "
                       "and device_loader streams each take more); gRPC said: %s (calling %s)"
                       % ((code,) + self.files + (details, target)))
        elif code == "UNAVAILABLE" and target:
            message = "UNAVAILABLE: " + _unavailable(details, target)
        elif details:
            message = "%s: %s" % (code, details)
        else:
            # DataLoader re-raises a worker's exception as type(e)(formatted message).
            message = code
        if len(self.asked) > 1:
            message = _naming_all(message, self)
        super().__init__(message + note)

    def __reduce__(self) -> Tuple[type, Tuple[Any, ...]]:
        return FgbgError, (self.code, self.details, self.target, self.note, self.files or ()) + (
            (self.asked,) if self.asked else ())  # a subclass's own arguments follow files


def _naming_all(message: str, e: FgbgError) -> str:
    """`message`, of `e` from the last of the replicas `e.asked` in turn, naming them all (the
    Java client's FgbgReplicas.noneAnswered): UNAVAILABLE's words with all of them where they
    name the last one ("no fgbg server answers at a:1, b:2 (...)"), else "(asked a:1, b:2 in
    turn)" after its words, with ": none answered" for a deadline."""
    every = ", ".join(e.asked)
    at = message.find(e.target) if e.code == "UNAVAILABLE" and e.target and not e.files else -1
    if at < 0:
        # Words that do not name it (a stopping server's, GOAWAY) came from one that answered.
        none = ": none answered" if e.code == "DEADLINE_EXCEEDED" else ""
        return "%s (asked %s in turn%s)" % (message, every, none)
    return message[:at] + every + message[at + len(e.target or ""):]


class AnswerTooLargeError(FgbgError, ValueError):
    """INVALID_ARGUMENT, raised before any call: `Client.get_samples` was asked for more
    samples than its `max_bytes` lets this process hold at once (fgbg._split_get.check_size).
    A ValueError too, as the client's other refusals of its arguments are."""

    def __reduce__(self) -> Tuple[type, Tuple[Any, ...]]:
        return AnswerTooLargeError, FgbgError.__reduce__(self)[1]  # the class survives a pickle


def files_at_limit() -> Optional[Tuple[int, int]]:
    """(open files, RLIMIT_NOFILE) when this process is at its open-files limit or within a few
    of it: gRPC then fails a call UNAVAILABLE (a socket, or a DNS lookup's, cannot be had) with
    words that blame the server. None otherwise, or where it cannot be told."""
    try:
        import resource

        limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (ImportError, OSError, ValueError):
        return None
    try:
        open_now = len(os.listdir("/proc/self/fd")) - 1  # less listdir's own
    except OSError as e:
        if e.errno != errno.EMFILE:
            return None
        open_now = limit  # not even one more to list them with
    if limit == resource.RLIM_INFINITY or open_now < limit - max(4, limit // 32):
        return None
    return open_now, limit


def words(s: float) -> str:
    """`s` seconds as the log lines and errors say them ("60 s", "1.5 s"), as the Java
    client's ReconnectWindow does."""
    return ("%.3f" % s).rstrip("0").rstrip(".") + " s"


def deadline(details: str, option: str, seconds: float, received: Optional[int] = None,
             counted: str = "samples done") -> str:
    """A DEADLINE_EXCEEDED's details in words: which option bounded the call (`timeout` for
    single calls, `stream_timeout` for streams, exports and stats), how far it got (`received`
    samples, `counted` saying of what: an export's are those kept, as the Java CLI says), what
    to do.
    gRPC's own ("Deadline Exceeded") names none of them; a server's (a call queued past it)
    is kept."""
    # grpcio's words for the server's reset at the deadline are not the server's own.
    own = details.lower() in ("", "deadline exceeded") or details.startswith("Received RST_STREAM")
    said = "" if own else " (the server: %s)" % details
    return ("not done within %s=%gs%s%s; a busy server (or a depth model's cold cache) can take "
            "longer: raise Client(%s=...) or leave it out"
            % (option, seconds, "" if received is None else " (%d %s)" % (received, counted),
               said, option))


def unanswered(target: str, option: str, seconds: float) -> str:
    """A DEADLINE_EXCEEDED's words when the call's channel never connected (_channels.connecting):
    "a busy server" would send the user to the wrong place."""
    return ("no server answered at %s within %s=%gs: the client was still connecting (none "
            "listens there, and gRPC waits longer between tries after each refusal, for every "
            "client of this process to that target; or the packets are dropped, what listens "
            "hangs or does not speak gRPC, or the server is still starting): start one with "
            "./fgbg serve or check the target; raise Client(%s=...) for a server that starts "
            "slowly"
            % (target, option, seconds, option))


def _unavailable(details: str, target: str) -> str:
    """Why a server was unavailable, in words: none answered (connecting failed), it closed the
    connection before HTTP/2 began (a TLS server, to a plaintext client), it said it is shutting
    down, or it went away during the call."""
    said = details.lower()
    if forked_open() and ("socket operation on non-socket" in said
                          or "bad file descriptor" in said):
        # A channel inherited across fork() (a Client used in a child refuses before this).
        return "%s (%s)" % (FORK_HINT % (FORKED_FROM % "held an open fgbg channel", CLOSE_FIRST),
                            details)
    if "keepalive" in said:
        # gRPC's words when a keepalive ping went unanswered (_channels.keepalive_options).
        return ("%s stopped answering (%s): no reply to a keepalive ping, so the server hangs "
                "(stopped, frozen, out of memory) or the network between drops packets; the "
                "connection was closed" % (target, details))
    if any(w in said for w in _UNRESOLVED):
        # Before the other words: a name that does not resolve is no server that went away.
        return ("cannot resolve host %r of target %s (%s): check the name (a typo? known to "
                "this machine's DNS or /etc/hosts?); a target is host:port"
                % (_host(target), target, details))
    if said.startswith("the server is shutting down"):
        return "%s (%s)" % (details, target)
    if "ssl" in said or "handshake" in said or "certificate" in said:
        return ("the TLS handshake with %s failed (%s): check the CA (tls_ca or $FGBG_TLS_CA), "
                "the client certificate and key (tls_cert, tls_key or $FGBG_TLS_CERT, "
                "$FGBG_TLS_KEY), and that the server serves TLS (--tls-cert)" % (target, details))
    if "failed to connect" in said and "reset" in said and "socket closed" not in said:
        # Reset as it connected: what a server does to a connection over its cap (Netty closes
        # it at once), so that cause comes first; the Java CLI names it too (TransportWords).
        return ("could not talk to %s: it reset the connection before HTTP/2 began (%s) — a "
                "server refuses connections past its per-client cap "
                "(--max-connections-per-client; all of a host's local processes are one client, "
                "and its log says so; one quiet for --max-connection-idle, holding only "
                "watches or unread streams, is closed to make room): close the clients holding "
                "connections busy, wait for half-open ones to time out (--handshake-timeout), or "
                "raise the cap; else is it a TLS server? (use "
                "Credentials(tls=True) or tls_ca, or $FGBG_TLS=1 / $FGBG_TLS_CA), or not an "
                "fgbg server" % (target, details))
    if "failed to connect" in said and any(w in said for w in ("reset", "socket closed", "eof")):
        # Closed before HTTP/2 began: a TLS server drops a plaintext client's first bytes (gRPC
        # says "failed to connect ... Socket closed"); the Java client words it the same.
        return ("could not talk to %s: the connection closed before HTTP/2 began (%s) — is it a "
                "TLS server? (use Credentials(tls=True) or tls_ca, or $FGBG_TLS=1 / "
                "$FGBG_TLS_CA); else it closed a connection over its "
                "--max-connections-per-client (its log says so), or it is not an fgbg server"
                % (target, details))
    if "too_many_rststreams" in said or "enhance_your_calm" in said:
        return ("%s closed this process's connection for rapid reset (%s): more than %d calls "
                "were reset on it within %d s (this process's cancels and passed deadlines "
                "count; its fgbg Clients share one connection), and every call on it ended; use "
                "longer timeouts or fewer cancels"
                % (target, details, MAX_RESETS, RESET_WINDOW_S))
    if any(w in said for w in ("reset", "socket closed", "eof", "broken pipe", "goaway")):
        return ("the fgbg server at %s went away during the call (%s): it stopped or restarted, "
                "the network failed, or it closed a connection over its "
                "--max-connections-per-client or for rapid reset (more than %d calls reset in "
                "%d s on this process's connection, its own deadlines and cancels included) "
                "(its log says which); %s"
                % (target, details, MAX_RESETS, RESET_WINDOW_S, START_HINT))
    if target in _SERVED and ("connect" in said or not said):
        return ("the fgbg server at %s stopped answering (%s): it served this process before, so "
                "it stopped or restarted, or the network failed; a reconnect window "
                "(reconnect=SECONDS, e.g. FgbgIterableDataset(..., reconnect=60)) keeps trying "
                "through a restart and resumes exactly, or start it again with ./fgbg serve"
                % (target, details))
    if "connect" in said or not said:
        return ("no fgbg server answers at %s (%s); %s (a server that asks for TLS or a "
                "client certificate also refuses a client that does not give it)"
                % (target, details, START_HINT))
    return ("the fgbg server at %s went away during the call (%s): it stopped or restarted, or "
            "the network failed; %s" % (target, details, START_HINT))


def _host(target: str) -> str:
    """The host a target names: `target` less its dns:/// scheme and its port."""
    name = target.split("///", 1)[1] if target.startswith("dns:") and "///" in target else target
    host, colon, port = name.rpartition(":")
    return host if colon and port.isdigit() else name


def token_too_long(token: str) -> Optional[str]:
    """Why `token` can never be sent to an fgbg server, or None when it fits (the Java words)."""
    if len(token) <= MAX_TOKEN_BYTES:
        return None
    return "a token has at most %d characters (%s): this one has %d" % (MAX_TOKEN_BYTES, _LIMIT,
                                                                      len(token))


def metadata_refused(code: str, details: str, target: str,
                     metadata: Sequence[Tuple[str, str]]) -> Optional[str]:
    """The details of a call whose metadata the server refused as too large, in words naming the
    token's size and the limit; None for any other failure. gRPC says "Received http2 header with
    status: 431" (UNKNOWN) when the server answered 431, and nothing of the kind when metadata
    well over the limit made the server close the connection (UNAVAILABLE, its log says so):
    the size sent tells that case from a server going away. The Java client's words are the
    same (TransportWords)."""
    sent = sum(len(k) + len(v) + 32 for k, v in metadata)
    if "status: 431" in details:
        how = "HTTP 431; gRPC said: %s" % details
    elif code == "UNAVAILABLE" and sent > MAX_METADATA_BYTES:
        how = "it closed the connection; gRPC said: %s" % details
    else:
        return None
    auth = dict(metadata).get("authorization")
    token = ("no token was sent" if auth is None else "the token sent is %d bytes"
             % (len(auth) - len("Bearer ")) if auth.startswith("Bearer ")
             else "the authorization header sent is %d bytes" % len(auth))
    return ("%s refused the call's metadata as too large (%s): %s, the call's metadata %d bytes "
            "with it; the server takes metadata up to its limit (%d KiB for fgbg servers: a "
            "token of at most %d characters)" % (target, how, token, sent,
                                                 MAX_METADATA_BYTES // 1024, MAX_TOKEN_BYTES))
