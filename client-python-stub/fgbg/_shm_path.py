"""Which path a call's batches take: whether a client offers a shared-memory ring to its
target, and the one log line that says which path it took."""
import logging
import os
from typing import Any, Optional, Tuple

from . import shm

_LOG = logging.getLogger("fgbg")
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0", "ip6-localhost")


def wanted(target: str, shared_memory: Optional[bool]) -> Tuple[bool, str]:
    """(offer a ring?, why not) for `target`: on when asked, else when FGBG_SHM is not 0, the
    target is this host and /dev/shm exists."""
    if shared_memory is False:
        return False, "shared_memory=False"
    if shared_memory is None and os.environ.get("FGBG_SHM", "1") == "0":
        return False, "FGBG_SHM=0"
    if not os.path.isdir(shm.DIRECTORY):
        return False, shm.DIRECTORY + " does not exist"
    if shared_memory is None and not is_local(target):
        return False, "%s is not this host" % target
    return True, ""


def is_local(target: str) -> bool:
    if target.startswith("unix:"):
        return True
    host = target.rsplit(":", 1)[0] if target.count(":") == 1 or target.startswith("[") \
        else target
    host = host.split("///")[-1]
    return host in _LOCAL_HOSTS or host.startswith("127.") or host == _hostname()


def _hostname() -> str:
    import socket

    return socket.gethostname()


def log_path(call: str, ring: Optional[Any], refused: str, why_not: str) -> None:
    """The one line saying which path a call's batches take."""
    if ring is not None and not refused:
        _LOG.info("fgbg %s: batches through shared memory (%s, %d slots of %.1f MiB)", call,
                  ring.path, ring.slots, ring.slot_bytes / 2**20)
    elif refused:
        _LOG.warning("fgbg %s: the server refused shared memory (%s); batches over the network",
                     call, refused)
    else:
        _LOG.info("fgbg %s: batches over the network (shared memory off: %s)", call, why_not)
