"""Several interchangeable fgbg servers: which targets, and which one a rank uses.

Targets are ``"host:port,host:port,..."`` (that order), ``"dns:///name:port"`` (every address
the name resolves to, sorted, e.g. a Kubernetes headless Service), a list of either, or one
``"host:port"``; a bare host is port 50051 anywhere, as in the Java client. A port is a number
from 1 to 65535 (gRPC would read "localhost:4703o" as port 4703), ``[v6]:port`` and gRPC's
``unix:`` names are taken, and a URL (``http://…``) is refused saying so. Rank ``r`` uses
replica ``r % n`` (affinity, the same map in every process) and fails over to the next one when
its replica is unavailable; see ``fgbg.failover``.
"""
import re
import socket
from typing import List, Sequence, Union

Targets = Union[str, Sequence[str]]

_DNS = "dns:///"
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://(.*)$")
# gRPC's name resolvers' schemes (as the Java client's Targets): never refused as a URL.
_RESOLVED = ("dns", "unix", "unix-abstract")
_UNIX = ("unix:", "unix-abstract:")
_V6 = re.compile(r"^[0-9A-Fa-f:.]+$")  # an IPv6 address (not gRPC's "ipv4:" names)


PORT = 50051  # a bare host's: fgbg's, not gRPC's own default (443), as in the Java client


def _bare(host: str) -> bool:
    return host.endswith("]") if host.startswith("[") else ":" not in host


def _host_port(target: str, arg: str = "target", typed: str = "") -> str:
    """`target` as host:port (a bare host gets PORT); ValueError naming `arg` and the target
    (`typed`, as given, when not `target`) when its port is not a number from 1 to 65535, when
    it is a bare IPv6 address with a port, or when it is a URL."""
    typed = typed or target
    url = _SCHEME.match(target)
    if url and url.group(1).lower() not in _RESOLVED:
        host_port = url.group(2).split("/", 1)[0]
        raise ValueError("%s: %r is a URL: give host:port (%s) or dns:///host:port; fgbg "
                         "speaks gRPC, not %s" % (arg, target, host_port or "localhost:%d" % PORT,
                                                  url.group(1)))
    if target and _bare(target):
        return "%s:%d" % (target, PORT)
    host, _, port = target.rpartition(":")
    if ":" in host and _V6.match(host):
        # gRPC would look the host up as a name ("cannot resolve host '::1'"): say how to write it.
        raise ValueError("%s: %r has an IPv6 address without brackets: write [%s]:%s (or [%s] "
                         "for that address on port %d)" % (arg, typed, host, port, target, PORT))
    if not host or not port.isdigit() or not 0 < int(port) <= 65535:
        raise ValueError("%s: %r must be host:port (or a bare host, port %d): its port %r is "
                         "not a number from 1 to 65535" % (arg, typed, PORT, port))
    return target


def resolve(targets: Targets, arg: str = "target") -> List[str]:
    """The replicas `targets` names, in a fixed order; ValueError naming `arg` (the caller's
    argument) and a bad one, TypeError when `targets` is neither a str nor a list of them (a
    bare port is not a target)."""
    if isinstance(targets, str):
        entries = targets.split(",")
    elif isinstance(targets, Sequence) and all(isinstance(t, str) for t in targets):
        entries = list(targets)
    else:
        raise TypeError("%s must be a str such as 'host:port' (or a list of them), got %r "
                        "(%s)" % (arg, targets, type(targets).__name__))
    out: List[str] = []
    for raw in entries:
        t = raw.strip()
        if not t and len(entries) > 1:
            raise ValueError("%s: %r has an empty entry (a stray comma?): give host:port,"
                             "host:port" % (arg, targets))
        if t.startswith(_UNIX):
            found = [t]  # a socket path: gRPC's own name, as it was always taken
        elif not t.startswith(_DNS):
            found = [_host_port(t, arg)] if t else []
        else:
            host, _, digits = _host_port(t[len(_DNS):], arg, t).rpartition(":")
            port = int(digits)
            try:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except socket.gaierror as e:
                raise ValueError("%s: %r: %s does not resolve (%s)" % (arg, t, host, e)) from None
            found = sorted({("[%s]" if ":" in i[4][0] else "%s") % i[4][0] + ":%d" % port
                            for i in infos})
        out.extend(f for f in found if f not in out)
    if not out:
        raise ValueError("%s: no targets in %r" % (arg, targets))
    return out


def home(rank: int, replicas: int) -> int:
    """The replica rank `rank` starts on."""
    return rank % replicas
