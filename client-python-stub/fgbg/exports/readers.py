"""Sample bytes of an export, per format: decoded arrays by export position, and the items a
shard wrote (for the manifest's files digest). Open files are per process (never pickled)."""
import bisect
import hashlib
import io
import json
import os
import tarfile
import zipfile
from typing import Any, Dict, Iterator, List, Optional, Tuple

import numpy as np
from numpy.typing import NDArray

from .labels import Labels
from .manifest import ExportError, Manifest, ShardRecord

# image [H,W,3] uint8, mask [H,W] uint8, depth [H,W] float, instances [H,W] uint8; background,
# background_depth as image and depth
Arrays = Dict[str, NDArray[Any]]


def _pil() -> Any:
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("reading JPEG/PNG exports needs Pillow (Debian: apt-get install "
                          "python3-pil; pip: pillow), or export with format='npy'") from None
    return Image


def decode(kind: str, data: bytes) -> NDArray[Any]:
    """One stored file as the array the server served (lossy for JPEG and depth PNG)."""
    if kind == "depth.npy":
        depth: NDArray[Any] = np.load(io.BytesIO(data), allow_pickle=False)  # an .npy: an array
        return depth
    im = _pil().open(io.BytesIO(data))
    if kind in ("image", "background"):
        return np.asarray(im.convert("RGB"))
    if kind in ("mask", "instances"):
        return np.asarray(im.convert("L"))
    # 16-bit millimetres (manifest.depthPng), as float32 metres.
    return np.asarray(im, dtype=np.int32).astype(np.float32) / 1000.0


