"""What mypy and IDEs see of Batch.meta's elements: the generated SampleMeta messages (fgbg.v1,
untyped) described field by field as Protocols, so that `batch.meta[0].fg_label` is an int, not
Any. The messages themselves are what Batch.meta holds; tests/test_package.py keeps these field
lists equal to the messages' own."""
from typing import Protocol, Sequence


class BBoxMeta(Protocol):
    """A box in pixels: x0, y0 inclusive, x1, y1 exclusive."""

    x0: int
    y0: int
    x1: int
    y1: int


class InstanceMeta(Protocol):
    """One labelled object of a scene (SceneMeta.instances[i] is instance id i + 1)."""

    fg: int
    flip: bool
    x: int
    y: int
    fg_width: int
    fg_height: int
    scale: float
    bbox: BBoxMeta  # its visible pixels; all 0 when none is visible
    visible_fraction: float
    fg_label: int
    fg_depth: float


class SceneMeta(Protocol):
    """A scene sample's objects (empty for the classic spec)."""

    instances: Sequence[InstanceMeta]
    blend: int  # a fgbg.v1 Blend value: fgbg.info.blend_name(blend) is its name
    distractors: int


class SampleMeta(Protocol):
    """One sample's meta (fgbg.v1 SampleMeta): labels index DatasetInfo's label tables."""

    index: int
    bg: int
    fg: int
    flip: bool
    k: int
    x: int
    y: int
    fg_width: int
    fg_height: int
    scale: float
    bbox: BBoxMeta
    bg_label: int
    fg_label: int
    fg_depth: float
    scene: SceneMeta
