"""Which path a call's batches take: whether a client offers a shared-memory ring to its
target, and the one log line that says which path it took."""
import ipaddress
import logging
import os
import re
import socket
import time
from typing import Any, FrozenSet, Optional, Set, Tuple, Union

from . import _shm_room, shm
from ._sizes import size_words

_LOG = logging.getLogger("fgbg")
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0", "::", "ip6-localhost")
_DNS = "dns:///"
IpAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
_OWN_TTL_S = 60.0
_OWN: Optional[Tuple[float, FrozenSet[IpAddress]]] = None
_NO_ROOM_SAID = False  # the no-room line was a warning once in this process
# The server's refusals warned of in this process, numbers left out ("a ring of N MiB does not
# fit ..."): a process of 50 streams said the same refusal 50 times.
_REFUSALS_SAID: Set[str] = set()


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
    """Whether `target` is this host, by the Java client's rule (`RingChoice.isLocal`): a unix
    socket, localhost and the loopback and wildcard addresses, the host's own name, or an
    address of one of its own interfaces (its LAN address). No name is looked up: any other
    name counts as another host."""
    if target.startswith("unix:") or target.startswith("unix-abstract:"):
        return True
    t = target[len(_DNS):] if target.startswith(_DNS) else target
    if t.startswith("["):
        host = t[1:max(1, t.find("]"))]
    else:
        host = t.rsplit(":", 1)[0] if t.count(":") == 1 else t
    return (host in _LOCAL_HOSTS or host.startswith("127.")
            or host.lower() == socket.gethostname().lower() or _is_own_address(host))


def _is_own_address(host: str) -> bool:
    """Whether `host` is an address literal (not a name: that would wait on DNS) of this
    host: loopback, wildcard, or one of its interfaces' addresses."""
    try:
        a = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return a.is_loopback or a.is_unspecified or a in _own_addresses()


def _own_addresses() -> FrozenSet[IpAddress]:
    """This host's interface addresses, read again at most once a minute: each call's check
    costs a set lookup, and an address DHCP hands out later is still seen."""
    global _OWN
    now = time.monotonic()
    if _OWN is None or now - _OWN[0] > _OWN_TTL_S:
        _OWN = (now, own_addresses())
    return _OWN[1]


def own_addresses() -> FrozenSet[IpAddress]:
    """Every address of this host's interfaces: Linux lists them in /proc (IPv4's local
    routes, IPv6's interface table); elsewhere, the addresses the host's name resolves to."""
    found = set(_proc_ipv4() | _proc_ipv6())
    if not found:
        try:
            for info in socket.getaddrinfo(socket.gethostname(), None):
                found.add(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]))
        except (OSError, ValueError):
            pass  # the name does not resolve: loopback and wildcard still count
    return frozenset(found)


def _proc_ipv4() -> Set[IpAddress]:
    # fib_trie names each address followed by its route type; "/32 host LOCAL" marks the
    # host's own ones (the local routing table holds exactly these).
    found: Set[IpAddress] = set()
    try:
        with open("/proc/net/fib_trie") as f:
            last = None
            for line in f:
                m = re.match(r"\s*[|+]-- ([0-9.]+)", line)
                if m:
                    last = m.group(1)
                elif last and "/32 host LOCAL" in line:
                    found.add(ipaddress.ip_address(last))
    except (OSError, ValueError):
        pass
    return found


def _proc_ipv6() -> Set[IpAddress]:
    found: Set[IpAddress] = set()
    try:
        with open("/proc/net/if_inet6") as f:
            for line in f:
                hexits = line.split()[0]
                found.add(ipaddress.ip_address(int(hexits, 16).to_bytes(16, "big")))
    except (OSError, ValueError, IndexError):
        pass
    return found


def log_path(call: str, ring: Optional[Any], refused: str, why_not: str) -> None:
    """The one line saying which path a call's batches take."""
    if ring is not None and not refused:
        _LOG.info("fgbg %s: batches through shared memory (%s, %d slots of %s)", call,
                  ring.path, ring.slots, size_words(ring.slot_bytes))
    elif refused:
        # One reason whatever ring or numbers it names ('/dev/shm/fgbg-ring-9457-3fa…').
        reason = re.sub(r"\d+", "N", re.sub(r"'[^']*'", "'…'", refused))
        if reason in _REFUSALS_SAID:
            _LOG.debug("fgbg %s: the server refused shared memory (%s); batches over the "
                       "network", call, refused)
        else:
            _REFUSALS_SAID.add(reason)
            _LOG.warning("fgbg %s: the server refused shared memory (%s); batches over the "
                         "network (said once per process; the same refusal again at DEBUG)",
                         call, refused)
    else:
        # No room in /dev/shm is the machine's to fix (a container's 64 MB): said once per
        # process where it shows without logging set up, as the Java CLI's warning is.
        global _NO_ROOM_SAID
        level = logging.INFO
        if _shm_room.NO_ROOM in why_not and not _NO_ROOM_SAID:
            _NO_ROOM_SAID = True
            level = logging.WARNING
        _LOG.log(level, "fgbg %s: batches over the network (shared memory off: %s)", call,
                 why_not)
