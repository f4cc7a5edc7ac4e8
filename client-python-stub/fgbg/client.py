"""fgbg.Client: describe, get_samples, stream_epoch, with deadlines and clear errors."""
import grpc

from . import replicas, wire
from ._proto import pb, pb_grpc
from .batch import Batch

_OUTPUTS = {"image": pb.OUTPUT_IMAGE, "mask": pb.OUTPUT_MASK, "depth": pb.OUTPUT_DEPTH,
            "meta": pb.OUTPUT_META}
_DTYPES = {"float16": pb.DEPTH_DTYPE_FLOAT16, "float32": pb.DEPTH_DTYPE_FLOAT32}


class FgbgError(Exception):
    """A failed call: `code` is the gRPC status name (e.g. 'NOT_FOUND'), `details` its message."""

    def __init__(self, code, details, target=None):
        self.code = code
        self.details = details
        self.target = target
        hint = ""
        if code == "UNAVAILABLE":
            hint = " (is the server running at %s? start it with ./fgbg serve)" % target
        super().__init__("%s: %s%s" % (code, details, hint))


def _error(e, target):
    if isinstance(e, grpc.RpcError) and hasattr(e, "code"):
        return FgbgError(e.code().name, e.details(), target)
    return FgbgError("UNKNOWN", str(e), target)


def _outputs(outputs):
    if outputs is None:
        return []
    bad = [o for o in outputs if o not in _OUTPUTS]
    if bad:
        raise ValueError("outputs %r: each must be one of %s" % (bad, sorted(_OUTPUTS)))
    return [_OUTPUTS[o] for o in outputs]


def _dtype(depth_dtype):
    if depth_dtype not in _DTYPES:
        raise ValueError("depth_dtype %r must be float16 or float32" % (depth_dtype,))
    return _DTYPES[depth_dtype]


_FORMATS = {"folders": pb.EXPORT_FORMAT_FOLDERS, "zip": pb.EXPORT_FORMAT_ZIP,
            "webdataset": pb.EXPORT_FORMAT_WEBDATASET, "npy": pb.EXPORT_FORMAT_NPY,
            "coco": pb.EXPORT_FORMAT_COCO}


def _parse(raw):
    small, where = wire.split(raw)
    return pb.SampleBatch.FromString(small), {f: (raw, o, n) for f, (o, n) in where.items()}


