"""fgbg across processes: DataLoader workers under every start method (forkserver too, Python
3.14's default on Linux), a Client after os.fork() (refused at once in the child, the parent's
connection untouched), a closed Client, and copies and pickles of Clients and datasets (new,
independent connections giving the same samples)."""
import copy
import pickle
import subprocess
import sys

import pytest
import torch
from torch.utils.data import DataLoader

import fgbg
from conftest import N, PKG, digest_of
from fgbg.torch import FgbgDataset, FgbgIterableDataset


def batch_digest(batch):
    d = fgbg.SampleDigest()
    d.add_batch(batch)
    return d.hex()


def indices_of(batches):
    return sorted(i for b in batches for i in b["index"].tolist())


@pytest.mark.parametrize("context", ["spawn", "forkserver"])
def test_loader_workers_stream_every_index_once_under_each_start_method(server, context):
    ds = FgbgIterableDataset(server.target, batch_size=32, seed=2)
    reference = digest_of(ds).hex()  # the same epoch-0 samples, read in this process
    ds = FgbgIterableDataset(server.target, batch_size=32, seed=2)
    batches = list(ds.loader(num_workers=2, multiprocessing_context=context))
    assert indices_of(batches) == list(range(N))
    assert digest_of(batches).hex() == reference
    plain = FgbgIterableDataset(server.target, batch_size=32, seed=2)
    batches = list(DataLoader(plain, batch_size=None, num_workers=2,
                              multiprocessing_context=context))
    assert indices_of(batches) == list(range(N))
    assert digest_of(batches).hex() == reference


FORKED = r"""
import os, sys, time
import fgbg
from fgbg.torch import FgbgDataset
c = fgbg.Client(sys.argv[1])
ds = FgbgDataset(sys.argv[1])
print("parent", c.describe().size, int(ds[3]["index"]), flush=True)
held = iter(c.stream_epoch(batch_size=4, limit=40)) if sys.argv[2] == "held" else None
if held is not None:
    next(held)
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    said = []
    t0 = time.monotonic()
    for name, call in (("describe", c.describe), ("get_samples", lambda: c.get_samples([1])),
                       ("stream", lambda: next(iter(c.stream_epoch()))),
                       ("stats", c.stats)):
        try:
            call()
            said.append("%s: served" % name)
        except fgbg.FgbgError as e:
            said.append("%s: %s" % (name, e))
    c.close()  # the parent's channel: not this process's to close
    if held is None:  # a dataset the parent used makes its own channel here
        said.append("dataset: %d" % int(ds[5]["index"]))
    said.append("took %.1fs" % (time.monotonic() - t0))
    os.write(w, "\n".join(said).encode())
    os._exit(0)
os.close(w)
with os.fdopen(r) as f:
    print(f.read())
os.waitpid(pid, 0)
print("parent again", c.describe().size, len(c.get_samples([1, 2])), int(ds[4]["index"]))
if held is not None:
    print("parent's stream goes on", sum(len(b) for b in held))
c.close()
try:
    c.describe()
except fgbg.FgbgError as e:
    print("closed:", e)
"""


@pytest.mark.parametrize("parent", ["idle", "held"])
def test_a_client_used_after_fork_is_refused_at_once_and_the_parent_goes_on(server, parent):
    out = subprocess.run([sys.executable, "-c", FORKED, server.target, parent],
                         env={"PYTHONPATH": PKG}, capture_output=True, text=True, timeout=120)
    said = out.stdout + out.stderr
    assert out.returncode == 0, said
    for call in ("describe", "get_samples", "stream", "stats"):
        assert ("%s: FAILED_PRECONDITION: this Client was made in process " % call) in said, said
    assert "make a new fgbg.Client in the child" in said and "'spawn'" in said, said
    took = float(said.split("took ")[1].split("s")[0])
    assert took < 2, "refused at once, not after a timeout"
    # With the parent's stream open at the fork, no Client works in the child: the words say so.
    held_words = "the parent was reading 1 fgbg stream(s) at the fork, so no Client works"
    assert (held_words in said) == (parent == "held"), said
    if parent == "idle":
        assert "dataset: 5" in said, said
    assert "parent again 800 2 4" in said, said
    if parent == "held":
        assert "parent's stream goes on 36" in said, said
    assert "closed: FAILED_PRECONDITION: this Client is closed" in said, said


def test_copies_and_pickles_of_a_client_are_new_connections(server):
    indices = [0, 7, 99, 799]
    with fgbg.Client(server.target, timeout=12.0, ring_slots=3) as c:
        want = batch_digest(c.get_samples(indices))
        for other in (copy.copy(c), copy.deepcopy(c), pickle.loads(pickle.dumps(c))):
            assert other is not c and other._channel is not c._channel
            assert (other.target, other.timeout, other.ring_slots) == (server.target, 12.0, 3)
            assert batch_digest(other.get_samples(indices)) == want
            other.close()
            assert c.describe().size == N, "closing a copy leaves the original working"


def test_pickled_datasets_give_the_same_samples(server):
    ms = FgbgDataset(server.target, seed=3)
    want = [ms[i]["image"] for i in (0, 5, 799)]
    ms2 = pickle.loads(pickle.dumps(ms))
    assert all(torch.equal(ms2[i]["image"], w) for i, w in zip((0, 5, 799), want))

    it = FgbgIterableDataset(server.target, batch_size=64, seed=3)
    first = digest_of(it).hex()  # epoch 0; the next pass is epoch 1
    for other in (pickle.loads(pickle.dumps(it)), copy.deepcopy(it), copy.copy(it)):
        assert other.state_dict()["epoch"] == 1, "the epoch counter's value travels"
        assert digest_of(other).hex() == first
        assert other.state_dict()["epoch"] == 2
    assert it.state_dict()["epoch"] == 1, "a copy's counter is its own"
    assert copy.copy(it)._travelled is None, "a copy decides its world as the original does"
