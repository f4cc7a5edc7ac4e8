"""StreamEpoch and GetSamples through a shared-memory ring when the server accepts one (see
fgbg.shm), else over the network; one log line per call says which."""
import logging
import time
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple

import grpc

from . import _channels, _shm_path, shm, wire
from ._proto import pb
from .batch import Batch, Part
from .errors import FgbgError, answered, deadline, metadata_refused, unanswered, words
from .resume import StreamPoint, after

Payload = Dict[str, Part]
_LOG = logging.getLogger("fgbg")
# How early a server's deadline may pass before the client's: grpc-timeout is sent rounded.
_DEADLINE_SLACK = 0.01
# How an export cut mid-way goes on, in the Java CLI's words (ExportCommand.resume).
RESUME = "run the same export again: it resumes, keeping the shards already complete"


class Route(NamedTuple):
    """What a stream needs of its Client: the target, the metadata each call sends, the stream
    deadline (seconds) and the StreamEpoch method (raw: it yields bytes)."""
    target: str
    metadata: Sequence[Tuple[str, str]]
    stream_timeout: float
    method: Callable[..., Any]
    channel: Any = None  # the method's, asked whether it ever connected when a deadline passes


def parse(raw: bytes) -> Tuple[Any, Payload]:
    small, where = wire.split(raw)
    return pb.SampleBatch.FromString(small), {f: (raw, o, n) for f, (o, n) in where.items()}


def error(e: Exception, target: str, metadata: Sequence[Tuple[str, str]],
          bound: Optional[Tuple[str, float]] = None, received: Optional[int] = None,
          started: Optional[float] = None, channel: Any = None,
          counted: str = "samples done") -> FgbgError:
    """`e`, of a call to `target` that sent `metadata`, as an FgbgError;
    `bound`: the Client option and seconds that set the call's deadline, `received`: samples a
    stream had delivered (`counted`: of what, in words), all for a deadline's words;
    `started`: the call's start (time.monotonic()); `channel`: the call's, for a deadline's
    words."""
    if isinstance(e, grpc.RpcError) and hasattr(e, "code"):
        details = e.details() or ""
        if (e.code() == grpc.StatusCode.CANCELLED and "RST_STREAM" in details
                and bound is not None and started is not None
                and time.monotonic() - started >= bound[1] - _DEADLINE_SLACK):
            # The server resets a call whose deadline passed (grpc-java: RST_STREAM CANCEL);
            # grpcio says CANCELLED when it reads that before its own timer fires.
            said = deadline("", bound[0], bound[1], received, counted)
            return FgbgError("DEADLINE_EXCEEDED", said, target)
        if e.code() == grpc.StatusCode.CANCELLED and details.startswith("Received RST_STREAM"):
            # Not this client's cancel ("Locally cancelled"): a server ends a call with a reset
            # when its shutdown grace runs out under it (Stats, Gallery, GetSamples). Retrying
            # is right, so it is UNAVAILABLE, which reconnect= and failover retry.
            return FgbgError("UNAVAILABLE", details, target)
        refused = metadata_refused(e.code().name, details, target, metadata)
        if refused is not None:
            # Not UNAVAILABLE: a retry (fgbg.reconnect, another replica) is refused the same.
            return FgbgError("RESOURCE_EXHAUSTED" if e.code() == grpc.StatusCode.UNAVAILABLE
                             else e.code().name, refused, target)
        if (e.code() == grpc.StatusCode.DEADLINE_EXCEEDED and bound is not None and not received
                and _channels.connecting(channel)):
            # Still connecting at the deadline: the call never had a connection (a call on one
            # that went away ends UNAVAILABLE), so no server answered.
            return FgbgError("DEADLINE_EXCEEDED", unanswered(target, bound[0], bound[1]), target)
        if e.code() == grpc.StatusCode.DEADLINE_EXCEEDED and bound is not None:
            details = deadline(details, bound[0], bound[1], received, counted)
        return FgbgError(e.code().name, details, target)
    return FgbgError("UNKNOWN", str(e), target)


def progress(route: Route, call: Any, shown: Optional[Any], kind: Any) -> Any:
    """Reads a progress stream (Export, Stats) of `kind` messages to its end, shown by `shown`
    (a fgbg._progress.Progress) if given; returns the last message."""
    last = None
    started = time.monotonic()
    try:
        for p in reads(call):
            last = p
            if shown:
                shown.update(p)
    except grpc.RpcError as e:
        received, counted = so_far(last if last is not None else kind())
        raise gone(error(e, route.target, route.metadata, ("stream_timeout",
                                                           route.stream_timeout),
                         received, started, route.channel, counted), last) from None
    finally:
        if shown:
            shown.close()
        cancel(call)
    return last


def so_far(last: Any) -> Tuple[int, str]:
    """How far a progress stream got, for a cut call's words: an export's samples kept (those of
    complete shards: what stays on disk and a resume does not redo, as the Java CLI and the
    server's end line count them), a stats call's samples done; `last`: its latest message."""
    if isinstance(last, pb.ExportProgress):
        shards = (", %d of %d shards complete" % (last.shards_done, last.shards_total)
                  if last.shards_total > 0 else "")
        return last.kept, "samples kept" + shards
    return last.done, "samples done"


