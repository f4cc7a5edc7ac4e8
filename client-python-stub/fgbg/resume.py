"""The one rule by which a rank's interrupted stream is asked for again.

A StreamEpoch request names a rank's batches: from ``start_batch`` (counted from
``start_position``, in the rank's own order) up to ``limit`` samples (0: to the end of the
epoch). A client counts what it *delivered*: whole batches only (a batch whose chunks did not
all arrive was never delivered, and is asked for again whole). The rest of the stream is then

    start_batch + batches delivered,   limit - samples delivered (when a limit was set),

with everything else unchanged (seed, epoch, rank, world size, start position, drop_last):
rank r of w keeps taking positions ``start_position + r + j*w`` from the same j on, and the
batch numbering continues. When the limit is used up nothing is left (a request with limit 0
would mean "to the end of the epoch"). The ring spill (fgbg._streams), fgbg.failover and the
torch datasets (through fgbg.failover) all resume with :func:`after`; the Java client's
``StreamResume`` is the same rule.
"""
from dataclasses import dataclass
from typing import Optional

from ._checks import int_args

__all__ = ["StreamPoint", "after"]


@dataclass(frozen=True)
class StreamPoint:
    """Where a rank's stream starts: its ``start_batch`` and ``limit`` (0: no limit)."""

    start_batch: int = 0
    limit: int = 0

    def __post_init__(self) -> None:
        int_args(start_batch=self.start_batch, limit=self.limit)
        if self.start_batch < 0 or self.limit < 0:
            raise ValueError("start_batch %d and limit %d must not be negative"
                             % (self.start_batch, self.limit))


def after(point: StreamPoint, batches: int, samples: int) -> Optional[StreamPoint]:
    """The point to ask from once `batches` whole batches holding `samples` samples were
    delivered from `point`; None when its limit is used up (nothing is left to ask for)."""
    int_args(batches=batches, samples=samples)
    if batches < 0 or samples < 0 or samples < batches:
        raise ValueError("delivered %d batches holding %d samples: not a stream's count"
                         % (batches, samples))
    if point.limit and samples > point.limit:
        raise ValueError("delivered %d samples past a limit of %d" % (samples, point.limit))
    if point.limit and samples == point.limit:
        return None
    return StreamPoint(point.start_batch + batches, point.limit - samples if point.limit else 0)
