"""The reconnect window: how long a consumer keeps trying once every replica failed.

``reconnect`` (seconds, a ``timedelta``, or None/0: off) is taken by fgbg.failover's
FailoverStream and FailoverCalls and by the torch datasets (which hand it to their DataLoader
workers and device loader streams). Without it, a stream whose only server restarts raises at
once (UNAVAILABLE). With it, once every replica in turn failed UNAVAILABLE, the consumer waits
(a back-off from 0.5 s, doubling, at most 5 s) and tries them again, for up to ``reconnect``
seconds from when they had all failed; a delivered batch (or answered call) closes the
window. The stream then resumes by fgbg.resume's rule, as a failover does. The first connection
of a dataset (`describe`: each replica in turn, then the window while the server is still
starting) waits the same way.

Each pause is jittered (`pause`): drawn at random between half and one and a half times the
back-off, so that the many consumers that lost one server at once (DDP ranks, DataLoader
workers, device loader streams) do not all try again at the same instants and stampede the
restarted server. Only timing is random: the batches are the same bytes either way.

Only UNAVAILABLE is waited for: any other status (INVALID_ARGUMENT, PERMISSION_DENIED,
UNAUTHENTICATED, NOT_FOUND, a deadline) and a server that came back with other data (another
fingerprint: the dataset changed under the stream) fail at once, as without the window (but a
dataset's first Describe over several replicas passes over a hung one, DEADLINE_EXCEEDED). Each
window is logged once at WARNING; when it passes, the last error is raised with
"(gave up after N s of trying)" after its message.
"""
import logging
import math
import numbers
import random
import threading
import time
from datetime import timedelta
from typing import Any, Callable, List, Optional, Sequence, Set, Tuple, Union

from . import _silent
from .client import Client, FgbgError
from .errors import has_served, words
from .info import DatasetInfo
from .replicas import Targets, resolve

__all__ = ["Reconnect", "Window", "Failures", "Calls", "seconds", "pause", "describe",
           "none_answered"]

Reconnect = Union[None, int, float, timedelta]
_LOG = logging.getLogger(__name__)
FIRST_PAUSE_S = 0.5
MOST_PAUSE_S = 5.0
MOST_S = 36500 * 86400  # the Java client's bound too (ReconnectWindow)
# What a first Describe over several replicas passes over: a replica down, or hung (its
# connection accepted, no answer), so that one hung replica does not fail every rank at once.
_PASSED = ("UNAVAILABLE", "DEADLINE_EXCEEDED")
# Not the random module's shared generator: torch seeds it alike in the same DataLoader worker
# of every rank (from torch.manual_seed), which would make their pauses alike too.
_RANDOM = random.SystemRandom()


