"""What a Client is beside its calls: the process it belongs to, whether it is closed, and how
it is copied and pickled.

A gRPC channel does not survive fork(): a child's call on its parent's channel shares the
parent's connection (seen: the child hung past its deadline, and the server reset the parent's
streams for the frames both sent on it, so the parent's next calls failed UNAVAILABLE, blaming
the server). So every call on a Client made in another process is refused before it touches
the channel (_channels.refuse_if_not_made_in: a pid compare, the cost of a call is unchanged),
and close() there only marks the copy closed: the channel and the rings are the parent's. The
datasets make their own Clients in each process, so they are not refused.

A call on a closed Client is refused in fgbg's words, not grpc's ValueError.

A copy (copy.copy, copy.deepcopy) or an unpickled Client is a new connection, made with the
arguments the original was made with: a channel can be neither shared by two owners (closing
one would close the other) nor pickled. A pickled one leaves out its `ring_pool` (a pool is
one process's rings) and keeps its own rings instead.
"""
import os
from typing import Any, Dict, Tuple

from ._channels import refuse_if_not_made_in
from .errors import FgbgError


class _Hidden(str):
    """A token kept for a copy's constructor: its repr (vars(client), a dump) never shows it."""

    def __repr__(self) -> str:
        return "<hidden, %d chars>" % len(self)


class Owned:
    """Client's base: `_own(locals())` first in __init__, `_usable()` before each call, and
    `_closing()` in close()."""

    _made_in = -1
    _closed = False
    _args: Dict[str, Any] = {}

    def _own(self, args: Dict[str, Any]) -> None:
        """Records the constructor's arguments (its locals() before any other line) and this
        process."""
        self._args = {k: v for k, v in args.items() if k not in ("self", "__class__")}
        if isinstance(self._args.get("token"), str):  # kept for a copy, never shown
            self._args["token"] = _Hidden(self._args["token"])
        self._made_in = os.getpid()
        self._closed = False

    def _usable(self) -> None:
        """Raises FAILED_PRECONDITION where a call must not touch the channel."""
        refuse_if_not_made_in(self._made_in)
        if self._closed:
            raise FgbgError("FAILED_PRECONDITION", "this Client is closed (close() or the end of "
                            "its with block): make a new fgbg.Client",
                            getattr(self, "target", None))

    def _closing(self) -> bool:
        """Marks the client closed; whether this process may close its channel and rings (it
        made them)."""
        self._closed = True
        return self._made_in == os.getpid()

    def __copy__(self) -> Any:
        return type(self)(**self._args)

    def __deepcopy__(self, memo: Dict[int, Any]) -> Any:
        return type(self)(**self._args)  # nothing of the original is shared but read-only args

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        return _remade, (type(self), dict(self._args, ring_pool=None))


def _remade(cls: Any, args: Dict[str, Any]) -> Any:
    """An unpickled Client: a new one, made with the original's arguments."""
    return cls(**args)
