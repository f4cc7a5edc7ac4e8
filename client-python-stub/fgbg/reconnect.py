"""The reconnect window: how long a consumer keeps trying once every replica failed.

``reconnect`` (seconds, a ``timedelta``, or None/0: off) is taken by fgbg.failover's
FailoverStream and FailoverCalls and by the torch datasets (which hand it to their DataLoader
workers and device loader streams). Without it, a stream whose only server restarts raises at
once (UNAVAILABLE). With it, once every replica in turn failed UNAVAILABLE, the consumer waits
(a back-off from 0.5 s, doubling, at most 5 s) and tries them again, for up to ``reconnect``
seconds from when they had all failed; a delivered batch (or answered call) closes the
window. The stream then resumes by fgbg.resume's rule, as a failover does. The first connection
of a dataset (its Describe, while the server is still starting) waits the same way.

Only UNAVAILABLE is waited for: any other status (INVALID_ARGUMENT, PERMISSION_DENIED,
UNAUTHENTICATED, NOT_FOUND, a deadline) and a server that came back with other data (another
fingerprint: the dataset changed under the stream) fail at once, as without the window. Each
window is logged once at WARNING; when it passes, the last error is raised with
"(gave up after N s of trying)" after its message.
"""
import logging
import math
import time
from datetime import timedelta
from typing import Any, Optional, Sequence, Tuple, Union

from .client import Client, FgbgError
from .info import DatasetInfo

__all__ = ["Reconnect", "Window", "seconds", "describe"]

Reconnect = Union[None, int, float, timedelta]
_LOG = logging.getLogger(__name__)
FIRST_PAUSE_S = 0.5
MOST_PAUSE_S = 5.0


def seconds(reconnect: Reconnect) -> float:
    """`reconnect` in seconds (None: 0); ValueError/TypeError naming it when it is not a
    finite, non-negative number of seconds."""
    if reconnect is None:
        return 0.0
    if isinstance(reconnect, timedelta):
        value = reconnect.total_seconds()
    elif isinstance(reconnect, (int, float)) and not isinstance(reconnect, bool):
        value = float(reconnect)
    else:
        raise TypeError("reconnect must be seconds (a number or a timedelta) or None, got %r"
                        % (reconnect,))
    if not math.isfinite(value) or value < 0:
        raise ValueError("reconnect must be 0 (off) or positive seconds, got %r" % (reconnect,))
    return value


def _words(s: float) -> str:
    return "%g" % s


class Window:
    """One consumer's window: `wait` after a full round of UNAVAILABLE failures, `close` when
    the replicas answer again."""

    def __init__(self, reconnect: Reconnect = 0) -> None:
        self.seconds = seconds(reconnect)
        self._until: Optional[float] = None
        self._pause = FIRST_PAUSE_S
        self._who = ("server", "")  # what the open window waits for, in words

    def close(self) -> None:
        """The replicas answered: the next failure opens a new window."""
        if self._until is not None:
            _LOG.info("the fgbg %s at %s answered again after %.1f s", self._who[0],
                      self._who[1], time.monotonic() - self._until + self.seconds)
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
            _LOG.warning("the fgbg %s at %s %s not answering; trying again for up to %s s "
                         "(reconnect=%s)", self._who[0], self._who[1],
                         "is" if len(targets) == 1 else "are", _words(self.seconds),
                         _words(self.seconds))
        left = self._until - now
        if left <= 0:
            raise FgbgError(error.code, error.details, error.target,
                            error.note + " (gave up after %s s of trying)"
                            % _words(self.seconds), files=error.files) from None
        time.sleep(min(self._pause, left))
        self._pause = min(self._pause * 2, MOST_PAUSE_S)


def describe(target: str, dataset: str, reconnect: Reconnect = 0,
             **client_options: Any) -> Tuple[Client, DatasetInfo]:
    """A Client of `target` and its answer to Describe(`dataset`), waiting within the window
    while the server does not answer yet (it is starting). The caller closes the Client."""
    window = Window(reconnect)
    while True:
        client = Client(target, **client_options)
        try:
            return client, client.describe(dataset)
        except FgbgError as e:
            # A new channel each try: a channel that failed to connect waits out gRPC's own
            # back-off (up to minutes) before it tries again.
            client.close()
            if e.code != "UNAVAILABLE":
                raise
            window.wait(e, [client.target])
