"""fgbg.Client: describe, get_samples, stream_epoch, export, stats, gallery, with deadlines and
clear errors."""
import os
import time
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union, cast

# DataLoaders fork workers after their parent used gRPC. With the default epoll1 poller, parent
# and child share one epoll set and the child's calls can hang; the poll poller keeps no kernel
# state across fork, and fork support quiesces gRPC's threads around fork() (see _channels).
os.environ.setdefault("GRPC_POLL_STRATEGY", "poll")
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "true")

import grpc  # noqa: E402

from . import _channels, _owner, _shm_path, _shm_retry, _streams, replicas, shm  # noqa: E402
from ._default_dataset import chosen  # noqa: E402
from ._checks import (deadline_arg, flag, int_args, optional_flag, sample_count,  # noqa: E402
                      world_size_arg)
from ._reply import ReplyRing  # noqa: E402
from ._split_get import MAX_BYTES, SplitGets, check_size, max_bytes_arg  # noqa: E402
from ._requests import (FORMATS, dtype_enum, dtype_name, output_enums, output_names,  # noqa: E402
                        request)
from ._sample_bytes import per_output  # noqa: E402
from ._proto import pb, pb_grpc  # noqa: E402
from .batch import Batch  # noqa: E402
from .credentials import Credentials  # noqa: E402
from .errors import FgbgError, answered, default_target  # noqa: E402
from .info import DatasetInfo, Stats  # noqa: E402
from ._progress import Progress  # noqa: E402

__all__ = ["Client", "Credentials", "FgbgError"]