class Reader:
    def __init__(self, m: Manifest, labels: Labels) -> None:
        self.m = m
        self.labels = labels
        self._starts = [s.start for s in m.shards]

    def shard_of(self, i: int) -> ShardRecord:
        """The shard holding export position `i` (shards span ascending runs of indices)."""
        return self.m.shards[bisect.bisect_right(self._starts, int(self.labels.index[i])) - 1]

    def positions(self, shard: ShardRecord) -> range:
        """The export positions of `shard`'s samples: those whose index lies in its span."""
        index = self.labels.index
        return range(int(np.searchsorted(index, shard.start)),
                     int(np.searchsorted(index, shard.end)))

    def read(self, i: int) -> Arrays:
        raise NotImplementedError

    def sample(self, i: int) -> Arrays:
        """Every stored array of position `i`: its own and its background's."""
        out = self.read(i)
        out.update(self.background(i))
        return out

    def background(self, i: int) -> Arrays:
        """background / background_depth of position `i` (those exported): each distinct
        background is stored once (bg/bg_NNN.png, bg_depth/bg_NNN.png or .npy) and decoded once
        per process."""
        bg = int(self.labels.meta["bg"][i])
        opened = self._opened()
        out = {}
        for kind in ("background", "background_depth"):
            if kind not in self.m.outputs:
                continue
            if (kind, bg) not in opened:
                if kind == "background":
                    rel, how = "bg/bg_%03d.png" % bg, "background"
                elif self.m.depth_npy:
                    rel, how = "bg_depth/bg_%03d.npy" % bg, "depth.npy"
                else:
                    rel, how = "bg_depth/bg_%03d.png" % bg, "depth"
                opened[(kind, bg)] = decode(how, self._file(rel))
            out[kind] = opened[(kind, bg)]
        return out

    def items(self, shard: ShardRecord) -> Iterator[Tuple[str, int, bytes]]:
        """(path, size, SHA-256 of content) of each item `shard` wrote, in the order the server
        hashed them (fgbg.exports.verify)."""
        raise NotImplementedError

    def _opened(self) -> Dict[Any, Any]:
        """Open files of this process (a forked or spawned copy opens its own)."""
        if self.__dict__.get("_open_pid") != os.getpid():
            self.__dict__["_open"] = {}
            self.__dict__["_open_pid"] = os.getpid()
        opened: Dict[Any, Any] = self.__dict__["_open"]
        return opened

    def _file(self, rel: str) -> bytes:
        try:
            with open(self.m.path(rel), "rb") as f:
                return f.read()
        except OSError as e:
            raise ExportError("%s: cannot read %s: %s" % (self.m.folder, rel, e.strerror)) from None

    def file_sha(self, rel: str) -> Tuple[int, bytes]:
        sha = hashlib.sha256()
        size = 0
        try:
            with open(self.m.path(rel), "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    sha.update(block)
                    size += len(block)
        except OSError as e:
            raise ExportError("%s: cannot read %s: %s" % (self.m.folder, rel, e.strerror)) from None
        return size, sha.digest()

    def __getstate__(self) -> Dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_open")}


def _kinds(m: Manifest) -> List[str]:
    return [o for o in ("image", "mask", "depth", "instances") if o in m.outputs]


class FolderReader(Reader):
    """fg_bg/bg_NNN/NAME.jpg, fg_bg_masks/bg_NNN/NAME.png, depth_maps/bg_NNN/NAME.png,
    instance_masks/bg_NNN/NAME.png."""

    TOPS = {"image": ("fg_bg", ".jpg"), "mask": ("fg_bg_masks", ".png"),
            "depth": ("depth_maps", ".png"), "instances": ("instance_masks", ".png")}

    def _paths(self, i: int) -> List[Tuple[str, str]]:
        folder = "bg_%03d" % self.labels.meta["bg"][i]
        name = self.labels.names[i]
        return [(k, "%s/%s/%s%s" % (self.TOPS[k][0], folder, name, self.TOPS[k][1]))
                for k in _kinds(self.m)]

    def read(self, i: int) -> Arrays:
        return {k: decode(k, self._file(p)) for k, p in self._paths(i)}

    def items(self, shard: ShardRecord) -> Iterator[Tuple[str, int, bytes]]:
        for i in self.positions(shard):
            for _, p in self._paths(i):
                yield (p,) + self.file_sha(p)


class ZipReader(FolderReader):
    """bg_NNN.zip per background, holding that background's part of the folders layout."""

    def _zip(self, shard: ShardRecord) -> zipfile.ZipFile:
        opened = self._opened()
        if shard.name not in opened:
            rel = shard.name + ".zip"
            try:
                opened[shard.name] = zipfile.ZipFile(self.m.path(rel))
            except (OSError, zipfile.BadZipFile) as e:
                raise ExportError("%s: cannot read %s: %s" % (self.m.folder, rel, e)) from None
        z: zipfile.ZipFile = opened[shard.name]
        return z

    def read(self, i: int) -> Arrays:
        shard = self.shard_of(i)
        z = self._zip(shard)
        out = {}
        for k, p in self._paths(i):
            try:
                out[k] = decode(k, z.read(p))
            except KeyError:
                raise ExportError("%s: %s.zip has no %s" % (self.m.folder, shard.name, p)) from None
        return out

    def items(self, shard: ShardRecord) -> Iterator[Tuple[str, int, bytes]]:
        rel = shard.name + ".zip"
        yield (rel,) + self.file_sha(rel)


class WebDatasetReader(Reader):
    """SHARD.tar of KEY.jpg, KEY.mask.png, KEY.depth.png (or .depth.npy), KEY.instances.png,
    KEY.json."""

    def _member(self, shard: ShardRecord, name: str) -> Tuple[int, Tuple[int, int]]:
        opened = self._opened()
        if shard.name not in opened:
            rel = shard.name + ".tar"
            try:
                fd = os.open(self.m.path(rel), os.O_RDONLY)
                with tarfile.open(self.m.path(rel)) as t:
                    index = {x.name: (x.offset_data, x.size) for x in t.getmembers()}
            except (OSError, tarfile.TarError) as e:
                raise ExportError("%s: cannot read %s: %s" % (self.m.folder, rel, e)) from None
            opened[shard.name] = (fd, index)
        fd, index = opened[shard.name]
        if name not in index:
            raise ExportError("%s: %s.tar has no %s" % (self.m.folder, shard.name, name))
        return fd, index[name]

    def read(self, i: int) -> Arrays:
        shard = self.shard_of(i)
        key = self.labels.names[i]
        out = {}
        for k in _kinds(self.m):
            ext = {"image": ".jpg", "mask": ".mask.png",
                   "depth": ".depth.npy" if self.m.depth_npy else ".depth.png",
                   "instances": ".instances.png"}[k]
            fd, (offset, size) = self._member(shard, key + ext)
            out[k] = decode("depth.npy" if ext == ".depth.npy" else k, os.pread(fd, size, offset))
        return out

    def sample_meta(self, i: int) -> Dict[str, Any]:
        """KEY.json of position `i`: its SampleMeta as JSON (proto field names)."""
        fd, (offset, size) = self._member(self.shard_of(i), self.labels.names[i] + ".json")
        try:
            meta: Dict[str, Any] = json.loads(os.pread(fd, size, offset).decode("utf-8"))
        except ValueError as e:
            raise ExportError("%s: %s.json of %s is not JSON: %s" % (
                self.m.folder, self.labels.names[i], self.shard_of(i).name, e)) from None
        return meta

    def items(self, shard: ShardRecord) -> Iterator[Tuple[str, int, bytes]]:
        rel = shard.name + ".tar"
        yield (rel,) + self.file_sha(rel)


class NpyReader(Reader):
    """images.npy [N,H,W,3] uint8, masks.npy [N,H,W] uint8, depth.npy [N,H,W] float16,
    instances.npy [N,H,W] uint8."""

    FILES = {"image": "images.npy", "mask": "masks.npy", "depth": "depth.npy",
             "instances": "instances.npy"}

    def _array(self, kind: str) -> "np.memmap[Any, np.dtype[Any]]":
        opened = self._opened()
        if kind not in opened:
            rel = self.FILES[kind]
            try:
                a = np.load(self.m.path(rel), mmap_mode="r")
            except (OSError, ValueError) as e:
                raise ExportError("%s: cannot read %s: %s" % (self.m.folder, rel, e)) from None
            if len(a) != self.m.size:
                raise ExportError("%s: %s holds %d samples; the manifest says %d"
                                  % (self.m.folder, rel, len(a), self.m.size))
            opened[kind] = a
        array: np.memmap[Any, np.dtype[Any]] = opened[kind]  # np.load with mmap_mode
        return array

    def read(self, i: int) -> Arrays:
        return {k: np.array(self._array(k)[i]) for k in _kinds(self.m)}

    def background(self, i: int) -> Arrays:
        """Rows of backgrounds.npy / background_depths.npy, by background_rows.npy."""
        out = {}
        for kind, rel in (("background", "backgrounds.npy"),
                          ("background_depth", "background_depths.npy")):
            if kind in self.m.outputs:
                rows = self._npy("background_rows.npy")
                out[kind] = np.array(self._npy(rel)[int(rows[i])])
        return out

    def _npy(self, rel: str) -> "np.memmap[Any, np.dtype[Any]]":
        opened = self._opened()
        if rel not in opened:
            try:
                opened[rel] = np.load(self.m.path(rel), mmap_mode="r")
            except (OSError, ValueError) as e:
                raise ExportError("%s: cannot read %s: %s" % (self.m.folder, rel, e)) from None
        array: np.memmap[Any, np.dtype[Any]] = opened[rel]  # np.load with mmap_mode
        return array

    def items(self, shard: ShardRecord) -> Iterator[Tuple[str, int, bytes]]:
        rows_of = self.positions(shard)
        a, b = rows_of.start, rows_of.stop
        for k in _kinds(self.m):
            rows = self._array(k)[a:b]  # the shard's byte range of the file (C order)
            sha = hashlib.sha256()
            for r in range(0, len(rows), 256):
                sha.update(rows[r:r + 256].tobytes())
            yield self.FILES[k], rows.nbytes, sha.digest()


def reader(m: Manifest, labels: Labels) -> Reader:
    return {"folders": FolderReader, "zip": ZipReader, "webdataset": WebDatasetReader,
            "npy": NpyReader}[m.format](m, labels)


def sample_bytes(arrays: Arrays) -> List[Optional[bytes]]:
    """image ‖ mask ‖ float16 depth ‖ instances ‖ background ‖ float16 background depth, as the
    stream digest hashes them."""
    def part(kind: str, dtype: Optional[str] = None) -> Optional[bytes]:
        a = arrays.get(kind)
        return None if a is None else (a if dtype is None else a.astype(dtype)).tobytes()

    return [part("image"), part("mask"), part("depth", "<f2"), part("instances"),
            part("background"), part("background_depth", "<f2")]
