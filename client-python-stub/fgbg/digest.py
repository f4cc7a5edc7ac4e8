"""The order-independent dataset digest, identical to the Java CLI's `stream` digest."""
import hashlib
import struct
from typing import Optional

from ._checks import integer
from .batch import Batch

_MOD = 1 << 256


class SampleDigest:
    """Sum mod 2^256 of SHA-256(index as 8 bytes big-endian || image || mask || depth ||
    instances || background || background depth), over the outputs carried (instance ids and
    backgrounds only when asked for by name; the background parts are each sample's own
    background, expanded: the same whether dedupe or export stored it)."""

    def __init__(self) -> None:
        self.value = 0
        self.count = 0

    def add_sample(self, index: int, *parts: Optional[bytes]) -> None:
        """Adds sample `index` of its output bytes `parts`, in the order above (None or empty
        for an output not carried)."""
        sha = hashlib.sha256(struct.pack(">q", integer(index, "index")))
        for p in parts:
            if p is not None and len(p):
                sha.update(p)
        self.value = (self.value + int.from_bytes(sha.digest(), "big")) % _MOD
        self.count += 1

    def add_batch(self, batch: Batch) -> None:
        """Adds every sample of a `fgbg.Batch` (the outputs it carries)."""
        rows = batch.background_rows
        for s, index in enumerate(batch.indices):
            parts = [a[s].tobytes() if a is not None else None
                     for a in (batch.images, batch.masks, batch.depth, batch.instances)]
            if rows is not None:  # a batch without backgrounds has no rows
                parts += [a[rows[s]].tobytes() if a is not None else None
                          for a in (batch.backgrounds, batch.background_depths)]
            self.add_sample(index, *parts)

    def update(self, other: "SampleDigest") -> None:
        """Adds `other`'s samples (e.g. another rank's or worker's): the sum does not depend on
        the order."""
        self.value = (self.value + other.value) % _MOD
        self.count += other.count

    def hex(self) -> str:
        """The digest as 64 hex digits, as the Java CLI and a manifest write it."""
        return "%064x" % self.value

    @staticmethod
    def add_hex(a: str, b: str) -> str:
        """The digest of two disjoint sets of samples from their hex digests."""
        return "%064x" % ((int(a, 16) + int(b, 16)) % _MOD)
