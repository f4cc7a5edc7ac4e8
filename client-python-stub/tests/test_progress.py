"""The export/stats progress bar: pure logic, no server."""
import io
import time
from types import SimpleNamespace

import tqdm

from fgbg._progress import Progress


def _message(done: int, total: int = 1000) -> SimpleNamespace:
    return SimpleNamespace(done=done, total=total, finished=done == total,
                           samples_per_second=0.0)


def test_the_bar_rates_only_what_was_done_after_its_first_message(monkeypatch):

    made = []
    real = tqdm.tqdm

    def quiet(*args, **kwargs):
        bar = real(*args, file=io.StringIO(), **kwargs)
        made.append(bar)
        return bar

    monkeypatch.setattr(tqdm, "tqdm", quiet)
    p = Progress("export x", "export")
    p.update(_message(600))  # a resumed export, or the first shards before the first message
    time.sleep(0.05)
    p.update(_message(700))
    bar = made[0]
    rate = bar.format_dict["rate"] or (bar.n - bar.initial) / bar.format_dict["elapsed"]
    assert bar.n == 700
    assert rate < 100 / 0.05 * 1.5, "the 600 before the bar are not in its rate"
    p.close()
