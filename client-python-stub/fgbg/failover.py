"""One rank's epoch across replicas, resuming exactly when a replica dies.

    from fgbg.failover import stream_epoch
    for batch in stream_epoch("dns:///fgbg:50051", rank=rank, world_size=world, batch_size=64):
        ...

The rank streams from its home replica (``rank % n``); when that replica becomes UNAVAILABLE (it
died, shut down, or hangs: it stopped answering the client's keepalive pings, or sent no batch
within the client's `timeout`) it moves to the next one and asks for the rest by fgbg.resume's
rule (``start_batch`` past every batch it already yielded, ``limit`` less the samples in them),
so no sample is lost or repeated.

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

`FailoverCalls` does the same for idempotent unary calls (GetSamples, as FgbgDataset makes
them): the same call again on the next replica, under the same fingerprint check (`SameData`),
with the same `reconnect` window.
"""
import logging
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

from . import _channels, shm
from ._checks import world_size_arg
from ._proto import pb
from ._requests import field
from .batch import Batch
from .client import Client, FgbgError
from .reconnect import Calls, Failures, Reconnect, describe, seconds
from .replicas import Targets, home, resolve
from .resume import StreamPoint, after

_LOG = logging.getLogger(__name__)
# The request's other integers, flags and names: checked (as the request's fields) when the
# stream is made, not when it first connects.
_CHECKED = ("seed", "epoch", "batch_size", "start_position", "shuffle", "drop_last", "dataset")


class OtherDataError(FgbgError):
    """FAILED_PRECONDITION: a replica (or a server that came back) serves other data (another
    fingerprint) than the consumer had so far; skipped like an unavailable replica, raised when
    no replica serves the same data. Not waited for: the data changed under the consumer."""

    def __init__(self, code: str, details: str = "", target: Optional[str] = None,
                 note: str = "", files: Optional[Tuple[int, ...]] = None,
                 fingerprint_words: str = "", served: str = "") -> None:
        super().__init__(code, details, target, note, files)
        self.fingerprint_words = fingerprint_words  # "serves fingerprint X": what it served
        self.served = served  # X

    def __reduce__(self) -> Tuple[type, Tuple[Any, ...]]:
        return OtherDataError, FgbgError.__reduce__(self)[1]  # the class survives a pickle


class SameData:
    """The fingerprint of the data a consumer has had so far (None: nothing yet), and the check
    that keeps a replica's other data out."""

    def __init__(self, dataset: str, fingerprint: Optional[str] = None) -> None:
        self.dataset = dataset
        self.fingerprint = fingerprint
        self._round: Dict[str, str] = {}  # what each replica did since a batch was accepted

    def decide(self, targets: List[str], reconnect: float, options: Dict[str, Any],
               calls: Optional[Calls] = None) -> None:
        """Without a fingerprint yet, and several replicas: the one the first replica in
        `targets`' order that answers Describe serves, the same in every rank and process
        (not the first batch's: replicas of other data would split a job between them).
        `calls`: a stream's Clients, whose close ends the Describe."""
        if self.fingerprint is None and len(targets) > 1:
            calls = calls if calls is not None else Calls()
            client, info = describe(targets, self.dataset, reconnect, calls, **options)
            calls.done(client)
            self.fingerprint = info.fingerprint

    def why(self, e: FgbgError) -> str:
        """Why the consumer leaves a replica after `e` (UNAVAILABLE, or of other data), for the
        move's log line (the Java client's words)."""
        if isinstance(e, OtherDataError):
            return "serves other data (fingerprint %s, not %s)" % (e.served, self.fingerprint)
        said = str(e)
        return "is unavailable (%s)" % (said[len(e.code) + 2:] if said.startswith(e.code + ": ")
                                        else said)

    def failed(self, target: str, e: FgbgError) -> None:
        """Notes why `target` was left (for `gave_up`)."""
        self._round[target] = (e.fingerprint_words if isinstance(e, OtherDataError)
                               else "is unavailable" if e.code == "UNAVAILABLE"
                               else "failed %s" % e.code)

    def gave_up(self, e: FgbgError, targets: List[str]) -> FgbgError:
        """What to raise when the consumer gives up after `e`: when `e` is of other data or
        UNAVAILABLE (every replica down or of other data) and a replica of other data was among
        those left, an OtherDataError naming what each replica serves; else `e` itself (a
        replica's own refusal, e.g. INVALID_ARGUMENT, is the user's to see)."""
        if not (isinstance(e, OtherDataError) or e.code == "UNAVAILABLE") or not any(
                w.startswith("serves") for w in self._round.values()):
            return e
        return OtherDataError("FAILED_PRECONDITION", "no replica serves dataset %r with "
                              "fingerprint %s, the data this consumer has: %s; the replicas "
                              "serve different data (a rolling update, another config or "
                              "model?), and their samples cannot be mixed" % (
                                  self.dataset, self.fingerprint, "; ".join(
                                      "%s %s" % (t, self._round.get(t, "was not tried"))
                                      for t in targets)), e.target)

    def check(self, batch: Batch, target: str) -> None:
        """Raises FAILED_PRECONDITION when `batch` (from `target`) is of other data than the
        data so far."""
        if self.fingerprint is None:
            self.fingerprint = batch.fingerprint
        elif batch.fingerprint != self.fingerprint:
            batch.release()  # its shared-memory slot, if it came through one
            raise OtherDataError("FAILED_PRECONDITION", "%s serves dataset %r with fingerprint "
                                 "%s, not %s as the replicas before it: the replicas serve "
                                 "different data (a rolling update, another config or model?), "
                                 "and their samples cannot be mixed"
                                 % (target, self.dataset, batch.fingerprint, self.fingerprint),
                                 target, fingerprint_words="serves fingerprint %s"
                                 % batch.fingerprint, served=batch.fingerprint)
        self._round.clear()


