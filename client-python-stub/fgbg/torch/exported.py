"""ExportedDataset: train from an export on disk, without a server.

    ds = fgbg.exported("exports/office_v1", verify=True)      # folders, zip, webdataset or npy
    loader = DataLoader(ds, batch_size=64, shuffle=True, num_workers=4)

Yields the sample dicts FgbgDataset yields (image, mask, depth, background, background_depth,
meta, index: those exported), read through the
export's manifest.json and labels.csv. Depth: float16 metres when stored exactly (npy, or
webdataset with depth_npy), else float32 metres from the 16-bit millimetre PNGs. An export of
a scene dataset also gives meta["instances"] (each labelled object's box, label and visible
fraction, see fgbg.torch.detection_targets), read from its instances.csv (or, in a webdataset
export written before that file, from each KEY.json).
"""
from typing import Any, Dict, List, Optional, Sequence, Tuple, cast

import torch
import torch.utils.data

from .._checks import integer, integers, path_arg
from ..digest import SampleDigest
from ..exports import verify as _verify
from ..exports.labels import Labels, read_instances
from ..exports.manifest import ExportError, Manifest
from ..exports.readers import WebDatasetReader, reader, sample_bytes
from . import _instances
from ._convert import IMAGE_KEYS, Images, row, tensor, transform_arg
from ._types import TorchBatch, Transform, transformed


class ExportedDataset(torch.utils.data.Dataset[TorchBatch]):
    """Map-style Dataset over the export at `path` (its folder or manifest.json); position i is
    the i-th index of the exported selection (`indices`: a range, a stride or a random subset,
    ascending). verify=True first checks every file (and, where lossless, every sample's digest)
    against the manifest, raising ExportError naming what differs."""

    def __init__(self, path: str, verify: bool = False, image: str = "uint8",
                 normalize: Optional[Tuple[Sequence[float], Sequence[float]]] = None,
                 transform: Optional[Transform] = None) -> None:
        transform_arg(transform)
        self.manifest = Manifest.load(path_arg(path, "path"))
        self._labels = Labels(self.manifest)
        self._reader = reader(self.manifest, self._labels)
        self._images = Images(image, normalize)
        self.transform = transform
        self._meta = {k: torch.from_numpy(v) for k, v in self._labels.meta.items()}
        self._index = torch.from_numpy(self._labels.index)
        self._instances = read_instances(self.manifest, self._labels.index)
        self._slots = self.manifest.objects_max if (
            self._instances is not None or isinstance(self._reader, WebDatasetReader)) else 0
        if verify:
            self.verify()

    @property
    def indices(self) -> torch.Tensor:
        """The dataset index of each position (int64)."""
        return self._index

    @property
    def background_labels(self) -> Tuple[str, ...]:
        """The background label names, by label id (meta["bg_label"]), from the manifest."""
        return self.manifest.background_labels

    @property
    def foreground_labels(self) -> Tuple[str, ...]:
        """The foreground label names, by label id (meta["fg_label"]), from the manifest."""
        return self.manifest.foreground_labels

    def source_files(self, i: int) -> Tuple[str, str]:
        """(background file, foreground file) sample `i` was made from, as the server's folders
        name them ("" for exports written before labels.csv carried them)."""
        i = integer(i, "i")
        return self._labels.bg_files[i], self._labels.fg_files[i]

    def __len__(self) -> int:
        return self.manifest.size

    def __getitem__(self, i: int) -> TorchBatch:
        i = integer(i, "index")
        n = len(self)
        if not -n <= i < n:
            raise IndexError("index %d is out of range for an export of %d samples" % (i, n))
        i = i + n if i < 0 else i
        arrays = self._reader.sample(i)
        out: Dict[str, Any] = {}
        for k in IMAGE_KEYS:
            if k in arrays:
                out[k] = self._images(tensor(arrays[k][None]))[0]
        for k in ("mask", "depth", "instances", "background_depth"):
            if k in arrays:
                out[k] = tensor(arrays[k])
        out["meta"] = {k: v[i] for k, v in self._meta.items()}
        out["meta"]["mask_threshold"] = torch.tensor(self.manifest.mask_threshold)
        if self._slots:
            if self._instances is not None:
                found = self._instances[i]
            else:
                assert isinstance(self._reader, WebDatasetReader)
                found = _instances.from_json(self._reader.sample_meta(i))
            out["meta"]["instances"] = row(_instances.columns([found], self._slots), 0)
        out["index"] = self._index[i]
        return transformed(self.transform, cast(TorchBatch, out))

    def __getitems__(self, indices: Sequence[int]) -> List[TorchBatch]:
        return [self[i] for i in integers(indices, "indices")]

    def verify(self) -> None:
        """Raises ExportError unless every shard and file matches manifest.json."""
        _verify.verify(self._reader)

    def digest(self) -> str:
        """The stream digest of the samples as read back: equal to the manifest's digest (and
        to that of GetSamples of the same indices, or `fgbg stream` over the same range) when
        every stored output is lossless."""
        m = self.manifest
        if not m.exact:
            lossy = [o for o in m.outputs if o == "image"
                     or (o in ("depth", "background_depth") and not m.depth_npy)]
            raise ExportError("%s: this %s export stores %s lossily (JPEG images, millimetre "
                              "depth PNGs), so its samples cannot reproduce the served bytes; "
                              "verify() checks its files against the manifest instead (or "
                              "export with format='npy')"
                              % (m.folder, m.format, " and ".join(lossy)))
        d = SampleDigest()
        for i in range(len(self)):
            d.add_sample(int(self._labels.index[i]), *sample_bytes(self._reader.sample(i)))
        return d.hex()

    def __repr__(self) -> str:
        m = self.manifest
        return "ExportedDataset(%r, format=%r, dataset=%r, %d samples of %s, outputs=%s)" % (
            m.folder, m.format, m.dataset, m.size, m.selection, list(m.outputs))


def exported(path: str, verify: bool = False, image: str = "uint8",
             normalize: Optional[Tuple[Sequence[float], Sequence[float]]] = None,
             transform: Optional[Transform] = None) -> ExportedDataset:
    """fgbg.exported(path): the export at `path` as a map-style Dataset (see ExportedDataset)."""
    return ExportedDataset(path, verify=verify, image=image, normalize=normalize,
                           transform=transform)


__all__ = ["ExportedDataset", "ExportError", "exported"]
