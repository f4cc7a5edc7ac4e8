"""One rank's epoch across replicas, resuming exactly when a replica dies.

    from fgbg.failover import stream_epoch
    for batch in stream_epoch("dns:///fgbg:50051", rank=rank, world_size=world, batch_size=64):
        ...

The rank streams from its home replica (``rank % n``; one that lately did not answer at all, a
hung one, is asked last: fgbg._silent); when that replica becomes UNAVAILABLE (it died, shut down,
or hangs: it stopped answering the client's keepalive pings, or sent no batch within the client's
`timeout`) it moves to the next one and asks for the rest by fgbg.resume's rule (``start_batch``
past every batch it already yielded, ``limit`` less the samples in them): no sample is lost or
repeated.

Every stream keeps to one fingerprint: `fingerprint=` (a dataset's, as FgbgIterableDataset
passes its info's), else the one the first replica in the targets' order that answers Describe
serves (the same for every rank and process of a job, whatever its home replica). A replica
serving other data (a rolling update, another config or model) is skipped like an unavailable
one, never mixed in; when no replica serves it, an OtherDataError names each replica and what it
serves. Otherwise it gives up, raising the last error naming every replica ("no fgbg server
answers at A, B (...)"), when every replica in turn failed without yielding a batch, unless
`reconnect` (seconds) keeps it trying (fgbg.reconnect): a rank whose only server restarts then
rides through the restart. Each move is one INFO line saying why ("A is unavailable (...)", "A
serves other data (fingerprint G, not F)"). Any thread may close() a stream: the call its reader
waits in ends (a Describe of a hung replica too), and so does the reader's iteration.
`FailoverCalls` does the same for idempotent unary calls (GetSamples, as FgbgDataset makes them).
"""
import logging
from typing import Any, Callable, Dict, Iterator, List, Optional

from . import _channels, _silent, shm
from ._checks import world_size_arg
from ._proto import pb
from ._requests import field, request
# Public here, as they were before they had a module of their own.
from ._same_data import OtherDataError as OtherDataError, SameData as SameData
from .batch import Batch
from .client import Client, FgbgError
from .errors import words
from .reconnect import NO_REPLY as NO_REPLY, Calls, Failures, Reconnect, no_reply, seconds
from .replicas import Targets, home, resolve
from .resume import StreamPoint, after

_LOG = logging.getLogger(__name__)
# The request's other integers, flags and names: checked (as the request's fields) when the
# stream is made, not when it first connects.
_CHECKED = ("seed", "epoch", "batch_size", "start_position", "shuffle", "drop_last", "dataset")


