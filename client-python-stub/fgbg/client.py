"""fgbg.Client: describe, get_samples, stream_epoch, export, stats, gallery, with deadlines and
clear errors."""
import os
from typing import Any, Iterable, Iterator, List, Optional, Sequence, Union

# DataLoaders fork workers after their parent used gRPC (describe, len()). With gRPC's default
# epoll1 poller, parent and child then share one epoll set and the child's calls can hang; the
# poll poller keeps no kernel state across fork, and fork support has gRPC quiesce its own
# threads around fork() (the pair gRPC documents for processes that fork). Read when gRPC first
# starts; values set by the user win.
os.environ.setdefault("GRPC_POLL_STRATEGY", "poll")
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "true")

import grpc  # noqa: E402

from . import replicas, wire  # noqa: E402
from ._proto import pb, pb_grpc  # noqa: E402
from .batch import Batch  # noqa: E402
from .credentials import Credentials  # noqa: E402
from .errors import FgbgError, default_target  # noqa: E402
from .info import DatasetInfo, Stats  # noqa: E402

__all__ = ["Client", "Credentials", "FgbgError"]

_OUTPUTS = {"image": pb.OUTPUT_IMAGE, "mask": pb.OUTPUT_MASK, "depth": pb.OUTPUT_DEPTH,
            "meta": pb.OUTPUT_META}
_DTYPES = {"float16": pb.DEPTH_DTYPE_FLOAT16, "float32": pb.DEPTH_DTYPE_FLOAT32}
_FORMATS = {"folders": pb.EXPORT_FORMAT_FOLDERS, "zip": pb.EXPORT_FORMAT_ZIP,
            "webdataset": pb.EXPORT_FORMAT_WEBDATASET, "npy": pb.EXPORT_FORMAT_NPY,
            "coco": pb.EXPORT_FORMAT_COCO}


def _error(e: Exception, target: str) -> FgbgError:
    if isinstance(e, grpc.RpcError) and hasattr(e, "code"):
        return FgbgError(e.code().name, e.details(), target)
    return FgbgError("UNKNOWN", str(e), target)


def _outputs(outputs: Optional[Iterable[str]],
             allowed: Sequence[str] = tuple(_OUTPUTS)) -> List[int]:
    """Proto enums for output names; None or empty: everything the dataset has."""
    if outputs is None:
        return []
    if isinstance(outputs, str):
        raise ValueError("outputs must be a list of names such as ['image', 'mask'], not %r"
                         % (outputs,))
    names = list(outputs)
    bad = [o for o in names if o not in allowed]
    if bad:
        raise ValueError("outputs %r: each must be one of %s" % (bad, list(allowed)))
    return [_OUTPUTS[o] for o in names]


def _dtype(depth_dtype: str) -> int:
    if depth_dtype not in _DTYPES:
        raise ValueError("depth_dtype %r must be float16 or float32" % (depth_dtype,))
    return _DTYPES[depth_dtype]


def _parse(raw: bytes) -> Any:
    small, where = wire.split(raw)
    return pb.SampleBatch.FromString(small), {f: (raw, o, n) for f, (o, n) in where.items()}


