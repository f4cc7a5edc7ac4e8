"""Plain Python views of Describe and Stats answers (frozen dataclasses, readable reprs)."""
from dataclasses import dataclass
from typing import Any, Optional, Tuple

from ._dtypes import depth_dtype_name

_POSITIONS = {0: "random", 1: "random", 2: "fixed", 3: "ground", 4: "depth"}
# fgbg.v1 Blend's names by value, as the CLI's JSON writes them (no stubs needed here).
_BLENDS = ("BLEND_UNSPECIFIED", "BLEND_HARD", "BLEND_GAUSSIAN", "BLEND_POISSON", "BLEND_MOTION")


def blend_name(value: int) -> str:
    """The name of a fgbg.v1 Blend value (SampleMeta.scene.blend), e.g. 'BLEND_HARD'."""
    return _BLENDS[value] if 0 <= value < len(_BLENDS) else str(value)


@dataclass(frozen=True)
class SceneSettings:
    """A scene dataset's settings (the server's --objects, --distractors, --max-occlusion,
    --max-truncation, --blend, --colour-match, --camera-fov, --object-height): labelled
    objects and unlabelled distractors per sample in [min, max]; the largest fraction of a
    labelled object nearer ones may hide, and that may lie outside the image; the blend modes a
    sample's is drawn from, by name ('BLEND_HARD', ...), with the Gaussian's sigma and the
    motion blur's length in pixels; whether cut-outs take the colours under them; and, with
    position 'depth' (0 otherwise), the camera's horizontal field of view in degrees and the
    height in metres of cut-outs labels.csv gives none."""

    objects_min: int
    objects_max: int
    distractors_min: int
    distractors_max: int
    max_occlusion: float
    max_truncation: float
    blends: Tuple[str, ...]
    feather_sigma: float
    motion_length: int
    colour_match: bool
    camera_fov: float
    object_height: float

    @staticmethod
    def from_proto(m: Any) -> "SceneSettings":
        return SceneSettings(m.objects_min, m.objects_max, m.distractors_min, m.distractors_max,
                             m.max_occlusion, m.max_truncation,
                             tuple(blend_name(b) for b in m.blend), m.feather_sigma,
                             m.motion_length, m.colour_match, m.camera_fov, m.object_height)


@dataclass(frozen=True)
class DatasetSpec:
    """How samples are made (part of the fingerprint): output `height` × `width`; foreground
    height drawn in [`fg_scale_min`, `fg_scale_max`] of the output height; `placements` per
    (bg, fg, flip); `flip` doubles the index space; `position` is 'random', 'fixed', 'ground'
    (the foot row in [`ground_min`, `ground_max`] of the height; both 0 otherwise) or 'depth'
    (on floor-like surfaces of the backgrounds' depth, sized by it); the mask is
    255 where alpha >= `mask_threshold` (or alpha itself with `soft_mask`). `scene`: a scene
    dataset's settings (SceneSettings), None for the classic spec (one cut-out); `objects_max`:
    for a scene, the most labelled objects a sample holds; 0 for the classic spec."""

    height: int
    width: int
    fg_scale_min: float
    fg_scale_max: float
    placements: int
    flip: bool
    position: str
    mask_threshold: int
    soft_mask: bool
    ground_min: float = 0.0
    ground_max: float = 0.0
    objects_max: int = 0
    scene: Optional[SceneSettings] = None


@dataclass(frozen=True)
class SkippedFile:
    """A bad file a forgiving load (`--on-bad-file skip`) left out: its `name` under the
    dataset's folders ('bg/x.jpg', 'fg/ball/y.png') and the `reason` it could not be used."""

    name: str
    reason: str


