"""How an export's or a stats call's progress is shown: a tqdm bar when stderr is a terminal
and tqdm is installed, else plain lines on stderr, one every LINE_EVERY seconds and one at the
end. A bar redraws itself with carriage returns, which only a terminal reads as such: written to
a log file, a dataset stats pass (normalize="dataset") made one line of hundreds of KB."""
import sys
import time
from typing import Any, Callable, Optional, TextIO

LINE_EVERY = 10.0  # seconds between plain lines


def draws_bar(stream: Any) -> bool:
    """Whether progress on `stream` is a bar: only when it is a terminal."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # no isatty, or a closed stream
        return False


class Progress:
    """Progress of an export or stats: a tqdm bar on a terminal with tqdm installed, else plain
    lines (the first message's, then one at least LINE_EVERY seconds after the last, and the
    last message's)."""

    def __init__(self, desc: str, kind: str, stream: Optional[TextIO] = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.desc = desc
        self.kind = kind
        self.stream = stream
        self.clock = clock
        self.bar: Any = None  # None: not chosen yet; False: plain lines
        self.said: Optional[int] = None  # samples done as of the last plain line
        self.said_at = 0.0

    def _out(self) -> TextIO:
        # Read at each use, not at import: pytest and callers swap sys.stderr.
        return self.stream if self.stream is not None else sys.stderr

    def update(self, p: Any) -> None:
        if self.bar is None:
            self.bar = False
            if draws_bar(self._out()):
                try:
                    from tqdm import tqdm

                    # Counted from what the first message reports done: those samples took
                    # the time before the bar, and rated over the bar's first instant they
                    # read as millions a second.
                    self.bar = tqdm(total=p.total, initial=p.done, unit="sample",
                                    desc=self.desc, file=self._out())
                except ImportError:
                    pass
        shards = getattr(p, "shards_total", None)
        if self.bar:
            self.bar.update(p.done - self.bar.n)
            if shards is not None:
                self.bar.set_postfix_str(p.current_shard)
            return
        now = self.clock()
        last = p.finished or p.done == p.total
        if p.done == self.said or not (last or self.said is None
                                       or now - self.said_at >= LINE_EVERY):
            return
        # A stats answer from the server's cache comes as one last message, its rate 0 (no pass
        # was made): "0 samples/s" read as a pass that ran at no speed.
        cached = self.kind == "stats" and last and self.said is None and not p.samples_per_second
        self.said, self.said_at = p.done, now
        print("%s: %d/%d samples (%d%%)%s, %s" % (
            self.desc, p.done, p.total, 100 * p.done // max(1, p.total),
            "" if shards is None else ", %d/%d shards" % (p.shards_done, shards),
            "from the server's cache" if cached else "%.0f samples/s" % p.samples_per_second),
            file=self._out(), flush=True)

    def close(self) -> None:
        if self.bar:
            self.bar.close()