class Client:
    """A connection to an fgbg server at `target` (default: $FGBG_TARGET, else
    localhost:50051). Every call has a deadline (`timeout` seconds; streams `stream_timeout`).
    Use as a context manager or call close().

    `target` may name several replicas ("h1:p,h2:p", a list, or "dns:///name:port", see
    fgbg.replicas): the client connects to replica `rank % n` (`targets` lists them all).
    fgbg.failover streams an epoch that moves to the next replica when one dies.

    `credentials` (a fgbg.Credentials; default: Credentials.from_env(), i.e. $FGBG_TLS_CA,
    $FGBG_TLS_CERT, $FGBG_TLS_KEY, $FGBG_TOKEN) says how to reach a server with TLS, mTLS or
    tokens; `token` overrides its bearer token."""

    def __init__(self, target: Union[None, str, Sequence[str]] = None, timeout: float = 30.0,
                 stream_timeout: float = 24 * 3600.0, max_message_bytes: int = 64 << 20,
                 rank: int = 0, credentials: Optional[Credentials] = None,
                 token: Optional[str] = None) -> None:
        if timeout <= 0 or stream_timeout <= 0:
            raise ValueError("timeout and stream_timeout must be positive seconds")
        self.targets = replicas.resolve(
            target if isinstance(target, (list, tuple)) else default_target(target))
        self.target = self.targets[replicas.home(rank, len(self.targets))]
        self.timeout = timeout
        self.stream_timeout = stream_timeout
        creds = credentials if credentials is not None else Credentials.from_env()
        if token is not None:
            creds = Credentials(creds.tls, creds.tls_ca, creds.tls_cert, creds.tls_key, token)
        self.credentials = creds
        self._metadata = creds.metadata()
        self._channel = creds.channel(self.target, [
            ("grpc.max_receive_message_length", max_message_bytes),
            ("grpc.max_send_message_length", 16 << 20),
        ])
        self._stub = pb_grpc.FgbgStub(self._channel)
        # Payload-carrying calls hand back raw bytes; fgbg.wire takes views into them.
        self._raw_stream = self._channel.unary_stream(
            "/fgbg.v1.Fgbg/StreamEpoch", request_serializer=pb.StreamEpochRequest.SerializeToString,
            response_deserializer=None)
        self._raw_get = self._channel.unary_unary(
            "/fgbg.v1.Fgbg/GetSamples", request_serializer=pb.GetSamplesRequest.SerializeToString,
            response_deserializer=None)

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return "Client(target=%r, timeout=%r)" % (self.target, self.timeout)

    def _unary(self, method: Any, request: Any, timeout: Optional[float] = None) -> Any:
        try:
            return method(request, timeout=timeout or self.timeout, metadata=self._metadata)
        except grpc.RpcError as e:
            raise _error(e, self.target) from None

    def list_datasets(self) -> List[Any]:
        """DatasetSummary messages (name, size, fingerprint) of every dataset served."""
        return list(self._unary(self._stub.ListDatasets, pb.ListDatasetsRequest()).datasets)

    def describe(self, dataset: str = "builtin") -> DatasetInfo:
        """Size, factors, shapes, dtypes, labels, fingerprint and spec (see DatasetInfo)."""
        return DatasetInfo.from_proto(self._unary(self._stub.Describe,
                                                  pb.DescribeRequest(dataset=dataset)))

    def get_samples(self, indices: Iterable[int], dataset: str = "builtin", seed: int = 0,
                    outputs: Optional[Iterable[str]] = None,
                    depth_dtype: str = "float16") -> Batch:
        """Samples by index, as one Batch (at most DatasetInfo.max_get_samples per call)."""
        req = pb.GetSamplesRequest(dataset=dataset, seed=seed, indices=[int(i) for i in indices],
                                   outputs=_outputs(outputs), depth_dtype=_dtype(depth_dtype))
        msg, payload = _parse(self._unary(self._raw_get, req))
        return Batch([msg], payloads=[payload])

    def export(self, destination: str, format: str = "folders", dataset: str = "builtin",
               seed: int = 0, start: int = 0, end: int = 0,
               outputs: Optional[Iterable[str]] = None, overwrite: bool = False,
               shard_size: int = 0, jpeg_quality: int = 0, depth_npy: bool = False,
               progress: bool = True) -> Any:
        """Writes [start, end) to files under the server's export root; returns the final
        ExportProgress (manifest path, digest). Resumes an earlier run of the same export.
        Shows a tqdm bar when tqdm is installed and progress is on, else plain lines."""
        if format not in _FORMATS:
            raise ValueError("format %r must be one of %s" % (format, sorted(_FORMATS)))
        req = pb.ExportRequest(dataset=dataset, seed=seed, start=start, end=end,
                               outputs=_outputs(outputs), format=_FORMATS[format],
                               destination=destination, overwrite=overwrite, shard_size=shard_size,
                               jpeg_quality=jpeg_quality, depth_npy=depth_npy)
        call = self._stub.Export(req, timeout=self.stream_timeout, metadata=self._metadata)
        shown = _Progress("export " + destination) if progress else None
        last = None
        try:
            for p in call:
                last = p
                if shown:
                    shown.update(p)
        except grpc.RpcError as e:
            raise _error(e, self.target) from None
        finally:
            if shown:
                shown.close()
            call.cancel()
        if last is None or not last.finished:
            raise FgbgError("ABORTED", "the export ended without finishing", self.target)
        return last

    def stats(self, dataset: str = "builtin", seed: int = 0, start: int = 0, end: int = 0,
              outputs: Optional[Iterable[str]] = None) -> Stats:
        """Exact per-channel mean/std over [start, end) (end 0: the dataset's size): image and
        mask on [0, 1], depth in metres. `outputs` (any of image, mask, depth) limits what is
        computed: image statistics never wait for a depth model."""
        req = pb.StatsRequest(dataset=dataset, seed=seed, start=start, end=end,
                              outputs=_outputs(outputs, ("image", "mask", "depth")))
        return Stats.from_proto(self._unary(self._stub.Stats, req, self.stream_timeout))

    def gallery(self, dataset: str = "builtin", seed: int = 0,
                indices: Optional[Iterable[int]] = None, count: int = 0) -> bytes:
        """PNG bytes of an image | mask | depth grid (one row per sample)."""
        req = pb.GalleryRequest(dataset=dataset, seed=seed, indices=list(indices or []),
                                count=count)
        return self._unary(self._stub.Gallery, req).png

    def server_stats(self) -> Any:
        """The ServerStatsResponse message: stream counters and, per depth model, cache and
        batcher figures."""
        return self._unary(self._stub.ServerStats, pb.ServerStatsRequest())

    def stream_epoch(self, dataset: str = "builtin", seed: int = 0, epoch: int = 0,
                     shuffle: bool = False, batch_size: int = 64, rank: int = 0,
                     world_size: int = 1, start_batch: int = 0, start_position: int = 0,
                     drop_last: bool = False, limit: int = 0,
                     outputs: Optional[Iterable[str]] = None,
                     depth_dtype: str = "float16") -> Iterator[Batch]:
        """Yields whole Batches of one epoch (or shard). Closing the generator cancels the call.

        Rank r of w takes global positions start_position + r + j*w; see the README."""
        req = pb.StreamEpochRequest(
            dataset=dataset, seed=seed, epoch=epoch, shuffle=shuffle, batch_size=batch_size,
            rank=rank, world_size=world_size, start_batch=start_batch,
            start_position=start_position, drop_last=drop_last, limit=limit,
            outputs=_outputs(outputs), depth_dtype=_dtype(depth_dtype))
        call = self._raw_stream(req, timeout=self.stream_timeout, metadata=self._metadata)
        pending = []
        payloads = []
        try:
            for raw in call:
                msg, payload = _parse(raw)
                pending.append(msg)
                payloads.append(payload)
                if len(pending) == max(1, msg.chunk_count):
                    yield Batch(pending, world_size=max(1, world_size), payloads=payloads)
                    pending = []
                    payloads = []
        except grpc.RpcError as e:
            raise _error(e, self.target) from None
        finally:
            call.cancel()
        if pending:
            raise FgbgError("DATA_LOSS", "stream ended inside batch %d" % pending[0].batch_index,
                            self.target)


class _Progress:
    """Export progress: a tqdm bar when tqdm is installed, else one line at the end."""

    def __init__(self, desc: str) -> None:
        self.desc = desc
        self.bar: Any = None

    def update(self, p: Any) -> None:
        if self.bar is None:
            try:
                from tqdm import tqdm

                self.bar = tqdm(total=p.total, unit="sample", desc=self.desc)
            except ImportError:
                self.bar = False
        if self.bar:
            self.bar.update(p.done - self.bar.n)
            self.bar.set_postfix_str(p.current_shard)
        elif p.finished or p.done == p.total:
            print("export: %d/%d samples, %d/%d shards, %.0f samples/s" % (
                p.done, p.total, p.shards_done, p.shards_total, p.samples_per_second))

    def close(self) -> None:
        if self.bar:
            self.bar.close()
