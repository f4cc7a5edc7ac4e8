"""What a process forked from one using fgbg inherits of it: how many fgbg channels its parent
held open, and how many fgbg streams it was reading, at the fork (`_channels`' fork hook notes
them, `inherit`); and fgbg's words for refusing gRPC across fork(), which `_channels` (its
refusals) and `errors` (a broken socket in such a child) both say. No gRPC and no FgbgError
here: both of those modules import this one.
"""
# How fgbg words every refusal of gRPC across fork(): why (%s), then what to do (%s).
FORK_HINT = ("%s, and gRPC cannot be used across fork(): %s, or start the workers with "
             "multiprocessing_context='spawn' (as dataset.loader() does)")
FORKED_FROM = "this process was forked (a DataLoader worker?) while its parent %s"
CLOSE_FIRST = "finish or close them (and any Client) before the DataLoader starts its workers"

_open_at_fork = 0  # channels open in the parent when this process was forked from it
_streams_at_fork = 0  # streams the parent was reading when this process was forked from it


def inherit(open_channels: int, streams: int) -> None:
    """Notes, in a child as it is forked, the channels its parent held open and the streams it
    was reading."""
    global _open_at_fork, _streams_at_fork
    _open_at_fork, _streams_at_fork = open_channels, streams


def forked_open() -> bool:
    """Whether this process was forked while its parent held an open fgbg channel."""
    return _open_at_fork > 0


def streams_at_fork() -> int:
    """The fgbg streams this process's parent was reading when it forked this process."""
    return _streams_at_fork
