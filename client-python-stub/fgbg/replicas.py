"""Several interchangeable fgbg servers: which targets, and which one a rank uses.

Targets are ``"host:port,host:port,..."`` (that order), ``"dns:///name:port"`` (every address
the name resolves to, sorted, e.g. a Kubernetes headless Service), a list of either, or one
``"host:port"``. Rank ``r`` uses replica ``r % n`` (affinity, the same map in every process)
and fails over to the next one when its replica is unavailable; see ``fgbg.failover``.
"""
import socket
from typing import List, Sequence, Union

Targets = Union[str, Sequence[str]]

_DNS = "dns:///"


def _port(host_port: str) -> int:
    host, sep, port = host_port.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) <= 65535:
        raise ValueError("target %r must be host:port" % host_port)
    return int(port)


def resolve(targets: Targets) -> List[str]:
    """The replicas `targets` names, in a fixed order; ValueError naming a bad one."""
    entries = targets.split(",") if isinstance(targets, str) else list(targets)
    out: List[str] = []
    for raw in entries:
        t = raw.strip()
        if not t.startswith(_DNS):
            if len(entries) > 1:
                _port(t)
            # One plain target is any gRPC target string; a bare host is port 50051 (gRPC's
            # own default, 443, is never an fgbg server's).
            bare = t.endswith("]") if t.startswith("[") else ":" not in t
            found = [t + ":50051" if bare and t else t]
        else:
            host_port = t[len(_DNS):]
            port = _port(host_port)
            host = host_port.rpartition(":")[0]
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
