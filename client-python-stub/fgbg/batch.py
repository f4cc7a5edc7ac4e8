"""Batches as numpy arrays that are views of the message bytes (no copy)."""
from __future__ import annotations  # np.floating[...] is subscriptable from numpy 1.22

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
from numpy.typing import NDArray

from ._dtypes import depth_dtype_name
from .sample_meta import SampleMeta

Part = Tuple[Any, int, Optional[int]]

# The array fields of a SampleBatch (and of a shared-memory slot), in slot and digest order:
# the per-sample arrays, then each distinct background once (see Batch).
ARRAYS = ("images", "masks", "depth", "instances", "backgrounds", "background_depths")



class Batch:
    """One batch of samples.

    images: uint8 [n, H, W, 3]; masks: uint8 [n, H, W]; depth: float16/float32 [n, h, w]
    (little-endian, metres); instances: uint8 [n, H, W] instance ids (0 background, i for
    meta[s].scene.instances[i - 1]; asked for by name: outputs=[..., "instances"]); None for an
    output that was not asked for. indices: int64 [n];
    positions: int64 [n], each sample's global epoch position (streams only); meta: a list of
    SampleMeta messages (fgbg.SampleMeta to type checkers). Arrays made from a single message
    are read-only views of its bytes.

    With the outputs "background" / "background_depth" (asked for by name), a batch carries each
    distinct background once: backgrounds uint8 [b, H, W, 3], background_depths [b, h, w] (as
    depth) and background_rows int64 [n], sample s's row among them; background and
    background_depth are the per-sample arrays [n, ...] (backgrounds[background_rows], made on
    first access: a copy).

    Through shared memory (fgbg.shm) the arrays are read-only views of a ring slot: the slot
    is given back to the server by release(), or when the last array or tensor made from the
    batch is gone. Do not keep more live batches than the ring has slots (4): the stream then
    continues over the network.
    """

    __slots__ = ("indices", "positions", "images", "masks", "depth", "instances", "meta",
                 "batch_index", "fingerprint", "buffers", "shared_memory", "_release",
                 "backgrounds", "background_depths", "background_rows", "_expanded")

    def __init__(self, messages: Sequence[Any], world_size: int = 1,
                 payloads: Optional[Sequence[Dict[str, Part]]] = None,
                 release: Optional[Callable[[], None]] = None) -> None:
        """messages: parsed SampleBatch chunks; payloads: per chunk, {field: (buffer, offset,
        length)} when the payload was left in the raw message (see fgbg.wire) or lies in a
        shared-memory slot; release: gives that slot back."""
        self._release = release
        self.shared_memory = release is not None  # arrays are views of a shared-memory slot
        first = messages[0]
        self.batch_index = first.batch_index
        self.fingerprint = first.fingerprint
        self.meta: List[SampleMeta] = [m for msg in messages for m in msg.meta]
        self.indices = np.fromiter((i for msg in messages for i in msg.indices), dtype=np.int64)
        self.positions = np.concatenate([
            msg.first_position + np.arange(len(msg.indices), dtype=np.int64) * world_size
            for msg in messages])
        n = len(self.indices)
        h, w = first.height, first.width
        # Hold the buffers: the arrays below are views of them.
        self.buffers = {f: _join(messages, payloads, f) for f in ARRAYS}
        self.images: Optional[NDArray[np.uint8]] = _view(
            self.buffers["images"], np.uint8, (n, h, w, 3))
        self.masks: Optional[NDArray[np.uint8]] = _view(self.buffers["masks"], np.uint8, (n, h, w))
        depth_dtype = np.dtype(depth_dtype_name(first.depth_dtype)).newbyteorder("<")
        depth_shape = (first.depth_height, first.depth_width)
        self.depth: Optional[NDArray[np.floating[Any]]] = _view(
            self.buffers["depth"], depth_dtype, (n,) + depth_shape)
        self.instances: Optional[NDArray[np.uint8]] = _view(
            self.buffers["instances"], np.uint8, (n, h, w))
        self.background_rows = _rows(messages)
        b = int(self.background_rows.max()) + 1 if n and self.background_rows is not None else 0
        self.backgrounds: Optional[NDArray[np.uint8]] = _view(
            self.buffers["backgrounds"], np.uint8, (b, h, w, 3))
        self.background_depths: Optional[NDArray[np.floating[Any]]] = _view(
            self.buffers["background_depths"], depth_dtype, (b,) + depth_shape)
        self._expanded: Dict[str, NDArray[Any]] = {}

    @property
    def background(self) -> Optional[NDArray[np.uint8]]:
        """uint8 [n, H, W, 3]: each sample's background (the pixels its composite was drawn on),
        or None when not asked for."""
        return self._expand("background", self.backgrounds)

    @property
    def background_depth(self) -> Optional[NDArray[np.floating[Any]]]:
        """[n, h, w] in the depth dtype: the depth of each sample's background alone, or None."""
        return self._expand("background_depth", self.background_depths)

    def _expand(self, key: str, distinct: Optional[NDArray[Any]]) -> Optional[NDArray[Any]]:
        if distinct is None or self.background_rows is None:
            return None
        if key not in self._expanded:
            self._expanded[key] = distinct[self.background_rows]
        return self._expanded[key]

    def slot(self) -> Optional[NDArray[np.uint8]]:
        """The whole shared-memory slot this batch's arrays are views of (read-only bytes), or
        None for a batch that came over the network or was released."""
        if not self.shared_memory or not self.buffers:
            return None
        slot: NDArray[np.uint8] = self.buffers["images"][0]  # shm's Ring.take: a uint8 array
        return slot

    def release(self) -> None:
        """Gives a shared-memory batch's slot back now (its arrays are dropped: the server
        writes the slot again). Nothing to do for a batch that came over the network."""
        if self._release is not None:
            self.images = self.masks = self.depth = self.instances = None
            self.backgrounds = self.background_depths = None
            self._expanded = {}
            self.buffers = {}
            self._release()
            self._release = None

    def __len__(self) -> int:
        return len(self.indices)

    def __repr__(self) -> str:
        return "Batch(n=%d, batch_index=%d, indices=%s...)" % (
            len(self), self.batch_index, list(self.indices[:4]))


