"""labels.csv: one row of meta per exported sample, as numpy columns."""
import csv
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
from numpy.typing import NDArray

from .manifest import ExportError, Manifest

# Exports before the source file columns existed end at fg_depth; both are read.
HEADER_V1 = ["index", "name", "bg", "fg", "flip", "k", "x", "y", "fg_width", "fg_height",
             "scale", "bbox_x0", "bbox_y0", "bbox_x1", "bbox_y1", "bg_label", "fg_label",
             "fg_depth"]
HEADER = HEADER_V1 + ["bg_file", "fg_file"]
_INTS = ("index", "bg", "fg", "flip", "k", "x", "y", "fg_width", "fg_height")


class Labels:
    """Columns of labels.csv (RFC 4180 quoting): `names` (exported file names), `bg_files` and
    `fg_files` (the source images, empty for older exports), and `meta` with the streaming dtypes
    (labels as indices into the manifest's label tables)."""

    def __init__(self, m: Manifest) -> None:
        path, rows = _table(m, "labels.csv", HEADER, HEADER_V1)
        header = rows[0]
        body = rows[1:]
        if len(body) != m.size:
            raise ExportError("%s has %d rows; the manifest says %d samples"
                              % (path, len(body), m.size))
        for n, row in enumerate(body):
            if len(row) != len(header):
                raise ExportError("%s row %d has %d fields, not %d"
                                  % (path, n + 2, len(row), len(header)))
        col = {h: [r[c] for r in body] for c, h in enumerate(header)}
        try:
            meta: Dict[str, NDArray[Any]] = {h: np.array(col[h], dtype=np.int64) for h in _INTS}
            meta["scale"] = np.array(col["scale"], dtype=np.float64)
            meta["fg_depth"] = np.array(col["fg_depth"], dtype=np.float32)
            meta["bbox"] = np.stack([np.array(col[h], dtype=np.int64) for h in
                                     ("bbox_x0", "bbox_y0", "bbox_x1", "bbox_y1")], axis=1)
            meta["bg_label"] = _lookup(col["bg_label"], m.background_labels)
            meta["fg_label"] = _lookup(col["fg_label"], m.foreground_labels)
        except (ValueError, KeyError) as e:
            raise ExportError("%s: %s" % (path, e)) from None
        if not _is_selection(meta["index"], m):
            raise ExportError("%s: the index column is not the selection %s in order"
                              % (path, m.selection))
        self.names: List[str] = col["name"]
        self.bg_files: List[str] = col.get("bg_file", [""] * len(body))
        self.fg_files: List[str] = col.get("fg_file", [""] * len(body))
        self.index: NDArray[np.int64] = meta.pop("index")
        self.meta = meta


def _is_selection(index: NDArray[np.int64], m: Manifest) -> bool:
    """Whether `index` can be the manifest's selection: all of a range or stride, or (a random
    subset, which the server draws) strictly ascending indices of the strided range."""
    if m.sample == 0:
        return np.array_equal(index, np.arange(m.start, m.end, m.stride))
    return (len(index) == m.sample and bool(np.all(np.diff(index) > 0))
            and (len(index) == 0 or (index[0] >= m.start and index[-1] < m.end))
            and bool(np.all((index - m.start) % m.stride == 0)))


def _lookup(values: List[str], table: Tuple[str, ...]) -> NDArray[np.int64]:
    ids = {label: i for i, label in enumerate(table)}
    try:
        return np.array([ids[v] for v in values], dtype=np.int64)
    except KeyError as e:
        raise KeyError("label %s is not in the manifest's label table" % e) from None


INSTANCES_HEADER = ["index", "instance", "fg", "flip", "x", "y", "fg_width", "fg_height",
                    "scale", "bbox_x0", "bbox_y0", "bbox_x1", "bbox_y1", "visible_fraction",
                    "fg_label", "fg_depth", "fg_file"]
# (visible box [x0, y0, x1, y1), fg_label as an index into the label table, visible fraction)
Instance = Tuple[Tuple[int, int, int, int], int, float]


def read_instances(m: Manifest, index: NDArray[np.int64]) -> Optional[List[List[Instance]]]:
    """instances.csv of a scene dataset's export: each position's labelled objects in instance
    id order; None when the export has no such file (a classic dataset, or an export written
    before it existed)."""
    if not any(f.path == "instances.csv" for f in m.files):
        return None
    path, rows = _table(m, "instances.csv", INSTANCES_HEADER)
    position = {int(i): p for p, i in enumerate(index)}
    out: List[List[Instance]] = [[] for _ in range(len(index))]
    ids = {h: c for c, h in enumerate(INSTANCES_HEADER)}
    labels = {label: i for i, label in enumerate(m.foreground_labels)}
    for n, r in enumerate(rows[1:], start=2):
        try:
            p = position[int(r[ids["index"]])]
            if int(r[ids["instance"]]) != len(out[p]) + 1:
                raise ValueError("instance ids of a sample must be 1, 2, ... in order")
            x0, y0, x1, y1 = (int(r[ids[h]]) for h in ("bbox_x0", "bbox_y0", "bbox_x1", "bbox_y1"))
            out[p].append(((x0, y0, x1, y1), labels[r[ids["fg_label"]]],
                           float(r[ids["visible_fraction"]])))
        except (ValueError, KeyError, IndexError) as e:
            raise ExportError("%s row %d: %s" % (path, n, e)) from None
    return out


def _table(m: Manifest, name: str, header: List[str],
           *older: List[str]) -> Tuple[str, List[List[str]]]:
    """The path and rows (header first) of one of the export's CSV tables (RFC 4180 quoting),
    whose header is `header` or one of the `older` ones."""
    path = m.path(name)
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
    except OSError as e:
        raise ExportError("%s: cannot read %s: %s" % (m.folder, name, e)) from None
    if not rows or (rows[0] != header and rows[0] not in older):
        raise ExportError("%s: header is not %s" % (path, ",".join(header)))
    return path, rows
