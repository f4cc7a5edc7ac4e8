"""How an export's or a stats call's progress is shown: a tqdm bar when tqdm is installed,
else one line at the end."""
from typing import Any


class Progress:
    """Progress of an export or stats: a tqdm bar when tqdm is installed, else one line at the
    end."""

    def __init__(self, desc: str, kind: str) -> None:
        self.desc = desc
        self.kind = kind
        self.bar: Any = None

    def update(self, p: Any) -> None:
        if self.bar is None:
            try:
                from tqdm import tqdm

                # Counted from what the first message reports done: those samples took the
                # time before the bar, and rated over the bar's first instant they read as
                # millions a second.
                self.bar = tqdm(total=p.total, initial=p.done, unit="sample", desc=self.desc)
            except ImportError:
                self.bar = False
        shards = getattr(p, "shards_total", None)
        if self.bar:
            self.bar.update(p.done - self.bar.n)
            if shards is not None:
                self.bar.set_postfix_str(p.current_shard)
        elif p.finished or p.done == p.total:
            print("%s: %d/%d samples%s, %.0f samples/s" % (
                self.kind, p.done, p.total,
                "" if shards is None else ", %d/%d shards" % (p.shards_done, shards),
                p.samples_per_second))

    def close(self) -> None:
        if self.bar:
            self.bar.close()
