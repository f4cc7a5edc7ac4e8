"""What a resume state records of the dataset behind its fingerprint, so that a state loaded into
a dataset served otherwise names what differs ("placements 3 then, 2 now") instead of only two
fingerprints. The fingerprint also covers the asset files and the depth model, which no state
records: when every recorded setting is alike, those are what changed."""

import dataclasses
from typing import Any, Dict, List

from ..info import DatasetInfo

#: DatasetInfo fields recorded beside the spec's: the asset counts, the depth, the generator.
_INFO = ("size", "backgrounds", "foregrounds", "depth_source", "generator_version")


def settings(info: DatasetInfo) -> Dict[str, Any]:
    """The dataset's settings as plain values (a state is saved with torch.save or as JSON): the
    spec's fields by name, a scene's as "scene.objects_min", and those of _INFO."""
    out: Dict[str, Any] = {k: getattr(info, k) for k in _INFO}
    for k, v in dataclasses.asdict(info.spec).items():
        if isinstance(v, dict):  # the scene
            out.update(("%s.%s" % (k, n), list(s) if isinstance(s, tuple) else s)
                       for n, s in v.items())
        else:
            out[k] = v
    return out


def differences(saved: Dict[str, Any], now: Dict[str, Any]) -> List[str]:
    """Each setting recorded in `saved` that `now` has otherwise, as "placements 3 then, 2 now"
    (a setting one side lacks, from another version or spec kind, is left out)."""
    return ["%s %r then, %r now" % (k, saved[k], now[k]) for k in sorted(saved)
            if k in now and saved[k] != now[k]]
