"""Several interchangeable fgbg servers: which targets, and which one a rank uses.

Targets are ``"host:port,host:port,..."`` (that order), ``"dns:///name:port"`` (every address
the name resolves to, sorted, e.g. a Kubernetes headless Service), a list of either, or one
``"host:port"``; a bare host is port 50051 anywhere, as in the Java client. Rank ``r`` uses
replica ``r % n`` (affinity, the same map in every process) and fails over to the next one when
its replica is unavailable; see ``fgbg.failover``.
"""
import socket
from typing import List, Sequence, Union

Targets = Union[str, Sequence[str]]

_DNS = "dns:///"


PORT = 50051  # a bare host's: fgbg's, not gRPC's own default (443), as in the Java client


def _bare(host: str) -> bool:
    return host.endswith("]") if host.startswith("[") else ":" not in host


def _host_port(target: str) -> str:
    """`target` as host:port (a bare host gets PORT); ValueError naming a bad port."""
    if target and _bare(target):
        return "%s:%d" % (target, PORT)
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) <= 65535:
        raise ValueError("target %r must be host:port (or a bare host, port %d)"
                         % (target, PORT))
    return target


def resolve(targets: Targets) -> List[str]:
    """The replicas `targets` names, in a fixed order; ValueError naming a bad one, TypeError
    when `targets` is neither a str nor a list of them (a bare port is not a target)."""
    if isinstance(targets, str):
        entries = targets.split(",")
    elif isinstance(targets, Sequence) and all(isinstance(t, str) for t in targets):
        entries = list(targets)
    else:
        raise TypeError("target must be a str such as 'host:port' (or a list of them), got %r "
                        "(%s)" % (targets, type(targets).__name__))
    out: List[str] = []
    for raw in entries:
        t = raw.strip()
        if not t.startswith(_DNS):
            # One plain target is any gRPC target string (unix:…); in a list, host:port each.
            found = [_host_port(t) if len(entries) > 1 or _bare(t) else t] if t else []
        else:
            host, _, digits = _host_port(t[len(_DNS):]).rpartition(":")
            port = int(digits)
            try:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except socket.gaierror as e:
                raise ValueError("target %r: %s does not resolve (%s)" % (t, host, e)) from None
            found = sorted({("[%s]" if ":" in i[4][0] else "%s") % i[4][0] + ":%d" % port
                            for i in infos})
        out.extend(f for f in found if f not in out)
    if not out:
        raise ValueError("no targets in %r" % (targets,))
    return out


def home(rank: int, replicas: int) -> int:
    """The replica rank `rank` starts on."""
    return rank % replicas
