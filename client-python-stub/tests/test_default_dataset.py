"""A torch dataset made without `dataset` (or a Client method called without it) reads builtin
and, when the server serves the user's own folder datasets too, says so in one WARNING per
process (a tester's own photos were never read, without a word); none when a dataset is named."""
import logging

import fgbg
from fgbg import _default_dataset
from fgbg.torch import FgbgDataset, FgbgIterableDataset


def test_the_default_dataset_is_named_once_with_what_else_is_served(folder_server, caplog,
                                                                      monkeypatch):
    monkeypatch.setattr(_default_dataset, "_SAID", False)  # as in a fresh process
    caplog.set_level(logging.WARNING, logger="fgbg")
    FgbgDataset(folder_server.target, "plain")
    assert not caplog.records, "a named dataset needs no word"
    ds = FgbgDataset(folder_server.target)
    it = FgbgIterableDataset(folder_server.target, batch_size=4)
    assert (ds.dataset, ds.info.name, it.dataset, it.info.name) == ("builtin",) * 4
    said = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    others = sorted(["plain", "modeled"])
    assert len(said) == 1, said
    assert said[0].startswith("dataset builtin (the server also serves "), said
    assert sorted(said[0].split("serves ")[1].split(";")[0].split(", ")) == others, said
    assert said[0].endswith("; choose with dataset=NAME)"), said


def test_client_methods_without_a_dataset_say_the_default_once(folder_server, server, caplog,
                                                                monkeypatch):
    monkeypatch.setattr(_default_dataset, "_SAID", False)  # as in a fresh process
    caplog.set_level(logging.WARNING, logger="fgbg")
    with fgbg.Client(server.target) as c:  # builtin alone: nothing else to choose
        assert c.describe().name == "builtin"
    assert not caplog.records, [r.getMessage() for r in caplog.records]
    with fgbg.Client(folder_server.target) as c:
        assert len(c.get_samples([0], dataset="plain")) == 1
        assert not caplog.records, "a named dataset needs no word"
        b = c.get_samples([0, 1])
        assert len(b) == 2 and c.describe().name == "builtin"
        assert sum(len(x) for x in c.stream_epoch(batch_size=2, limit=2)) == 2
        c.stats(progress=False)
    said = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(said) == 1, said
    assert said[0].startswith("dataset builtin (the server also serves "), said
    assert said[0].endswith("; choose with dataset=NAME)"), said