def _rows(messages: Sequence[Any]) -> Optional[NDArray[np.int64]]:
    """background_rows over all chunks (each chunk's rows index its own backgrounds, which
    follow the previous chunks'), or None without backgrounds."""
    if not any(len(m.background_rows) for m in messages):
        return None
    out: List[NDArray[np.int64]] = []
    base = 0
    for m in messages:
        rows = np.asarray(m.background_rows, dtype=np.int64) + base
        out.append(rows)
        if len(rows):
            base = int(rows.max()) + 1
    return np.concatenate(out)


def _join(messages: Sequence[Any], payloads: Optional[Sequence[Dict[str, Part]]],
          field: str) -> Tuple[Any, int, int]:
    """(buffer, offset, length) of a field over all chunks."""
    parts: List[Part]
    if payloads is None:
        parts = [(getattr(m, field), 0, None) for m in messages]
    else:
        parts = [p.get(field, (b"", 0, 0)) for p in payloads]
    if len(parts) == 1:
        buf, off, length = parts[0]
        return buf, off, len(buf) - off if length is None else length
    # A batch split into chunks: one copy to make it contiguous.
    joined = b"".join(memoryview(b)[o:o + (len(b) - o if n is None else n)] for b, o, n in parts)
    return joined, 0, len(joined)


def _view(part: Tuple[Any, int, int], dtype: Any,
          shape: Tuple[int, ...]) -> Optional[NDArray[Any]]:
    buf, off, length = part
    if length == 0:
        return None
    return np.frombuffer(buf, dtype=dtype, count=length // np.dtype(dtype).itemsize,
                         offset=off).reshape(shape)
