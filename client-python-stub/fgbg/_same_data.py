"""The one data a consumer keeps to across replicas (the Java client's SameData): the
fingerprint decided once for a job, and the check that skips a replica serving other data (a
rolling update, another config or model), never mixing it in. fgbg.failover's streams and
calls use it; `OtherDataError` is public as fgbg.OtherDataError."""
from typing import Any, Dict, List, Optional, Tuple

from .batch import Batch
from .errors import FgbgError
from .reconnect import Calls, describe


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
               calls: Optional[Calls] = None, who: str = "") -> None:
        """Without a fingerprint yet, and several replicas: the one the first replica in
        `targets`' order that answers Describe serves, the same in every rank and process
        (not the first batch's: replicas of other data would split a job between them).
        `calls`: a stream's Clients, whose close ends the Describe; `who`: the consumer, named
        in the INFO line of each move to the next replica."""
        if self.fingerprint is None and len(targets) > 1:
            calls = calls if calls is not None else Calls()
            client, info = describe(targets, self.dataset, reconnect, calls, who,
                                    **options)
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