class FailoverStream:
    """Iterates Batches of one rank; `replica` is the index now used, `failovers` the moves.
    `request` is what Client.stream_epoch takes (dataset, seed, epoch, batch_size, ...);
    `reconnect`: seconds to keep trying once every replica failed (fgbg.reconnect). Any
    thread may `close` it (a reader waiting on a hung replica then ends at once). `who` names
    the consumer at the start of its lines (None: "rank R", the request's; "": no name), as
    FgbgIterableDataset names a rank's DataLoader worker, whose request's rank is its shard's."""

    def __init__(self, targets: Targets, rank: int = 0, world_size: int = 1, start_batch: int = 0,
                 limit: int = 0, client_options: Optional[Dict[str, Any]] = None,
                 reconnect: Reconnect = 0, fingerprint: Optional[str] = None,
                 who: Optional[str] = None, **request: Any) -> None:
        n = {k: field(pb.StreamEpochRequest, k, v) for k, v in (
            ("rank", rank), ("start_batch", start_batch), ("limit", limit))}
        n["world_size"] = field(pb.StreamEpochRequest, "world_size", world_size_arg(world_size))
        request.update({k: field(pb.StreamEpochRequest, k, v) for k, v in request.items()
                        if k in _CHECKED})
        self.targets = resolve(targets, "targets")
        self.rank = n["rank"]
        self.replica = home(self.rank, len(self.targets))
        self.failovers = 0
        self._options = dict(client_options or {})
        self._request = dict(request, rank=self.rank, world_size=n["world_size"])
        self._start = StreamPoint(n["start_batch"], n["limit"])
        self._batches = 0
        self._samples = 0
        self._same = SameData(request.get("dataset", "builtin"), fingerprint)
        self._reconnect = seconds(reconnect)
        self._who = "rank %d" % self.rank if who is None else who
        self._failures = Failures(self.targets, reconnect, self._who)
        self._calls = Calls()  # the Clients of its calls in flight, which close ends

    def __iter__(self) -> Iterator[Batch]:
        try:
            yield from self._batches_on_replicas()
        except FgbgError:
            if not self._calls.closed:
                raise
            # Closed by another thread: its call in flight ended (CANCELLED); so does this.

    def close(self) -> None:
        """Ends the stream from any thread: the call its reader waits in ends at once (the
        job's Describe of a hung replica too), and the reader's iteration with it."""
        self._calls.close()

    def _batches_on_replicas(self) -> Iterator[Batch]:
        failures = self._failures
        self._same.decide(self.targets, self._reconnect, self._options, self._calls,
                          who=self._who)
        # After the job's Describe, which may have found the home replica silent: it goes last.
        order = _silent.SILENT.order(self.targets, self.replica)
        self.replica = order[0]
        while True:
            point = after(self._start, self._batches, self._samples)
            if point is None:
                return
            # Each stream's client is new; the process's pool keeps its ring for the next one.
            client = self._calls.client(self.targets[self.replica],
                                        **dict({"ring_pool": shm.process_pool()}, **self._options))
            delivered = False
            try:
                for batch in client.stream_epoch(start_batch=point.start_batch,
                                                 limit=point.limit, **self._request):
                    self._same.check(batch, self.targets[self.replica])
                    if not delivered:
                        _silent.SILENT.answered(self.targets[self.replica])
                    self._batches += 1
                    self._samples += len(batch)
                    failures.ok()
                    delivered = True
                    yield batch
                return
            except FgbgError as e:
                if self._calls.closed:
                    raise
                gone, to = self.targets[self.replica], _silent.after(order, self.replica)
                self._same.failed(gone, e)
                if not delivered and _silent.no_answer(e):
                    _silent.SILENT.mark(gone)  # no reply at all: the next streams ask it last
                # The error says why: it went away, shut down, stopped answering (hangs), or
                # serves other data. A deadline before this replica's first batch is a hung
                # replica (its ring-sizing Describe or first reply): the next one may answer.
                # After batches came, it is the caller's own stream timeout: raised.
                hung = ("DEADLINE_EXCEEDED",) if not delivered and len(self.targets) > 1 else ()
                why = (no_reply(gone, client.timeout) if e.code == "DEADLINE_EXCEEDED"
                       else self._same.why(e))
                try:
                    failures.moves_on(e, isinstance(e, OtherDataError), lambda: _LOG.info(
                        "%s%s %s; resuming at batch %d on %s", self._who and self._who + ": ",
                        gone, why, self._start.start_batch + self._batches, self.targets[to]),
                        also=hung)
                except FgbgError as last:
                    raise self._same.gave_up(last, self.targets) from None
                self.replica = to
                self.failovers += 1
            finally:
                self._calls.done(client)


def stream_epoch(targets: Targets, rank: int = 0, world_size: int = 1, start_batch: int = 0,
                 limit: int = 0, client_options: Optional[Dict[str, Any]] = None,
                 reconnect: Reconnect = 0, fingerprint: Optional[str] = None,
                 **request: Any) -> FailoverStream:
    """`Client.stream_epoch` over replicas, with failover (see the module's docstring)."""
    return FailoverStream(targets, rank=rank, world_size=world_size, start_batch=start_batch,
                          limit=limit, client_options=client_options, reconnect=reconnect,
                          fingerprint=fingerprint, **request)


# The bound of the probe that tells a connected replica past a call's deadline hung (frozen:
# no answer) from busy (it answers: Describe is served beside the renders, never queued
# behind them).
PROBE_S = 3.0