class FailoverStream:
    """Iterates Batches of one rank; `replica` is the index now used, `failovers` the moves.
    `request` is what Client.stream_epoch takes (dataset, seed, epoch, batch_size, ...);
    `reconnect`: seconds to keep trying once every replica failed (fgbg.reconnect). Any
    thread may `close` it (a reader waiting on a hung replica then ends at once)."""

    def __init__(self, targets: Targets, rank: int = 0, world_size: int = 1, start_batch: int = 0,
                 limit: int = 0, client_options: Optional[Dict[str, Any]] = None,
                 reconnect: Reconnect = 0, fingerprint: Optional[str] = None,
                 **request: Any) -> None:
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
        self._failures = Failures(self.targets, reconnect)
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
        self._same.decide(self.targets, self._reconnect, self._options, self._calls)
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
                    self._batches += 1
                    self._samples += len(batch)
                    failures.ok()
                    delivered = True
                    yield batch
                return
            except FgbgError as e:
                if self._calls.closed:
                    raise
                gone, to = self.targets[self.replica], (self.replica + 1) % len(self.targets)
                self._same.failed(gone, e)
                # The error says why: it went away, shut down, stopped answering (hangs), or
                # serves other data. A deadline before this replica's first batch is a hung
                # replica (its ring-sizing Describe or first reply): the next one may answer.
                # After batches came, it is the caller's own stream timeout: raised.
                hung = ("DEADLINE_EXCEEDED",) if not delivered and len(self.targets) > 1 else ()
                try:
                    failures.moves_on(e, isinstance(e, OtherDataError), lambda: _LOG.info(
                        "rank %d: %s %s; resuming at batch %d on %s", self.rank, gone,
                        self._same.why(e), self._start.start_batch + self._batches,
                        self.targets[to]), also=hung)
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


# Why a call left a replica whose deadline passed, in the move's INFO line.
NO_REPLY = "sent no reply within the call's deadline"


class FailoverCalls:
    """Idempotent unary calls over replicas. Each call goes to the replica now used (`replica`,
    from `home(home_index, n)`); when that one is UNAVAILABLE, answers with other data, or
    never connects before the call's deadline (a hung replica: each replica asked gets the
    Client's whole `timeout`), the same call goes to the next replica through a new Client, so
    a retried call is exact. A deadline on a connected replica (busy: a big call, a cold depth
    cache) is raised, not retried elsewhere at the same cost. It gives up, raising the last
    error, when every replica in turn failed the call (a deadline's then names them: "(asked A,
    B in turn: none answered)"). `fingerprint` is the data already seen (e.g. DatasetInfo's;
    None: as for FailoverStream, the first replica's in the targets' order that answers
    Describe(`dataset`)); `who` names the caller in the one INFO line per move; `reconnect`
    keeps it trying (fgbg.reconnect). Use in one process: a Client never crosses a fork."""

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

    def call(self, what: str, ask: Callable[[Client], Batch]) -> Batch:
        """`ask(client)`, on this replica or the next ones; `what` names it in the log line."""
        failures = Failures(self.targets, self._reconnect)
        self._same.decide(self.targets, self._reconnect, self._options)
        while True:
            client = self._client
            if client is None:
                client = self._client = Client(self.targets[self.replica], **self._options)
            try:
                batch = ask(client)
                self._same.check(batch, self.targets[self.replica])
                failures.ok()
                return batch
            except FgbgError as e:
                gone, to = self.targets[self.replica], (self.replica + 1) % len(self.targets)
                self._same.failed(gone, e)
                # A deadline while the channel never connected: a hung or silent replica, so the
                # (idempotent) call goes to the next one. Once connected, the replica is busy (a
                # big call, a cold depth cache): it would cost as much on each replica, so the
                # deadline is raised in its own words (raise timeout).
                hung = ("DEADLINE_EXCEEDED",) if (
                    e.code == "DEADLINE_EXCEEDED" and len(self.targets) > 1
                    and _channels.connecting(client._channel)) else ()
                try:
                    failures.moves_on(e, isinstance(e, OtherDataError), lambda: _LOG.info(
                        "%s: %s %s; asking %s for the same %s", self._who, gone,
                        self._same.why(e) if isinstance(e, OtherDataError)
                        else NO_REPLY if e.code == "DEADLINE_EXCEEDED" else "is unavailable",
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
