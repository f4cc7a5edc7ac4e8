"""manifest.json of an export, read with the standard library. Its fields are the .proto names
(snake_case, integers as numbers); exports written before that convention used proto3 JSON's
lowerCamelCase names and quoted 64-bit integers, which are read too."""
import json
import os
from dataclasses import dataclass
from typing import Any, Dict, Tuple

from ..info import SkippedFile

READABLE = ("folders", "zip", "webdataset", "npy")


class ExportError(ValueError):
    """An export on disk that cannot be read as asked: missing, incomplete, or not matching its
    manifest. The message names the folder and the file or shard."""


@dataclass(frozen=True)
class ShardRecord:
    name: str
    start: int           # the dataset indices the shard spans: its first, and one past its last
    end: int
    complete: bool
    digest: str          # stream digest of the shard's samples (raw bytes)
    files_sha256: str    # SHA-256 over (path, size, SHA-256 of content) of what it wrote


@dataclass(frozen=True)
class FileRecord:
    path: str
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    """What an export says about itself; `folder` is where it lies. The samples exported are
    the selection: indices [start, end), every `stride`-th, and with `sample` > 0 a random
    subset of that many drawn from `seed`, in ascending order (labels.csv lists them).

    skipped_files: the bad files the server's forgiving load (`--on-bad-file skip`) left out of
    the dataset when the export was last run, sorted by name, each `fgbg.SkippedFile(name,
    reason)` as `DatasetInfo.skipped_files` holds them; empty when none was, and for exports
    written before manifests listed them. They change no sample (nor the fingerprint)."""

    folder: str
    dataset: str
    fingerprint: str
    seed: int
    start: int
    end: int
    stride: int
    sample: int
    size: int            # samples exported
    label_columns: Tuple[str, ...]  # npy: the columns of labels.npy
    format: str
    outputs: Tuple[str, ...]
    depth_npy: bool
    height: int
    width: int
    background_labels: Tuple[str, ...]
    foreground_labels: Tuple[str, ...]
    shards: Tuple[ShardRecord, ...]
    files: Tuple[FileRecord, ...]
    complete: bool
    digest: str
    skipped_files: Tuple[SkippedFile, ...] = ()
    objects_max: int = 0  # a scene dataset's most labelled objects per sample; 0 otherwise
    mask_threshold: int = 128  # the spec's: a classic bbox is drawn around mask >= this

    @property
    def is_range(self) -> bool:
        """Whether the export holds every index of [start, end) in order."""
        return self.stride == 1 and self.sample == 0

    @property
    def selection(self) -> str:
        """The selection in words: '100:260', '0:400000 stride 50', '0:800 sample 64 (seed 3)'."""
        return "%d:%d%s%s" % (self.start, self.end,
                              " stride %d" % self.stride if self.stride > 1 else "",
                              " sample %d (seed %d)" % (self.sample, self.seed)
                              if self.sample else "")

    @property
    def exact(self) -> bool:
        """Whether every stored output is lossless (so the samples read back are the served
        bytes): not so for JPEG images or millimetre depth PNGs."""
        if self.format == "npy":
            return True
        depth_exact = self.depth_npy or not {"depth", "background_depth"} & set(self.outputs)
        return "image" not in self.outputs and depth_exact

    def path(self, relative: str) -> str:
        return os.path.join(self.folder, relative)

    @staticmethod
    def load(path: str) -> "Manifest":
        """Reads `path` (an export folder, or its manifest.json)."""
        file = os.path.join(path, "manifest.json") if os.path.isdir(path) else path
        try:
            with open(file, encoding="utf-8") as f:
                j: Dict[str, Any] = json.load(f)
        except FileNotFoundError:
            raise ExportError("%s: no manifest.json (is this an fgbg export folder?)"
                              % path) from None
        except (OSError, ValueError) as e:
            raise ExportError("%s: unreadable manifest: %s" % (file, e)) from None
        if not str(_get(j, "manifest_version", "")).startswith("fgbg-export/"):
            raise ExportError("%s is not an fgbg export manifest" % file)
        spec = j.get("spec", {})
        shards = tuple(ShardRecord(s["name"], int(s.get("start", 0)), int(s.get("end", 0)),
                                   bool(s.get("complete", False)), s.get("digest", ""),
                                   _get(s, "files_sha256", "")) for s in j.get("shards", []))
        files = tuple(FileRecord(f["path"], int(f.get("bytes", 0)), f.get("sha256", ""))
                      for f in j.get("files", []))
        start, end = int(j.get("start", 0)), int(j.get("end", 0))
        stride, sample = max(1, int(j.get("stride", 1))), int(j.get("sample", 0))
        # Manifests from before selections have no "samples": they are ranges.
        size = int(j.get("samples", 0)) or sample or -(-(end - start) // stride)
        m = Manifest(
            folder=os.path.dirname(os.path.abspath(file)), dataset=j.get("dataset", ""),
            fingerprint=j.get("fingerprint", ""), seed=int(j.get("seed", 0)), start=start,
            end=end, stride=stride, sample=sample, size=size,
            label_columns=tuple(_get(j, "label_columns", [])), format=j.get("format", ""),
            outputs=tuple(j.get("outputs", [])), depth_npy=bool(_get(j, "depth_npy", False)),
            height=int(spec.get("height", 0)), width=int(spec.get("width", 0)),
            background_labels=tuple(_get(j, "background_labels", [])),
            foreground_labels=tuple(_get(j, "foreground_labels", [])), shards=shards,
            files=files, complete=bool(j.get("complete", False)), digest=j.get("digest", ""),
            skipped_files=tuple(SkippedFile(f.get("name", ""), f.get("reason", ""))
                                for f in _get(j, "skipped_files", [])),
            objects_max=int(_get(spec.get("scene") or {}, "objects_max", 0)),
            mask_threshold=int(_get(spec, "mask_threshold", 128)))
        if m.format not in READABLE:
            raise ExportError("%s: format %r cannot be read back; fgbg.exported reads %s"
                              % (m.folder, m.format, ", ".join(READABLE)))
        if not m.complete:
            done = sum(s.complete for s in shards)
            raise ExportError("%s: the export is not complete (%d of %d shards); run the same "
                              "export again to finish it" % (m.folder, done, len(shards)))
        return m


def _get(j: Dict[str, Any], name: str, default: Any) -> Any:
    """Field `name` (snake_case), or its lowerCamelCase spelling in older manifests."""
    if name in j:
        return j[name]
    head, *rest = name.split("_")
    return j.get(head + "".join(w.title() for w in rest), default)