def seconds(reconnect: Reconnect) -> float:
    """`reconnect` in seconds (None: 0); ValueError/TypeError naming it when it is not a
    finite, non-negative number of seconds."""
    if reconnect is None:
        return 0.0
    if isinstance(reconnect, timedelta):
        value = reconnect.total_seconds()
    elif isinstance(reconnect, numbers.Real) and not isinstance(reconnect, bool):
        # numpy scalars and Fractions too: values read from a config or an array
        try:
            value = float(reconnect)
        except OverflowError:
            value = math.inf
    else:
        raise TypeError("reconnect must be seconds (a number or a timedelta) or None, got %r "
                        "(%s)" % (reconnect, type(reconnect).__name__))
    if not math.isfinite(value) or value < 0 or value > MOST_S:
        raise ValueError("reconnect must be 0 (off) or positive seconds, at most %d days (as "
                         "the Java client), got %.40s" % (MOST_S // 86400, repr(reconnect)))
    return value


def pause(backoff: float, draw: float) -> float:
    """The jittered pause for `backoff` seconds, `draw` in [0, 1): the one rule (the Java
    client's ReconnectWindow.pause is the same)."""
    return backoff * (0.5 + draw)


class Window:
    """One consumer's window: `wait` after a full round of UNAVAILABLE failures, `close` when
    the replicas answer again. `who` names the consumer at the start of its lines, as its moves'
    lines do ("rank 0", "FgbgDataset rank 0 worker 1"; "": none), so that the lines of a job's
    many consumers (ranks, DataLoader workers) tell whose they are. `random` (each pause's draw
    in [0, 1); None: the system's entropy, which a consumer's pickle cannot hold) and `sleep`
    are there for tests."""

    def __init__(self, reconnect: Reconnect = 0, random: Optional[Callable[[], float]] = None,
                 sleep: Callable[[float], Any] = time.sleep, who: str = "") -> None:
        self.seconds = seconds(reconnect)
        self._prefix = who + ": " if who else ""
        self._random = random
        self._sleep = sleep
        self._until: Optional[float] = None
        self._pause = FIRST_PAUSE_S
        self._who = ("server", "")  # what the open window waits for, in words

    def close(self) -> None:
        """The replicas answered: the next failure opens a new window."""
        if self._until is not None:
            _LOG.info("%sthe fgbg %s at %s answered again after %.1f s", self._prefix,
                      self._who[0], self._who[1], time.monotonic() - self._until + self.seconds)
        self._until = None

    def wait(self, error: FgbgError, targets: Sequence[str]) -> None:
        """Returns after the next back-off, or raises `error` (at once when the window is off;
        with the gave-up note when it passed)."""
        if self.seconds <= 0:
            raise error
        now = time.monotonic()
        if self._until is None:
            self._until = now + self.seconds
            self._pause = FIRST_PAUSE_S
            self._who = ("server" if len(targets) == 1 else "servers", ", ".join(targets))
            _LOG.warning("%sthe fgbg %s at %s %s not answering; trying again for up to %s "
                         "(reconnect window)", self._prefix, self._who[0], self._who[1],
                         "is" if len(targets) == 1 else "are", words(self.seconds))
        left = self._until - now
        if left <= 0:
            raise FgbgError(error.code, error.details, error.target,
                            error.note + " (gave up after %s of trying)"
                            % words(self.seconds), files=error.files,
                            asked=error.asked) from None
        self._sleep(min(pause(self._pause, (self._random or _RANDOM.random)()), left))
        self._pause = min(self._pause * 2, MOST_PAUSE_S)


class Failures:
    """A consumer's failures in a row, and what the next one does: move on to the next replica,
    wait out a back-off first (every replica failed UNAVAILABLE, within the reconnect window),
    or raise. A replica of other data is moved past, never waited for. The move's INFO line is
    said in the outage's first round only: after it, the window's own lines tell the rest.
    `who` names the consumer in the window's lines (Window)."""

    def __init__(self, targets: List[str], reconnect: Reconnect, who: str = "") -> None:
        self._targets = targets
        self.window = Window(reconnect, who=who)
        self._count = 0
        self._other = False

    def ok(self) -> None:
        """The replica answered."""
        self._count = 0
        self._other = False
        self.window.close()

    def moves_on(self, e: FgbgError, other_data: bool, say: Callable[[], None],
                 also: Tuple[str, ...] = ()) -> None:
        """Returns when the consumer moves to the next replica after `e` (having called `say`
        for its INFO line, in the first round); else raises. `other_data`: `e` says the replica
        serves other data than the consumer began with; `also`: codes moved past (and waited
        for) as UNAVAILABLE is."""
        self._count += 1
        if other_data:
            self._other = True
        elif e.code != "UNAVAILABLE" and e.code not in also:
            raise e
        every = self._count % len(self._targets) == 0
        if every and self._other:
            raise e  # the data changed under the consumer: waiting cannot bring it back
        if self._count <= len(self._targets):
            say()
        if every:
            self.window.wait(none_answered(e, self._targets), self._targets)


def none_answered(e: FgbgError, targets: Sequence[str]) -> FgbgError:
    """`e`, the last error when every one of `targets` in turn failed, naming them all (its
    words: FgbgError's `asked`); with one target, `e` itself."""
    if len(targets) < 2:
        return e
    return FgbgError(e.code, e.details, e.target, e.note, files=e.files, asked=targets)


class Calls:
    """The Clients of one consumer's calls, so that `close` (from any thread) ends the call
    its reader waits in, a Describe of a hung replica too, and refuses new ones (CANCELLED).
    A pickle of it is a new one (a consumer travels to a DataLoader worker)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: Set[Client] = set()
        self.closed = False

    def client(self, target: str, **options: Any) -> Client:
        """A new Client of `target`, closed by `close`; the caller gives it back (`done`)."""
        client = Client(target, **options)
        with self._lock:
            if not self.closed:
                self._open.add(client)
                return client
        client.close()
        raise FgbgError("CANCELLED", "the stream was closed", target)

    def done(self, client: Client) -> None:
        with self._lock:
            self._open.discard(client)
        client.close()

    def close(self) -> None:
        with self._lock:
            self.closed = True
            clients, self._open = self._open, set()
        for client in clients:
            client.close()  # its call in flight ends (CANCELLED)

    def __reduce__(self) -> Tuple[Any, Tuple[()]]:
        return Calls, ()


# Why a call left a replica whose deadline passed, in the move's INFO line.
NO_REPLY = "sent no reply within the call's deadline"


def no_reply(target: str, timeout: float, probed: bool = False) -> str:
    """Why a consumer left `target`, whose deadline passed with no reply, in the move's INFO
    line: few words (the error's own, for the user when every replica failed, list the causes
    of a target never reached). One that served this process stopped answering (frozen)."""
    if not probed and not has_served(target):
        return NO_REPLY
    return "stopped answering (no reply within %s%s)" % (
        words(timeout), ", not even to a probe" if probed else "")


def _moved(who: str, gone: str, e: FgbgError, timeout: float, to: str) -> None:
    """The INFO line of a consumer's Describe moving from `gone` (after `e`) to `to`."""
    if who:
        why = no_reply(gone, timeout) if e.code == "DEADLINE_EXCEEDED" else "is unavailable"
        _LOG.info("%s: %s %s; asking %s for the same Describe", who, gone, why, to)


def describe(targets: Targets, dataset: str, reconnect: Reconnect = 0,
             calls: Optional[Calls] = None, who: str = "",
             **client_options: Any) -> Tuple[Client, DatasetInfo]:
    """A Client of one of `targets` and its answer to Describe(`dataset`): the first replica in
    the targets' order, then the next ones in turn (the same in every rank and process: they
    all describe the same data; one that lately did not answer is asked last, fgbg._silent),
    and when every one in turn was UNAVAILABLE, the window's wait before the next round (the
    servers may be starting). With several replicas a hung one
    (DEADLINE_EXCEEDED: it accepted the connection but did not answer) is passed over as an
    unavailable one. The caller closes the Client (`calls.done`, with `calls`: its Clients,
    which its close ends). With no window, the last error, naming every target when there are
    several. `who` names a consumer in an INFO line per move, as its calls' moves are said
    (empty: none)."""
    replicas = resolve(targets)
    failures = Failures(replicas, reconnect)
    several = len(replicas) > 1
    clients = calls if calls is not None else Calls()
    tried = 0
    while True:
        if tried % len(replicas) == 0:  # each round: one that lately did not answer, last
            order = _silent.SILENT.order(replicas, 0)
        target = replicas[order[tried % len(replicas)]]
        client = clients.client(target, **client_options)
        try:
            info = client.describe(dataset)
            failures.ok()  # "answered again", after a wait
            _silent.SILENT.answered(target)
            return client, info
        except FgbgError as e:
            # A new channel each try: a channel that failed to connect waits out gRPC's own
            # back-off (up to minutes) before it tries again.
            clients.done(client)
            if _silent.no_answer(e):
                _silent.SILENT.mark(target)
            # When none answered, the error names every replica asked (none_answered).
            to = replicas[order[(tried + 1) % len(replicas)]]
            failures.moves_on(e, False, lambda: _moved(who, target, e, client.timeout, to),
                              also=_PASSED if several else ())
            tried += 1
