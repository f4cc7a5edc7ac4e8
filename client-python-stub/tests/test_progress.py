"""The export/stats progress bar: pure logic, and a stats call's lines through a real server."""
import io
import time
from types import SimpleNamespace

import tqdm

import fgbg
from conftest import N
from fgbg._progress import LINE_EVERY, Progress, draws_bar


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _message(done: int, total: int = 1000) -> SimpleNamespace:
    return SimpleNamespace(done=done, total=total, finished=done == total,
                           samples_per_second=0.0)


def test_the_bar_rates_only_what_was_done_after_its_first_message(monkeypatch):

    made = []
    real = tqdm.tqdm

    def quiet(*args, **kwargs):
        bar = real(*args, **kwargs)
        made.append(bar)
        return bar

    monkeypatch.setattr(tqdm, "tqdm", quiet)
    p = Progress("export x", "export", stream=_Terminal())
    p.update(_message(600))  # a resumed export, or the first shards before the first message
    time.sleep(0.05)
    p.update(_message(700))
    bar = made[0]
    rate = bar.format_dict["rate"] or (bar.n - bar.initial) / bar.format_dict["elapsed"]
    assert bar.n == 700
    assert rate < 100 / 0.05 * 1.5, "the 600 before the bar are not in its rate"
    p.close()


def test_only_a_terminal_gets_a_bar():
    assert draws_bar(_Terminal())
    assert not draws_bar(io.StringIO()), "a file or a pipe"
    closed = io.StringIO()
    closed.close()  # its isatty raises
    assert not draws_bar(closed)
    assert not draws_bar(object()), "no isatty at all"


def test_a_log_file_gets_a_plain_line_every_few_seconds_not_a_bar(monkeypatch):
    # Written to a file, a bar's redraws were one line of hundreds of KB (a stats pass of
    # normalize="dataset"): there, lines now, the first at once, then one per LINE_EVERY.

    def no_bar(*args, **kwargs):
        raise AssertionError("no tqdm bar on a stream that is not a terminal")

    monkeypatch.setattr(tqdm, "tqdm", no_bar)
    now = [100.0]
    log = io.StringIO()
    p = Progress("stats office", "stats", stream=log, clock=lambda: now[0])
    for done in range(0, 1001, 10):  # a message every second
        p.update(_message(done))
        now[0] += 1.0
    p.update(_message(1000))  # the last message again: said once
    p.close()
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue()
    step = int(10 * LINE_EVERY)  # samples a message each second
    assert lines == ["stats office: %d/1000 samples (%d%%), 0 samples/s" % (d, d // 10)
                     for d in range(0, 1001, step)], lines


def test_a_stats_answer_from_the_servers_cache_says_so_not_a_rate_of_0():
    # Its one message, finished, has rate 0 (the server made no pass): the line said
    # "400000/400000 samples (100%), 0 samples/s".
    for kind, tail in (("stats", "from the server's cache"), ("export", "0 samples/s")):
        log = io.StringIO()
        p = Progress("%s builtin" % kind, kind, stream=log)
        p.update(_message(1000))
        p.close()
        assert log.getvalue() == "%s builtin: 1000/1000 samples (100%%), %s\n" % (kind, tail)


def test_a_second_stats_of_the_same_selection_is_said_to_come_from_the_cache(server, capsys):
    with fgbg.Client(server.target) as c:
        first = c.stats(outputs=["image"], stride=7)
        capsys.readouterr()
        again = c.stats(outputs=["image"], stride=7)
    assert again.image.mean == first.image.mean
    err = capsys.readouterr().err  # not a terminal: plain lines
    assert err == "stats builtin: %d/%d samples (100%%), from the server's cache\n" % (
        len(range(0, N, 7)), len(range(0, N, 7))), err
