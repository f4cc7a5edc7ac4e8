"""Replicas that lately did not answer at all, asked last for a while.

A replica whose port accepts connections but never answers (a hung process) costs a call its
whole bound (the Client's `timeout`, or gRPC's 20 s connect timeout: "before receiving
SETTINGS"). Each Describe, stream or GetSamples that would start on it would pay that again, so
this process remembers it for REMEMBER_S: the datasets' first Describe (fgbg.reconnect.describe),
fgbg.failover's FailoverStream and FailoverCalls then ask the other replicas first and it last
(not dropped: with every other one down it is still asked). A replica that answers is forgotten
at once. Only which replica serves changes, never the samples (fgbg.resume's rule, the job's
fingerprint). The Java client's SilentReplicas keeps the same rule and words.

One `SILENT` per process, keyed by target, so that every consumer of the process (a dataset's
Describe, then its DataLoader workers forked after it) shares what one learnt. No lock: a dict's
single operations are atomic under the GIL, and a lock held across a fork would hang the child;
a race at worst says the pass-over line twice.
"""
import logging
import time
from typing import Callable, Dict, List, Sequence, Tuple

from .client import FgbgError

REMEMBER_S = 60.0  # the Java client's SilentReplicas.REMEMBER
# Logged with the moves it changes (fgbg.failover's INFO lines).
_LOG = logging.getLogger("fgbg.failover")
_NEVER = (float("-inf"), True)


def no_answer(e: FgbgError) -> bool:
    """Whether `e`, ending a call on a replica before any reply of it, says the replica did not
    answer at all: its deadline passed, or gRPC's connect timeout (no HTTP/2 settings came)."""
    return e.code == "DEADLINE_EXCEEDED" or (
        e.code == "UNAVAILABLE" and "before receiving SETTINGS" in e.details)


def after(order: List[int], replica: int) -> int:
    """The replica after `replica` in `order` (a consumer's, from `Silent.order`)."""
    return order[(order.index(replica) + 1) % len(order)]


def words(target: str) -> str:
    """The pass-over line (the Java client's words)."""
    return ("passing over %s: it did not answer a call within the last %d s (a hung replica?); "
            "the other replicas are asked first, it last" % (target, REMEMBER_S))


class Silent:
    """The targets that lately did not answer; `clock` (seconds, as time.monotonic) is there
    for tests."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._marks: Dict[str, Tuple[float, bool]] = {}  # when, and whether a pass-over was said

    def mark(self, target: str) -> None:
        """`target` did not answer."""
        self._marks[target] = (self.clock(), False)

    def answered(self, target: str) -> None:
        """`target` answered: no longer asked last."""
        self._marks.pop(target, None)

    def order(self, targets: Sequence[str], first: int) -> List[int]:
        """Every index of `targets`, from `first` on in ring order, those remembered as silent
        moved to the end (in the same ring order): the order a call or stream asks them in.
        Says once per remembering that one is passed over."""
        now, n = self.clock(), len(targets)
        ring = [(first + k) % n for k in range(n)]
        late = [i for i in ring if now - self._marks.get(targets[i], _NEVER)[0] < REMEMBER_S]
        answering = [i for i in ring if i not in late]
        for i in late if answering else []:
            mark = self._marks.get(targets[i])
            if mark is not None and not mark[1]:
                self._marks[targets[i]] = (mark[0], True)
                _LOG.info(words(targets[i]))
        return answering + late


SILENT = Silent()  # this process's