class Client(_owner.Owned):
    """A connection to an fgbg server at `target` (default: $FGBG_TARGET, else
    localhost:50051). Every call has a deadline (`timeout` seconds; streams `stream_timeout`;
    either over 10 years, sys.maxsize say, is 10 years: no practical limit).
    Use as a context manager or call close().

    `target` may name several replicas ("h1:p,h2:p", a list, or "dns:///name:port", see
    fgbg.replicas): the client connects to replica `rank % n` (`targets` lists them all).
    fgbg.failover streams an epoch that moves to the next replica when one dies or hangs (no
    reply in `keepalive_timeout` s to a ping after `keepalive_time` s silent; >= 20, 0: off).

    `shared_memory` (default: on for this host's targets, unless FGBG_SHM=0): batches come as
    views of a ring of `ring_slots` slots in /dev/shm where the server accepts it and /dev/shm
    has room (fgbg._shm_room), else over the network; one log line says which.

    `credentials` (a fgbg.Credentials; default: Credentials.from_env(), i.e. $FGBG_TLS,
    $FGBG_TLS_CA, $FGBG_TLS_CERT, $FGBG_TLS_KEY, $FGBG_TOKEN) says how to reach a server with
    TLS, mTLS or tokens; `token` overrides its bearer token. Arguments are checked before any
    call (fgbg._checks): a TypeError or ValueError names the one that is wrong.

    A stream's ring is kept for the client's next stream of the same shape (when the server
    keeps it too) and removed when the client closes; `ring_pool` (e.g. fgbg.shm.process_pool())
    keeps them in a pool that outlives the client instead.

    Use it in the process that made it; a copy or pickle is a new connection (fgbg._owner)."""

    def __init__(self, target: Union[None, str, Sequence[str]] = None, timeout: float = 30.0,
                 stream_timeout: float = 24 * 3600.0, max_message_bytes: int = 64 << 20,
                 rank: int = 0, shared_memory: Optional[bool] = None,
                 ring_slots: int = shm.SLOTS, credentials: Optional[Credentials] = None,
                 token: Optional[str] = None, ring_pool: Optional[shm.RingPool] = None,
                 keepalive_time: float = 30.0, keepalive_timeout: float = 20.0) -> None:
        self._own(locals())  # first: the arguments as given, for copies and pickles
        self.timeout = deadline_arg(timeout, "timeout")
        self.stream_timeout = deadline_arg(stream_timeout, "stream_timeout")
        n = int_args(max_message_bytes=max_message_bytes, rank=rank, ring_slots=ring_slots)
        rank, self.ring_slots = n["rank"], n["ring_slots"]
        options = _channels.options(n["max_message_bytes"], keepalive_time, keepalive_timeout)
        self.targets = replicas.resolve(
            default_target(target) if target is None or isinstance(target, str) else target)
        self.target = self.targets[replicas.home(rank, len(self.targets))]
        if self.ring_slots < 2:
            raise ValueError("ring_slots must be at least 2, got %r" % (self.ring_slots,))
        self.shared_memory = optional_flag(shared_memory, "shared_memory")
        self._split = SplitGets(self.describe,  # each dataset described once, for its sizes
                                lambda r: cast(bytes, self._unary(self._raw_get, r)))  # bytes
        self._replies = ReplyRing(self.ring_slots)
        # A stream's ring carries the next stream of the same shape once it ended with OK.
        self._own_rings = ring_pool is None
        self._stream_rings = ring_pool if ring_pool is not None else shm.RingPool()
        self.credentials = creds = Credentials.of(credentials, token)
        self._metadata = creds.metadata()
        self._channel = creds.channel(self.target, options)
        self._stub = pb_grpc.FgbgStub(self._channel)
        # Payload-carrying calls hand back raw bytes; fgbg.wire takes views into them.
        self._raw_stream = self._channel.unary_stream(
            "/fgbg.v1.Fgbg/StreamEpoch", request_serializer=pb.StreamEpochRequest.SerializeToString,
            response_deserializer=None)
        self._raw_get = self._channel.unary_unary(
            "/fgbg.v1.Fgbg/GetSamples", request_serializer=pb.GetSamplesRequest.SerializeToString,
            response_deserializer=None)

    def close(self) -> None:
        """Closes the channel (its calls end) and removes the client's rings (not a ring_pool's)."""
        if not self._closing():  # a fork's copy: the channel and the rings are the parent's
            return
        self._replies.close()
        if self._own_rings:
            self._stream_rings.close()
        _channels.close(self._channel)

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return "Client(target=%r, timeout=%r)" % (self.target, self.timeout)

    def _unary(self, method: Any, request: Any, timeout: Optional[float] = None) -> Any:
        self._usable()
        started = time.monotonic()
        try:
            with _channels.CALL:  # a fork waits for it (_channels)
                return answered(self.target, method(request, timeout=timeout or self.timeout,
                                                    metadata=self._metadata))
        except grpc.RpcError as e:
            bound = ("timeout", timeout or self.timeout)
            raise _streams.error(e, self.target, self._metadata, bound, None, started,
                                 self._channel) from None

    def list_datasets(self) -> List[Any]:
        """DatasetSummary messages (name, size, fingerprint) of every dataset served."""
        return list(self._unary(self._stub.ListDatasets, pb.ListDatasetsRequest()).datasets)

    def describe(self, dataset: Optional[str] = None) -> DatasetInfo:
        """Size, factors, shapes, dtypes, labels, fingerprint and spec (see DatasetInfo)."""
        req = request(pb.DescribeRequest, dataset=chosen(self, dataset))
        return DatasetInfo.from_proto(self._unary(self._stub.Describe, req))

    def get_samples(self, indices: Iterable[int], dataset: Optional[str] = None, seed: int = 0,
                    outputs: Optional[Iterable[str]] = None,
                    depth_dtype: str = "float16", max_bytes: int = MAX_BYTES) -> Batch:
        """Samples by index, as one Batch; more than DatasetInfo.max_get_samples go in several
        calls, joined; an answer whose arrays take over `max_bytes` (default 2 GiB) is refused
        before any GetSamples call (AnswerTooLargeError): whole datasets stream (stream_epoch)."""
        self._usable()  # before this process's reply ring is made
        limit = max_bytes_arg(max_bytes)
        req = request(pb.GetSamplesRequest, dataset=chosen(self, dataset), seed=seed,
                      indices=indices, outputs=output_enums(outputs),
                      depth_dtype=dtype_enum(depth_dtype))
        check_size(len(req.indices), self._per_sample(req.dataset, req.outputs, req.depth_dtype),
                   limit, req.dataset, self.target)
        most = self._split.most(req)
        if most:
            return self._split.joined(req, most)
        ring, slot = self._reply_ring(req)
        try:
            msg, payload = _streams.parse(self._unary(self._raw_get, req))
            self._replies.said(ring, msg.shared_memory_refused,
                               lambda: _shm_path.wanted(self.target, self.shared_memory)[1])
            if ring is not None and msg.HasField("shared_memory"):
                return _streams.ring_batch(ring, msg, 1)
            return Batch([msg], payloads=[payload])
        finally:
            if ring is not None:
                ring.unreserve(slot)  # nothing to end once the batch took the slot

    def _per_sample(self, dataset: str, outputs: Iterable[int],
                    depth_dtype: int) -> Dict[str, int]:
        """A request's bytes per sample of each output (fgbg._sample_bytes)."""
        return per_output(self._split.described(dataset), output_names(outputs),
                          dtype_name(depth_dtype))

    def _reply_ring(self, req: Any) -> Tuple[Optional[shm.Ring], int]:
        """The client's GetSamples ring and a slot reserved for this call, offered in `req`, or
        (None, -1): the network."""
        if not self._replies.offers() or not _shm_path.wanted(self.target, self.shared_memory)[0]:
            return None, -1
        return self._replies.offer(req, shm.slot_bytes(len(req.indices), *self._per_sample(
            req.dataset, req.outputs, req.depth_dtype).values()))

    def export(self, destination: str, format: str = "folders", dataset: Optional[str] = None,
               seed: int = 0, start: int = 0, end: int = 0,
               outputs: Optional[Iterable[str]] = None, overwrite: bool = False,
               shard_size: int = 0, jpeg_quality: int = 0, depth_npy: bool = False,
               progress: bool = True, stride: int = 0, sample: Optional[int] = None) -> Any:
        """Writes indices [start, end) (end 0: the dataset's size), every `stride`-th, and of
        those `sample` (at least 1; None: all) drawn from `seed` (in index order) to
        `destination`, relative to the server's export root (serve --export-root) as the returned
        ExportProgress's `manifest` is (its `digest`: GetSamples' of the same indices). Resumes
        the same export; another export's folder needs `overwrite=True`. With progress on, a tqdm
        bar when stderr is a terminal and tqdm is installed, else plain lines on stderr (one
        every 10 s and the last)."""
        if format not in FORMATS:
            raise ValueError("format %r must be one of %s" % (format, sorted(FORMATS)))
        req = request(pb.ExportRequest, dataset=chosen(self, dataset),
                      outputs=output_enums(outputs), format=FORMATS[format],
                      destination=destination, overwrite=overwrite,
                      depth_npy=depth_npy, seed=seed, start=start, end=end, stride=stride,
                      sample=sample_count(sample), shard_size=shard_size,
                      jpeg_quality=jpeg_quality)
        self._usable()
        with _channels.CALL:
            call = self._stub.Export(req, timeout=self.stream_timeout, metadata=self._metadata)
        last = _streams.progress(self._route(), call, Progress("export " + destination, "export")
                                 if progress else None, pb.ExportProgress)
        if last is None or not last.finished:
            raise FgbgError("ABORTED", "the export ended without finishing", self.target)
        return last

    def stats(self, dataset: Optional[str] = None, seed: int = 0, start: int = 0, end: int = 0,
              outputs: Optional[Iterable[str]] = None, progress: bool = True, stride: int = 0,
              sample: Optional[int] = None) -> Stats:
        """Per-channel mean/std over a selection (as `export` takes it: [start, end), `stride`,
        a random `sample` of at least 1, None for all, drawn from `seed`): image and mask on
        [0, 1], depth in metres. Exact for the selection; over a random sample each channel's
        `standard_error` says how far its mean may be from the mean of the range it was drawn
        from (`Stats.population`). `outputs` (any of image, mask, depth, background,
        background_depth; default: the first three) limits what is computed: image statistics
        never wait for a depth model. With `progress`, a tqdm bar (when stderr is a terminal and
        tqdm is installed, else a plain line on stderr every 10 s and the last) shows samples
        counted."""
        req = request(pb.StatsRequest, dataset=chosen(self, dataset), seed=seed, start=start,
                      end=end, stride=stride, sample=sample_count(sample),
                      outputs=output_enums(outputs, ("image", "mask", "depth", "background",
                                                     "background_depth")))
        self._usable()
        with _channels.CALL:
            call = self._stub.StatsWithProgress(req, timeout=self.stream_timeout,
                                                metadata=self._metadata)
        last = _streams.progress(self._route(), call, Progress("stats " + req.dataset, "stats")
                                 if progress else None, pb.StatsProgress)
        if last is None or not last.finished:
            raise FgbgError("ABORTED", "stats ended without a result", self.target)
        return Stats.from_proto(last.result)

    def _route(self) -> _streams.Route:
        return _streams.Route(self.target, self._metadata, self.stream_timeout, self._raw_stream,
                              self._channel)

    def gallery(self, dataset: Optional[str] = None, seed: int = 0,
                indices: Optional[Iterable[int]] = None, count: int = 0, start: int = 0,
                end: int = 0, stride: int = 0, sample: Optional[int] = None,
                backgrounds: bool = False, instances: bool = False) -> bytes:
        """PNG bytes of an image | mask | depth grid (image | background | mask | depth |
        bg depth with `backgrounds`; with `instances`, a column of instance masks too: a colour
        per instance, captioned with its label) under column headers, a row per sample under
        its label names. Rows: `indices`; or a selection (as `export` takes it, at most 64
        samples); or else `count` (default 8) samples drawn from `seed` with distinct
        backgrounds and cut-outs."""
        req = request(pb.GalleryRequest, dataset=chosen(self, dataset),
                      indices=[] if indices is None else indices, backgrounds=backgrounds,
                      instances=instances, seed=seed, count=count, start=start, end=end,
                      stride=stride, sample=sample_count(sample))
        return cast(bytes, self._unary(self._stub.Gallery, req).png)  # a bytes field

    def server_stats(self) -> Any:
        """The ServerStatsResponse message: stream counters and, per depth model, cache and
        batcher figures."""
        return self._unary(self._stub.ServerStats, pb.ServerStatsRequest())

    def stream_epoch(self, dataset: Optional[str] = None, seed: int = 0, epoch: int = 0,
                     shuffle: bool = False, batch_size: int = 64, rank: int = 0,
                     world_size: int = 1, start_batch: int = 0, start_position: int = 0,
                     drop_last: bool = False, limit: int = 0,
                     outputs: Optional[Iterable[str]] = None,
                     depth_dtype: str = "float16",
                     shared_memory: Optional[bool] = None) -> Iterator[Batch]:
        """Yields whole Batches of one epoch (or shard). Closing the generator cancels the call.
        `shared_memory` overrides the client's setting for this stream.

        Rank r of w takes global positions start_position + r + j*w; see the README."""
        req = request(
            pb.StreamEpochRequest, dataset=chosen(self, dataset), shuffle=shuffle,
            drop_last=drop_last,
            seed=seed, epoch=epoch, batch_size=batch_size, rank=rank,
            world_size=world_size_arg(world_size), start_batch=start_batch,
            start_position=start_position, limit=limit,
            outputs=output_enums(outputs), depth_dtype=dtype_enum(depth_dtype))
        return self._stream(req, req.world_size, self.shared_memory if shared_memory is None
                            else flag(shared_memory, "shared_memory"))

    def _stream(self, req: Any, world_size: int, shared_memory: Optional[bool]) -> Iterator[Batch]:
        # A generator: nothing (no ring, no call) happens before the first batch is asked for.
        self._usable()
        use, why_not = _shm_path.wanted(self.target, shared_memory)
        ring = None
        if use:
            per = _streams.ring_need(self.target, self.timeout, self._per_sample, req).values()
            need = shm.slot_bytes(max(1, req.batch_size), *per)
            try:
                ring = self._stream_rings.take(self.ring_slots, need) \
                    or _shm_retry.ring(self.ring_slots, need)
            except OSError as e:
                why_not = "cannot create a ring in %s: %s" % (shm.DIRECTORY, e.strerror or e)
            else:
                req.shared_memory.CopyFrom(ring.offer(keep=True))
        yield from _streams.stream(self._route(), req, world_size, ring, why_not,
                                   self._stream_rings)