def answers(client: Client, dataset: str) -> bool:
    """Whether `client`'s replica answers a Describe of `dataset` within PROBE_S: any status
    but a deadline or UNAVAILABLE (its connection closed) is an answer."""
    try:
        client._unary(client._stub.Describe, request(pb.DescribeRequest, dataset=dataset),
                      timeout=PROBE_S)
    except FgbgError as e:
        return e.code not in ("DEADLINE_EXCEEDED", "UNAVAILABLE")
    return True


class FailoverCalls:
    """Idempotent unary calls over replicas. Each call goes to the replica now used (`replica`,
    from `home(home_index, n)`, a lately silent one last: fgbg._silent); when that one is
    UNAVAILABLE, answers with other data, or never connects before the call's deadline (a hung
    replica: each replica asked gets the Client's whole `timeout`), the same call goes to the
    next replica through a new Client (the same `SameData` check and `reconnect` window), so a
    retried call is exact. A deadline on a connected replica is probed (`answers`): silent, it
    is frozen and the call moves on too; answering, it is busy (a big call, a cold depth cache)
    and the deadline is raised, not retried elsewhere at the same cost. When every replica in
    turn failed, the last error (a deadline's names them: "(asked A, B in turn: none
    answered)").
    `fingerprint`: the data already seen (DatasetInfo's; None: as for FailoverStream); `who`
    names the caller in the INFO line per move. Use in one process: a Client never crosses a
    fork."""

    def __init__(self, targets: Targets, home_index: int = 0, dataset: str = "builtin",
                 fingerprint: Optional[str] = None, who: str = "",
                 client_options: Optional[Dict[str, Any]] = None,
                 reconnect: Reconnect = 0) -> None:
        self.targets = resolve(targets, "targets")
        self.replica = home(home_index, len(self.targets))
        self.failovers = 0
        self._same = SameData(dataset, fingerprint)
        self._who = who or "calls"
        self._options = dict(client_options or {})
        self._client: Optional[Client] = None
        self._reconnect = seconds(reconnect)
        self._order: List[int] = []  # the replicas in the order it asks them

    def call(self, what: str, ask: Callable[[Client], Batch]) -> Batch:
        """`ask(client)`, on this replica or the next ones; `what` names it in the log line."""
        failures = Failures(self.targets, self._reconnect, self._who)
        self._same.decide(self.targets, self._reconnect, self._options, who=self._who)
        if not self._order:  # first, after the Describe: a replica lately silent goes last
            self._order = _silent.SILENT.order(self.targets, self.replica)
            self.replica = self._order[0]
        while True:
            client = self._client
            if client is None:
                client = self._client = Client(self.targets[self.replica], **self._options)
            try:
                batch = ask(client)
                self._same.check(batch, self.targets[self.replica])
                failures.ok()
                _silent.SILENT.answered(self.targets[self.replica])
                return batch
            except FgbgError as e:
                gone, to = self.targets[self.replica], _silent.after(self._order, self.replica)
                self._same.failed(gone, e)
                # A deadline while the channel never connected: a hung or silent replica, so the
                # (idempotent) call goes to the next one. A connected one that does not answer
                # a probe either is frozen: the same. One that answers it is busy (a big call,
                # a cold depth cache): it would cost as much on each replica, so the deadline
                # is raised in its own words (raise timeout).
                deadline = e.code == "DEADLINE_EXCEEDED" and len(self.targets) > 1
                connecting = deadline and _channels.connecting(client._channel)
                frozen = deadline and not connecting and not answers(client, self._same.dataset)
                hung = ("DEADLINE_EXCEEDED",) if connecting or frozen else ()
                if hung or (e.code == "UNAVAILABLE" and _silent.no_answer(e)):
                    _silent.SILENT.mark(gone)  # no answer: the next calls ask it last
                why = (self._same.why(e) if isinstance(e, OtherDataError)
                       else no_reply(gone, client.timeout, frozen)
                       if e.code == "DEADLINE_EXCEEDED" else "is unavailable")
                try:
                    failures.moves_on(e, isinstance(e, OtherDataError), lambda: _LOG.info(
                        "%s: %s %s; asking %s for the same %s", self._who, gone, why,
                        self.targets[to], what), also=hung)
                except FgbgError as last:
                    raise self._same.gave_up(last, self.targets) from None
                self.close()
                self.replica = to
                self.failovers += 1

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
