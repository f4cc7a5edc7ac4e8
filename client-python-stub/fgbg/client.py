"""fgbg.Client: describe, get_samples, stream_epoch, with deadlines and clear errors."""
import grpc

from . import wire
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


def _parse(raw):
    small, where = wire.split(raw)
    return pb.SampleBatch.FromString(small), {f: (raw, o, n) for f, (o, n) in where.items()}


class Client:
    """A connection to an fgbg server. Every call has a deadline (`timeout` seconds; streams
    `stream_timeout`). Use as a context manager or call close()."""

    def __init__(self, target="localhost:50051", timeout=30.0, stream_timeout=24 * 3600.0,
                 max_message_bytes=64 << 20):
        if timeout <= 0 or stream_timeout <= 0:
            raise ValueError("timeout and stream_timeout must be positive seconds")
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
