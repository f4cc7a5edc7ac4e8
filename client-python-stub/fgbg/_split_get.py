"""GetSamples of more indices than one call takes: several calls, joined into one Batch."""
from typing import Any, Callable, Dict, List

from . import _streams
from ._proto import pb
from .batch import Batch, Part
from .errors import FgbgError


class SplitGets:
    """Asks once per dataset how many indices one call takes (DatasetInfo.max_get_samples)."""

    def __init__(self, describe: Callable[[str], Any], get: Callable[[Any], bytes]) -> None:
        self._describe = describe
        self._get = get
        self._most: Dict[str, int] = {}

    def most(self, req: Any) -> int:
        """The indices one call of `req`'s dataset takes when `req` has more, else 0 (one call;
        0 too when the server has no such dataset: the call says so). Any other failure to
        describe it (a deadline, a server away) is raised: sent whole, the call would be refused
        for its size instead."""
        if len(req.indices) < 2:
            return 0
        if req.dataset not in self._most:
            try:
                self._most[req.dataset] = self._describe(req.dataset).max_get_samples
            except FgbgError as e:
                if e.code not in ("NOT_FOUND", "INVALID_ARGUMENT"):
                    raise
                return 0
        most = self._most[req.dataset]
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