@dataclass(frozen=True, repr=False)
class DatasetInfo:
    """What `Client.describe()` returns: everything needed to interpret a dataset's samples.

    size: N = backgrounds × foregrounds × flips × placements, with index
    i = ((bg · F + fg) · flips + flip) · P + k (`index_formula`).
    image_shape (H, W, 3) uint8; mask_shape (H, W) uint8; depth_shape (h, w) in `depth_dtype`
    (little-endian) and `depth_units`, or () when `has_depth` is False; `depth_source` names where
    depth comes from ('builtin-exact', a model, or 'none').
    background_labels / foreground_labels: the label tables that SampleMeta.bg_label and
    fg_label index; background_names / foreground_names: asset names by bg / fg id.
    fingerprint: SHA-256 over assets, spec, depth source and generator version.
    max_get_samples: most indices one GetSamples call takes; max_batch_size: the largest
    StreamEpoch batch; max_message_bytes: no response is larger.
    skipped_files: the bad files the server's forgiving load left out (`--on-bad-file skip`),
    sorted by name, each with why; empty when none was (not part of the fingerprint).
    """

    name: str
    size: int
    backgrounds: int
    foregrounds: int
    flips: int
    placements: int
    index_formula: str
    spec: DatasetSpec
    fingerprint: str
    generator_version: str
    image_shape: Tuple[int, ...]
    mask_shape: Tuple[int, ...]
    has_depth: bool
    depth_shape: Tuple[int, ...]
    depth_dtype: str
    depth_units: str
    depth_source: str
    background_labels: Tuple[str, ...]
    foreground_labels: Tuple[str, ...]
    background_names: Tuple[str, ...]
    foreground_names: Tuple[str, ...]
    max_get_samples: int
    max_batch_size: int
    max_message_bytes: int
    skipped_files: Tuple[SkippedFile, ...] = ()

    @staticmethod
    def from_proto(m: Any) -> "DatasetInfo":
        s = m.spec
        return DatasetInfo(
            name=m.name, size=m.size, backgrounds=m.backgrounds, foregrounds=m.foregrounds,
            flips=m.flips, placements=m.placements, index_formula=m.index_formula,
            spec=DatasetSpec(s.height, s.width, s.fg_scale_min, s.fg_scale_max, s.placements,
                             s.flip, _POSITIONS.get(s.position, str(s.position)),
                             s.mask_threshold, s.soft_mask, s.ground_min, s.ground_max,
                             s.scene.objects_max if s.HasField("scene") else 0,
                             SceneSettings.from_proto(s.scene) if s.HasField("scene") else None),
            fingerprint=m.fingerprint, generator_version=m.generator_version,
            image_shape=tuple(m.image_shape.dims), mask_shape=tuple(m.mask_shape.dims),
            has_depth=m.has_depth, depth_shape=tuple(m.depth_shape.dims),
            depth_dtype=depth_dtype_name(m.depth_dtype), depth_units=m.depth_units,
            depth_source=m.depth_source, background_labels=tuple(m.background_labels),
            foreground_labels=tuple(m.foreground_labels),
            background_names=tuple(m.background_names),
            foreground_names=tuple(m.foreground_names), max_get_samples=m.max_get_samples,
            max_batch_size=m.max_batch_size, max_message_bytes=m.max_message_bytes,
            skipped_files=tuple(SkippedFile(f.name, f.reason) for f in m.skipped_files))

    def __repr__(self) -> str:
        depth = ("%s %s %s from %s" % (_shape(self.depth_shape), self.depth_dtype,
                                       self.depth_units, self.depth_source)
                 if self.has_depth else "none")
        scene = self.spec.scene
        made = ("" if scene is None else ", scenes of %d-%d objects (spec.scene)" % (
            scene.objects_min, scene.objects_max))
        return ("DatasetInfo(name=%r, size=%d = %d bg x %d fg x %d flips x %d placements%s, "
                "image=%s uint8, mask=%s uint8, depth=%s, background_labels=%s, "
                "foreground_labels=%s, fingerprint=%r%s)" % (
                    self.name, self.size, self.backgrounds, self.foregrounds, self.flips,
                    self.placements, made, _shape(self.image_shape), _shape(self.mask_shape),
                    depth,
                    _few(self.background_labels), _few(self.foreground_labels),
                    self.fingerprint[:12] + "...",
                    ", skipped_files=%d" % len(self.skipped_files) if self.skipped_files
                    else ""))


@dataclass(frozen=True)
class ChannelStats:
    """Per-channel mean and population std over the pixels, in `unit` ('[0,1]' for image and
    mask, 'metres'). Over a random sample, `standard_error` holds each mean's standard error as
    an estimate of the population's mean (samples are the unit: sqrt((1 - n/N) s^2 / n), s the
    std of the n per-sample means); empty otherwise."""

    mean: Tuple[float, ...]
    std: Tuple[float, ...]
    unit: str
    standard_error: Tuple[float, ...] = ()


@dataclass(frozen=True)
class Stats:
    """What `Client.stats()` returns: exact statistics over `samples` samples; an output that
    was not asked for (or that the dataset lacks) is None. `image.mean` / `image.std` are
    ready for `transforms.Normalize`. background / background_depth (asked for by name): the
    statistics of each sample's background. Over a random sample, `population` is the number of
    samples it was drawn from (0 otherwise) and each channel carries its standard errors."""

    samples: int
    image: Optional[ChannelStats]
    mask: Optional[ChannelStats]
    depth: Optional[ChannelStats]
    fingerprint: str
    population: int = 0
    background: Optional[ChannelStats] = None
    background_depth: Optional[ChannelStats] = None

    @staticmethod
    def from_proto(m: Any) -> "Stats":
        def channel(name: str) -> Optional[ChannelStats]:
            if not m.HasField(name):
                return None
            c = getattr(m, name)
            return ChannelStats(tuple(c.mean), tuple(c.std), c.unit, tuple(c.standard_error))

        return Stats(m.samples, channel("image"), channel("mask"), channel("depth"),
                     m.fingerprint, m.population, channel("background"),
                     channel("background_depth"))


def _shape(dims: Tuple[int, ...]) -> str:
    return "x".join(str(d) for d in dims)


def _few(labels: Tuple[str, ...], n: int = 4) -> str:
    shown = ", ".join(repr(x) for x in labels[:n])
    more = ", ... %d in all" % len(labels) if len(labels) > n else ""
    return "[" + shown + more + "]"