def gone(e: FgbgError, last: Any) -> FgbgError:
    """`e`, of an export cut after `last` said some samples were kept: one whose server stopped
    or went away (UNAVAILABLE) counts them, and it or one past its deadline says that running
    it again resumes, as the Java CLI does (CallWords); a stopped server's own words say how
    to go on, so only the count; a deadline's words count them already."""
    if (e.code not in ("UNAVAILABLE", "DEADLINE_EXCEEDED")
            or not isinstance(last, pb.ExportProgress) or last.kept <= 0):
        return e
    if e.code == "DEADLINE_EXCEEDED":
        return FgbgError(e.code, e.details, e.target, "; to go on from there: " + RESUME + e.note,
                         e.files or (), e.asked)
    kept, counted = so_far(last)
    note = (" (%d %s)" % (kept, counted) if "run the same " in e.details
            else " (%d %s); to go on from there: %s" % (kept, counted, RESUME))
    return FgbgError(e.code, e.details, e.target, note + e.note, e.files or (), e.asked)


def reads(call: Any) -> Iterator[Any]:
    """The messages of a streaming `call`, each read inside the fork gate (_channels.CALL), and
    only the read: a generator suspended between them holds nothing a fork would wait for."""
    while True:
        with _channels.CALL:
            try:
                msg = next(call)
            except StopIteration:
                return
        yield msg


def cancel(call: Any) -> None:
    with _channels.CALL:
        call.cancel()


def ring_batch(ring: shm.Ring, msg: Any, world_size: int) -> Batch:
    parts, release = ring.take(msg.shared_memory.slot, msg.shared_memory)
    return Batch([msg], world_size=world_size, payloads=[parts], release=release)


def stream(route: Route, req: Any, world_size: int, ring: Optional[shm.Ring],
           why_not: str, pool: Optional[shm.RingPool] = None) -> Iterator[Batch]:
    """Batches of a StreamEpoch request; `ring` (offered in `req`) goes back to `pool` when the
    stream ended with OK on it (a later stream may take it), else it is removed. When every slot
    is held by a batch still alive here, the rest of the epoch comes over the network (resumed at
    the next batch), so that keeping batches never stalls the stream."""
    delivered = 0
    samples = 0
    logged = False
    first = req
    whole = False  # the call on the ring ended with OK: no write of the server is in flight
    try:
        while True:
            started = time.monotonic()
            with _channels.CALL:
                call = route.method(req, timeout=route.stream_timeout,
                                    metadata=route.metadata)
            pending: List[Any] = []
            payloads: List[Payload] = []
            spill = False
            with _channels.Streaming():  # a fork meanwhile gives a child that refuses gRPC
                try:
                    for raw in reads(call):
                        msg, payload = parse(raw)
                        if not logged:
                            answered(route.target, msg)
                            _shm_path.log_path("StreamEpoch", ring, msg.shared_memory_refused,
                                               why_not)
                            logged = True
                        if ring is not None and msg.HasField("shared_memory"):
                            b = ring_batch(ring, msg, world_size)
                        else:
                            pending.append(msg)
                            payloads.append(payload)
                            if len(pending) < max(1, msg.chunk_count):
                                continue
                            b = Batch(pending, world_size=world_size, payloads=payloads)
                            pending = []
                            payloads = []
                        delivered += 1
                        samples += len(b)
                        yield b
                        b = None  # type: ignore[assignment]  # the slot frees when the user's goes
                        if req is first and ring is not None and ring.held() >= ring.slots:
                            spill = True
                            break
                except grpc.RpcError as e:
                    raise error(e, route.target, route.metadata,
                                ("stream_timeout", route.stream_timeout), samples,
                                started, route.channel) from None
                finally:
                    cancel(call)
            if pending:
                raise FgbgError("DATA_LOSS", "stream ended inside batch %d"
                                % pending[0].batch_index, route.target)
            whole = not spill and req is first
            rest = after(StreamPoint(first.start_batch, first.limit), delivered, samples)
            if not spill or rest is None or ring is None:
                return
            req = _network_request(first, rest)
            _LOG.warning("fgbg StreamEpoch: all %d ring slots are held by live batches; "
                         "continuing over the network at batch %d", ring.slots, rest.start_batch)
    finally:
        if ring is not None:
            if whole and pool is not None:
                pool.give(ring)  # taken again once every batch of it is released
            else:
                ring.close()


def _network_request(req: Any, point: StreamPoint) -> Any:
    """`req` from `point` on, over the network."""
    rest = pb.StreamEpochRequest()
    rest.CopyFrom(req)
    rest.ClearField("shared_memory")
    rest.start_batch = point.start_batch
    rest.limit = point.limit
    return rest


# The ring's Describe was not answered (the Java client's ClientStreams.NO_ANSWER): the target,
# the timeout, what was said.
NO_ANSWER = ("%s does not answer: no reply to the Describe that sizes the stream's shared-memory "
             "ring within %s, the client's deadline (%s): a hung or very busy server")


def ring_need(target: str, timeout: float, per_sample: Callable[[str, Any, int], Dict[str, int]],
              req: Any) -> Dict[str, int]:
    """`per_sample` of a StreamEpoch request `req` (its Describe), for its ring's size. Not
    answered within `timeout`: nor would the stream be (a hung server), so DEADLINE_EXCEEDED in
    words naming `target` now, rather than after the stream's own timeout."""
    try:
        return per_sample(req.dataset, req.outputs, req.depth_dtype)
    except FgbgError as e:
        if e.code != "DEADLINE_EXCEEDED":
            raise
        raise FgbgError(e.code, NO_ANSWER % (target, words(timeout), e.details), target,
                        files=e.files) from None
