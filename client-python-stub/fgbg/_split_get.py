"""GetSamples of more indices than one call takes: several calls, joined into one Batch; and the
bound on what such a joined answer may take (`check_size`), checked before any call."""
from typing import Any, Callable, Dict, List

from . import _streams
from ._checks import integer
from ._proto import pb
from ._sizes import size_words
from .batch import Batch, Part
from .errors import AnswerTooLargeError, FgbgError
from .info import DatasetInfo

#: What one get_samples answer may take by default (Client.get_samples' max_bytes): 2 GiB, the
#: same on every host (a share of the host's free memory would let a call pass on one host and
#: fail on another). Above it a list is not what to ask for: a whole dataset streams.
MAX_BYTES = 2 << 30


def max_bytes_arg(value: Any) -> int:
    """get_samples' `max_bytes` as an int of at least 1 (checked before any call, as the other
    arguments); TypeError or ValueError naming it otherwise."""
    n = integer(value, "max_bytes")
    if n < 1:
        raise ValueError("max_bytes=%d must be at least 1 (bytes)" % n)
    return n


def check_size(count: int, per_sample: Dict[str, int], max_bytes: int, dataset: str,
               target: str) -> None:
    """Raises AnswerTooLargeError (INVALID_ARGUMENT) when `count` samples of `per_sample` bytes
    each (fgbg._sample_bytes.per_output: the arrays; meta's few bytes aside) take more than
    `max_bytes`: the joined answer is held whole in this process, whatever the calls' sizes."""
    each = sum(per_sample.values())
    need = count * each
    if need <= max_bytes:
        return
    fit = max_bytes // each
    slices = ("ask for slices of the list (at most %d samples each at this bound)" % fit if fit
              else "ask for fewer samples")
    raise AnswerTooLargeError("INVALID_ARGUMENT", (
        "get_samples of %d samples of dataset %r (%s: %d bytes a sample) would take %s in this "
        "process, over max_bytes=%d (%s); refused before any GetSamples call. Stream a whole "
        "dataset instead (Client.stream_epoch, or fgbg.torch's FgbgIterableDataset or "
        "FgbgDataset in a DataLoader), %s, or raise max_bytes= where this process has the memory"
        % (count, dataset, ", ".join(name for name, b in per_sample.items() if b), each,
           size_words(need), max_bytes, size_words(max_bytes), slices)), target)


class SplitGets:
    """Asks once per dataset for its description (`described`: the per-sample bytes and how many
    indices one call takes, DatasetInfo.max_get_samples)."""

    def __init__(self, describe: Callable[[str], DatasetInfo],
                 get: Callable[[Any], bytes]) -> None:
        self._describe = describe
        self._get = get
        self._infos: Dict[str, DatasetInfo] = {}

    def described(self, dataset: str) -> DatasetInfo:
        """`dataset`'s description, asked for once (its errors raised)."""
        if dataset not in self._infos:
            self._infos[dataset] = self._describe(dataset)
        return self._infos[dataset]

    def most(self, req: Any) -> int:
        """The indices one call of `req`'s dataset takes when `req` has more, else 0 (one call;
        0 too when the server has no such dataset: the call says so). Any other failure to
        describe it (a deadline, a server away) is raised: sent whole, the call would be refused
        for its size instead."""
        if len(req.indices) < 2:
            return 0
        try:
            most = self.described(req.dataset).max_get_samples
        except FgbgError as e:
            if e.code not in ("NOT_FOUND", "INVALID_ARGUMENT"):
                raise
            return 0
        return most if 0 < most < len(req.indices) else 0

    def joined(self, req: Any, most: int) -> Batch:
        """One Batch of the replies for each run of at most `most` of `req`'s indices, in order
        (over the network: a ring slot holds one reply)."""
        messages: List[Any] = []
        payloads: List[Dict[str, Part]] = []
        indices = list(req.indices)
        for start in range(0, len(indices), most):
            one = pb.GetSamplesRequest()
            one.CopyFrom(req)
            one.ClearField("indices")
            one.indices.extend(indices[start:start + most])
            msg, payload = _streams.parse(self._get(one))
            msg.first_position = start  # positions within the whole call, as one reply has them
            messages.append(msg)
            payloads.append(payload)
        return Batch(messages, payloads=payloads)