class Client:
    """A connection to an fgbg server. Every call has a deadline (`timeout` seconds; streams
    `stream_timeout`). Use as a context manager or call close().

    `target` may name several replicas ("h1:p,h2:p", a list, or "dns:///name:port", see
    fgbg.replicas): the client connects to replica `rank % n` (`targets` lists them all).
    fgbg.failover streams an epoch that moves to the next replica when one dies."""

    def __init__(self, target="localhost:50051", timeout=30.0, stream_timeout=24 * 3600.0,
                 max_message_bytes=64 << 20, rank=0):
        if timeout <= 0 or stream_timeout <= 0:
            raise ValueError("timeout and stream_timeout must be positive seconds")
        self.targets = replicas.resolve(target)
        target = self.targets[replicas.home(rank, len(self.targets))]
        self.target = target
        self.timeout = timeout
        self.stream_timeout = stream_timeout
        self._channel = grpc.insecure_channel(target, options=[
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

    def close(self):
        self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def list_datasets(self):
        try:
            return list(self._stub.ListDatasets(pb.ListDatasetsRequest(),
                                                timeout=self.timeout).datasets)
        except grpc.RpcError as e:
            raise _error(e, self.target) from None

    def describe(self, dataset="builtin"):
        """The DatasetInfo message: size, factors, shapes, dtypes, labels, fingerprint, spec."""
        try:
            return self._stub.Describe(pb.DescribeRequest(dataset=dataset), timeout=self.timeout)
        except grpc.RpcError as e:
            raise _error(e, self.target) from None

    def get_samples(self, indices, dataset="builtin", seed=0, outputs=None,
                    depth_dtype="float16"):
        """Samples by index, as one Batch."""
        req = pb.GetSamplesRequest(dataset=dataset, seed=seed, indices=[int(i) for i in indices],
                                   outputs=_outputs(outputs), depth_dtype=_dtype(depth_dtype))
        try:
            raw = self._raw_get(req, timeout=self.timeout)
        except grpc.RpcError as e:
            raise _error(e, self.target) from None
        msg, payload = _parse(raw)
        return Batch([msg], payloads=[payload])

    def export(self, destination, format="folders", dataset="builtin", seed=0, start=0, end=0,
               outputs=None, overwrite=False, shard_size=0, jpeg_quality=0, depth_npy=False,
               progress=True):
        """Writes [start, end) to files under the server's export root; returns the final
        ExportProgress (manifest path, digest). Resumes an earlier run of the same export.
        Shows a tqdm bar when tqdm is installed and progress is on, else plain lines."""
        if format not in _FORMATS:
            raise ValueError("format %r must be one of %s" % (format, sorted(_FORMATS)))
        req = pb.ExportRequest(dataset=dataset, seed=seed, start=start, end=end,
                               outputs=_outputs(outputs), format=_FORMATS[format],
                               destination=destination, overwrite=overwrite,
                               shard_size=shard_size, jpeg_quality=jpeg_quality,
                               depth_npy=depth_npy)
        bar = None
        last = None
        call = self._stub.Export(req, timeout=self.stream_timeout)
        try:
            for p in call:
                last = p
                if not progress:
                    continue
                if bar is None:
                    try:
                        from tqdm import tqdm

                        bar = tqdm(total=p.total, unit="sample", desc="export " + destination)
                    except ImportError:
                        bar = False
                if bar:
                    bar.update(p.done - bar.n)
                    bar.set_postfix_str(p.current_shard)
                elif p.finished or p.done == p.total:
                    print("export: %d/%d samples, %d/%d shards, %.0f samples/s" % (
                        p.done, p.total, p.shards_done, p.shards_total, p.samples_per_second))
        except grpc.RpcError as e:
            raise _error(e, self.target) from None
        finally:
            if bar:
                bar.close()
            call.cancel()
        if last is None or not last.finished:
            raise FgbgError("ABORTED", "the export ended without finishing", self.target)
        return last

    def stats(self, dataset="builtin", seed=0, start=0, end=0):
        """Exact per-channel mean/std: image and mask on [0, 1], depth in metres."""
        try:
            return self._stub.Stats(pb.StatsRequest(dataset=dataset, seed=seed, start=start,
                                                    end=end), timeout=self.stream_timeout)
        except grpc.RpcError as e:
            raise _error(e, self.target) from None

    def gallery(self, dataset="builtin", seed=0, indices=None, count=0):
        """PNG bytes of an image | mask | depth grid (one row per sample)."""
        try:
            return self._stub.Gallery(pb.GalleryRequest(dataset=dataset, seed=seed,
                                                        indices=list(indices or []), count=count),
                                      timeout=self.timeout).png
        except grpc.RpcError as e:
            raise _error(e, self.target) from None

    def stream_epoch(self, dataset="builtin", seed=0, epoch=0, shuffle=False, batch_size=64,
                     rank=0, world_size=1, start_batch=0, start_position=0, drop_last=False,
                     limit=0, outputs=None, depth_dtype="float16"):
        """Yields whole Batches of one epoch (or shard). Closing the generator cancels the call.

        Rank r of w takes global positions start_position + r + j*w; see the README."""
        req = pb.StreamEpochRequest(
            dataset=dataset, seed=seed, epoch=epoch, shuffle=shuffle, batch_size=batch_size,
            rank=rank, world_size=world_size, start_batch=start_batch,
            start_position=start_position, drop_last=drop_last, limit=limit,
            outputs=_outputs(outputs), depth_dtype=_dtype(depth_dtype))
        call = self._raw_stream(req, timeout=self.stream_timeout)
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
