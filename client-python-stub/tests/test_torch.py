"""FgbgIterableDataset through a real server: sharding, epochs, lengths, transforms, outputs,
resume, and the errors a trainer can run into."""
import json
import os
import subprocess
import sys

import pytest
import torch

import fgbg
from conftest import FOLDER_N, N, PKG, java_stream_digest
from fgbg.torch import FgbgIterableDataset
from fgbg.torch._world import World

USER_KEYS = {"image", "mask", "depth", "meta", "index"}


class FlipAndTag:
    """A batch transform (module level, so spawned workers can unpickle it): flips image, mask
    and depth left-right together and records which process ran it."""

    def __call__(self, batch):
        out = dict(batch, mask=batch["mask"].flip(-1), depth=batch["depth"].flip(-1))
        out["image"] = batch["image"].flip(-2)  # NHWC: W is dim -2
        out["pid"] = torch.full((len(batch["index"]),), os.getpid())
        return out


def test_loader_workers_are_spawned_and_cover_the_epoch(server):
    ds = FgbgIterableDataset(server.target, seed=9, batch_size=16, rank=1, world_size=2)
    loader = ds.loader(num_workers=2)
    assert isinstance(loader, torch.utils.data.DataLoader)
    assert loader.multiprocessing_context.get_start_method() == "spawn"
    batches = list(loader)
    seen = [i for b in batches for i in b["index"].tolist()]
    assert len(seen) == len(set(seen)) == N // 2
    assert len(loader) == len(batches) == 26, "two workers: 200 samples each, 13 batches each"
    assert all(set(b) == USER_KEYS for b in batches), "only user keys: bookkeeping is internal"


def test_each_pass_is_a_new_epoch_unless_set(server):
    ds = FgbgIterableDataset(server.target, seed=1, batch_size=100)
    first = [b["index"].tolist() for b in ds]
    second = [b["index"].tolist() for b in ds]
    assert sorted(sum(first, [])) == sorted(sum(second, [])) == list(range(N))
    assert first != second, "the order changes by itself between passes"
    ds.set_epoch(0)
    assert [b["index"].tolist() for b in ds] == first
    loader = ds.loader(num_workers=2, persistent_workers=True)
    ds.set_epoch(5)
    a = [i for b in loader for i in b["index"].tolist()]
    b2 = [i for b in loader for i in b["index"].tolist()]
    assert sorted(a) == sorted(b2) == list(range(N)) and a != b2
    assert ds.state_dict()["epoch"] == 7, "epochs 5 and 6 were consumed whole"
    for epoch in (-1, 2 ** 63, 2 ** 64):  # the counter is a signed 64-bit value: no wrapping
        with pytest.raises(ValueError, match=r"^epoch=%d is out of range: it must be in "
                           r"\[0, 9223372036854775807\] \(the next pass's epoch\)$" % epoch):
            ds.set_epoch(epoch)
    assert ds.state_dict()["epoch"] == 7


def test_a_pass_left_early_counts_as_its_epoch_and_its_state_finishes_it(server):
    # As README says: a break (or Ctrl-C) ends the pass; a state kept then finishes that epoch.
    ds = FgbgIterableDataset(server.target, seed=6, batch_size=32)
    whole = [b["index"].tolist() for b in ds.loader(num_workers=2)]
    ds.set_epoch(0)
    head = []
    for batch in ds.loader(num_workers=2):
        head.append(batch["index"].tolist())
        if len(head) == 3:
            break
    state = ds.state_dict()
    nxt = [b["index"].tolist() for b in ds.loader(num_workers=2)]
    assert sorted(sum(nxt, [])) == list(range(N)) and nxt != whole, "the next epoch, whole"
    ds.load_state_dict(state)
    rest = [b["index"].tolist() for b in ds.loader(num_workers=2)]
    assert head == whole[:3] and rest == whole[3:]


@pytest.mark.parametrize("world, workers, batch, drop_last", [
    (1, 1, 64, False), (2, 3, 16, False), (3, 2, 50, True), (4, 3, 7, False), (3, 4, 30, True)])
def test_len_is_the_batches_each_rank_yields(server, world, workers, batch, drop_last):
    # Each (rank, worker) stream exactly as a DataLoader worker runs it, against len().
    for rank in range(world):
        ds = FgbgIterableDataset(server.target, seed=2, batch_size=batch, rank=rank,
                                 world_size=world, drop_last=drop_last)
        expected = ds.feed.length(World(rank, world, "given"), workers)
        got = sum(1 for w in range(workers)
                  for _ in ds.feed.shard(0, World(rank, world, "given"), w, workers))
        assert got == expected, (rank, world, workers)


def test_len_of_the_dataset_and_of_a_resumed_pass(server):
    ds = FgbgIterableDataset(server.target, seed=4, batch_size=32)
    assert len(ds) == len(list(ds)) == 25
    assert repr(ds) == ("FgbgIterableDataset(target=%r, dataset='builtin', seed=4, size=800, "
                        "batch_size=32, shuffle=True, outputs=None)" % server.target)
    it = iter(ds)
    taken = [next(it)["index"].tolist() for _ in range(3)]
    state = ds.state_dict()
    it.close()
    resumed = FgbgIterableDataset(server.target, seed=4, batch_size=32)
    resumed.load_state_dict(state)
    assert len(resumed) == 22
    rest = [b["index"].tolist() for b in resumed]
    assert len(rest) == 22 and sorted(sum(taken + rest, [])) == list(range(N))
    assert len(resumed) == 25, "the next pass is a whole epoch again"


def _taken_and_state(target, streams, batches):
    """`batches` batches of a drop_last pass read from `streams` streams, and the state then."""
    ds = FgbgIterableDataset(target, seed=6, batch_size=5, drop_last=True)
    it = iter(ds.device_loader(streams=streams, copy=True))
    taken = [next(it)["index"].tolist() for _ in range(batches)]
    state = ds.state_dict()
    it.close()
    return taken, state


def test_a_drop_last_pass_resumed_in_its_own_shards_yields_exactly_its_rest(server):
    whole = FgbgIterableDataset(server.target, seed=6, batch_size=5, drop_last=True)
    epoch = sorted(i for b in whole.device_loader(streams=2, copy=True)
                   for i in b["index"].tolist())
    taken, state = _taken_and_state(server.target, 2, 3)
    assert state["skip"] and state["shards"] == 2, "one stream ran ahead of the other"
    resumed = FgbgIterableDataset(server.target, seed=6, batch_size=5, drop_last=True)
    resumed.load_state_dict(state)
    loader = resumed.device_loader(streams=2, copy=True)
    expected = len(loader)
    rest = [b["index"].tolist() for b in loader]
    assert [len(b) for b in rest] == [5] * len(rest), "whole batches only"
    assert len(rest) == expected
    assert sorted(sum(taken + rest, [])) == epoch, "the uninterrupted pass's samples, no more"


def test_a_drop_last_pass_resumed_in_other_shards_keeps_whole_batches_alike_on_every_rank(
        server):
    taken, state = _taken_and_state(server.target, 2, 3)
    seen = set(sum(taken, []))
    lengths = []
    for rank in range(2):
        ds = FgbgIterableDataset(server.target, seed=6, batch_size=5, drop_last=True, rank=rank,
                                 world_size=2)
        ds.load_state_dict(state)
        loader = ds.device_loader(streams=2, copy=True)
        expected = len(loader)
        rest = [b["index"].tolist() for b in loader]
        assert [len(b) for b in rest] == [5] * len(rest), "whole batches only"
        assert len(rest) == expected
        assert not seen & set(sum(rest, [])), "nothing seen before comes again"
        lengths.append(len(rest))
    assert lengths[0] == lengths[1], "ranks step in lockstep under DDP"


@pytest.mark.parametrize("workers, taken, drop_last", [
    (2, 3, True), (2, 4, False), (3, 4, True), (3, 5, False)])
def test_a_pass_resumed_with_its_workers_yields_the_uninterrupted_rest_in_its_order(
        server, workers, taken, drop_last):
    # A DataLoader takes its workers' batches in turn from worker 0, also after a resume.
    def dataset():
        return FgbgIterableDataset(server.target, seed=5, batch_size=16, rank=1, world_size=2,
                                   drop_last=drop_last)

    whole = [b["index"].tolist() for b in dataset().loader(num_workers=workers)]
    ds = dataset()
    it = iter(ds.loader(num_workers=workers))
    head = [next(it)["index"].tolist() for _ in range(taken)]
    state = ds.state_dict()
    del it
    resumed = dataset()
    resumed.load_state_dict(state)
    loader = resumed.loader(num_workers=workers)
    assert len(loader) == len(whole) - taken
    assert head == whole[:taken]
    assert [b["index"].tolist() for b in loader] == whole[taken:], "in the same order"


def test_a_state_saved_after_an_epochs_last_batch_resumes_an_empty_pass_then_the_next(server):
    # README's rule: the epoch stays the saved one, so that set_epoch(saved epoch) stays in step.
    ds = FgbgIterableDataset(server.target, seed=5, batch_size=100)
    it = iter(ds)
    for _ in range(len(ds)):
        next(it)
    state = ds.state_dict()
    assert state["epoch"] == 0
    for pin in (False, True):
        resumed = FgbgIterableDataset(server.target, seed=5, batch_size=100)
        resumed.load_state_dict(state)
        if pin:
            resumed.set_epoch(0)
        assert len(resumed) == 0 and list(resumed) == []
        assert resumed.state_dict()["epoch"] == 1 and len(list(resumed)) == 8


def test_drop_last_with_workers_leaves_out_only_each_ranks_short_tail(server):
    # 400 samples a rank in batches of 30: 13 whole batches with any number of workers (two
    # workers' shards of 200 samples made 6 each).
    seen = []
    for rank in range(2):
        ds = FgbgIterableDataset(server.target, seed=5, batch_size=30, rank=rank, world_size=2,
                                 drop_last=True)
        loader = ds.loader(num_workers=2)
        batches = [b["index"].tolist() for b in loader]
        assert len(batches) == len(loader) == 13 and {len(b) for b in batches} == {30}
        seen += sum(batches, [])
    assert len(set(seen)) == len(seen) == 780


def test_ranks_of_uneven_batch_counts_are_warned_of_once(server, recwarn):
    # 800 samples in 2 ranks x 3 streams of batches of 7: rank 0 yields 59 batches, rank 1 57.
    ds = FgbgIterableDataset(server.target, batch_size=7, rank=0, world_size=2)
    for _ in range(2):
        it = iter(ds.device_loader(streams=3, copy=True))
        next(it)
        it.close()
    said = [str(w.message) for w in recwarn.list if "drop_last" in str(w.message)]
    assert len(said) == 1 and "the 2 ranks yield 57 to 59 batches" in said[0], said
    even = FgbgIterableDataset(server.target, batch_size=7, rank=0, world_size=2,
                               drop_last=True)
    it = iter(even.device_loader(streams=3, copy=True))
    next(it)
    it.close()
    assert len([w for w in recwarn.list if "drop_last" in str(w.message)]) == 1


def test_transform_runs_on_each_batch_in_the_worker(server):
    plain = FgbgIterableDataset(server.target, seed=5, batch_size=40)
    ref = {int(i): (b["image"][s], b["mask"][s], b["depth"][s])
           for b in plain for s, i in enumerate(b["index"])}
    ds = FgbgIterableDataset(server.target, seed=5, batch_size=40, transform=FlipAndTag())
    batches = list(ds.loader(num_workers=2))
    assert len(batches) == 20 and sum(len(b["index"]) for b in batches) == N
    for b in batches:
        assert (b["pid"] != os.getpid()).all(), "applied in a DataLoader worker"
        for s, i in enumerate(b["index"].tolist()):
            image, mask, depth = ref[i]
            assert torch.equal(b["image"][s], image.flip(-2))
            assert torch.equal(b["mask"][s], mask.flip(-1))
            assert torch.equal(b["depth"][s], depth.flip(-1))
    with pytest.raises(TypeError, match="cannot be pickled"):
        FgbgIterableDataset(server.target, transform=lambda b: b).loader(num_workers=1)
    with pytest.raises(TypeError, match="callable"):
        FgbgIterableDataset(server.target, transform="flip")


def test_float_images_and_meta(server):
    ds = FgbgIterableDataset(server.target, batch_size=8, image="float",
                             normalize=([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]))
    b = next(iter(ds))
    assert b["image"].shape == (8, 3, 32, 32) and b["image"].dtype == torch.float32
    assert b["image"].min() >= -2.0 - 1e-6 and b["image"].max() <= 2.0 + 1e-6
    assert b["meta"]["bbox"].shape == (8, 4)
    assert b["depth"].dtype == torch.float16
    with pytest.raises(ValueError, match="3 values"):
        FgbgIterableDataset(server.target, image="float", normalize=([0.5], [0.2]))


def test_normalize_with_the_datasets_own_stats(server):
    ds = FgbgIterableDataset(server.target, batch_size=N, image="float", normalize="dataset",
                             shuffle=False)
    b = next(iter(ds))
    # Normalised with exact whole-dataset stats: per-channel mean 0 and std 1 over the epoch.
    img = b["image"].double()
    assert abs(float(img.mean(dim=(0, 2, 3)).abs().max())) < 1e-4
    assert abs(float(img.std(dim=(0, 2, 3), unbiased=False).max()) - 1) < 1e-3


def test_dataset_stats_draw_their_progress_on_rank_0_only(server, capfd):
    # Rank 1 first, so that it is the one whose stats the server computes (and reports on).
    FgbgIterableDataset(server.target, seed=11, normalize="dataset", image="float", rank=1,
                        world_size=2)
    out, err = capfd.readouterr()
    assert "stats" not in out + err, "no bar in rank 1"
    FgbgIterableDataset(server.target, seed=11, normalize="dataset", image="float", rank=0,
                        world_size=2)
    out, err = capfd.readouterr()
    assert "stats" in out + err, "rank 0 draws it"


def test_outputs_default_to_what_the_dataset_has(folder_server):
    ds = FgbgIterableDataset(folder_server.target, dataset="plain", batch_size=16)
    batches = list(ds)
    assert sum(len(b["index"]) for b in batches) == FOLDER_N
    assert set(batches[0]) == {"image", "mask", "meta", "index"}, "no depth: none streamed"
    with pytest.raises(fgbg.FgbgError) as e:
        FgbgIterableDataset(folder_server.target, dataset="plain", outputs=["image", "depth"])
    assert e.value.code == "FAILED_PRECONDITION"
    assert "dataset 'plain' has no depth (depth source: none)" in e.value.details
    modeled = next(iter(FgbgIterableDataset(folder_server.target, dataset="modeled",
                                            batch_size=8)))
    assert set(modeled) == USER_KEYS and modeled["depth"].dtype == torch.float16
    only = next(iter(FgbgIterableDataset(folder_server.target, dataset="modeled",
                                         batch_size=8, outputs=["mask"])))
    assert set(only) == {"mask", "index"}


def test_rank_and_world_size_are_given_together_or_not_at_all(server, monkeypatch):
    with pytest.raises(ValueError, match="give both rank= and world_size="):
        FgbgIterableDataset(server.target, rank=1)
    monkeypatch.setenv("WORLD_SIZE", "2")
    with pytest.raises(ValueError, match="RANK is not"):
        len(FgbgIterableDataset(server.target))
    monkeypatch.setenv("RANK", "2")
    with pytest.raises(ValueError, match=r"rank 2 must be in \[0, world_size 2\)"):
        len(FgbgIterableDataset(server.target))


class SetRank:
    def __init__(self, rank):
        self.rank = rank

    def __call__(self, worker_id):
        os.environ["RANK"] = str(self.rank)


def test_a_worker_that_sees_another_rank_raises(server, monkeypatch):
    monkeypatch.setenv("RANK", "0")
    monkeypatch.setenv("WORLD_SIZE", "2")
    ds = FgbgIterableDataset(server.target, batch_size=16)
    assert len(ds) == 25, "rank 0 of 2: 400 samples"
    with pytest.raises(RuntimeError) as e:
        list(ds.loader(num_workers=1, worker_init_fn=SetRank(1)))
    assert "worker 0 sees rank 1 of 2 (RANK/WORLD_SIZE environment)" in str(e.value)
    assert "built as rank 0 of 2" in str(e.value)


def test_a_plain_dataloader_must_match_the_length_it_was_told(server):
    ds = FgbgIterableDataset(server.target, batch_size=16)
    assert len(torch.utils.data.DataLoader(ds, batch_size=None)) == 50
    with pytest.raises(ValueError, match=r"len\(\) was asked of the dataset itself \(a plain "
                       r"DataLoader's len\(\), e.g. by tqdm\).* this DataLoader has 2 workers.* "
                       r"use dataset.loader\(num_workers=2\)"):
        list(torch.utils.data.DataLoader(ds, batch_size=None, num_workers=2,
                                         multiprocessing_context="fork"))
    ds.loader(num_workers=2)
    in_process = torch.utils.data.DataLoader(ds, batch_size=None)
    assert len(in_process) == 50  # counted for the loader's 2 workers
    with pytest.raises(ValueError, match=r"use dataset.loader\(num_workers=0\)"):
        list(in_process)  # one stream in this process, not the 2 len() counted


def test_bad_states_are_refused_by_name(server):
    ds = FgbgIterableDataset(server.target, seed=3, batch_size=16)
    good = ds.state_dict()
    assert good == {"seed": 3, "epoch": 0, "position": 0, "skip": [], "shuffle": True,
                    "fingerprint": ds.info.fingerprint, "settings": good["settings"]}
    assert good["settings"]["placements"] == ds.info.spec.placements
    assert good["settings"]["position"] == ds.info.spec.position == "random"
    with pytest.raises(ValueError, match="missing"):
        ds.load_state_dict({"epoch": 1})
    with pytest.raises(ValueError, match="seed 4"):
        ds.load_state_dict(dict(good, seed=4))
    with pytest.raises(ValueError, match="shuffle False"):
        ds.load_state_dict(dict(good, shuffle=False))
    with pytest.raises(ValueError, match="saved on a dataset served with other assets or "
                       "options"):
        ds.load_state_dict(dict(good, fingerprint="0" * 64))
    # Saved on this dataset served with other --placements and --size: those are named.
    spec = ds.info.spec
    other = dict(good["settings"], placements=spec.placements + 1, height=spec.height + 1)
    with pytest.raises(ValueError, match="served with other assets or options: height %d then, "
                       "%d now; placements %d then, %d now; load it"
                       % (spec.height + 1, spec.height, spec.placements + 1, spec.placements)):
        ds.load_state_dict(dict(good, fingerprint="0" * 64, settings=other))
    with pytest.raises(ValueError, match="its asset files or depth model"):
        ds.load_state_dict(dict(good, fingerprint="0" * 64, settings=good["settings"]))
    with pytest.raises(ValueError, match="outside"):
        ds.load_state_dict(dict(good, position=N + 1))


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_a_state_after_a_plain_dataloader_with_workers_is_refused_not_wrong(server, start):
    # Its workers hand batches straight to the consumer: a state from what the dataset saw
    # would say epoch 0, position 0 after whole epochs, and a resume would replay them.
    ds = FgbgIterableDataset(server.target, seed=3, batch_size=100, drop_last=True)
    start_state = ds.state_dict()
    plain = torch.utils.data.DataLoader(ds, batch_size=None, num_workers=2,
                                        multiprocessing_context=start)
    assert len(list(plain)) == 8
    with pytest.raises(ValueError, match=r"read by DataLoader workers it cannot see .* use "
                       r"dataset.loader\(num_workers=k\) \(or num_workers=0\)"):
        ds.state_dict()
    # A loaded state is known again, and ds.loader() records what it hands out.
    ds.load_state_dict(start_state)
    it = iter(ds.loader(num_workers=2, multiprocessing_context=start))
    for _ in range(3):
        next(it)
    del it
    state = ds.state_dict()
    assert (state["epoch"], state["position"] + len(state["skip"])) == (0, 300)


def test_a_state_loaded_after_persistent_workers_started_is_refused(server):
    ds = FgbgIterableDataset(server.target, seed=3, batch_size=100)
    loader = ds.loader(num_workers=1, persistent_workers=True)
    state = None
    for i, _ in enumerate(loader):
        if i == 2:
            state = ds.state_dict()
    ds.load_state_dict(state)
    with pytest.raises(RuntimeError, match="after this loader's persistent workers started"):
        list(loader)
    # A plain persistent DataLoader has no such check in the consumer: its worker refuses.
    # (Spawned: a worker forked from this process, which has used gRPC, failed once in a full
    # run with "Socket operation on non-socket", gRPC's fork hazard that README warns of.)
    plain = torch.utils.data.DataLoader(ds, batch_size=None, num_workers=1,
                                        persistent_workers=True, multiprocessing_context="spawn")
    assert len(list(plain)) == 5, "its first pass resumes the state: 5 of 8 batches left"
    ds.load_state_dict(state)
    with pytest.raises(RuntimeError, match="after this DataLoader worker started"):
        list(plain)


def test_a_server_that_is_not_there_is_named(tmp_path):
    with pytest.raises(fgbg.FgbgError) as e:
        FgbgIterableDataset("localhost:1", timeout=5)
    assert "no fgbg server answers at localhost:1" in str(e.value)


RESUME = r"""
import json, sys, torch
sys.path.insert(0, %(pkg)r)
from fgbg.torch import FgbgIterableDataset
phase, target, arg = sys.argv[1], sys.argv[2], sys.argv[3]
seen = []
if phase == "first":
    states = []
    for rank in range(2):
        ds = FgbgIterableDataset(target, seed=4, batch_size=8, rank=rank, world_size=2)
        ds.set_epoch(2)
        it = iter(ds.loader(num_workers=2, multiprocessing_context="fork"))
        for _ in range(5):
            seen.extend(next(it)["index"].tolist())
        states.append(ds.state_dict())
        del it
    json.dump({"state": states[0], "seen": seen}, open(arg, "w"))
else:
    state = json.load(open(arg))["state"]
    for rank in range(3):
        ds = FgbgIterableDataset(target, seed=4, batch_size=8, rank=rank, world_size=3)
        ds.load_state_dict(state)
        for b in ds.loader(num_workers=1, multiprocessing_context="fork"):
            seen.extend(b["index"].tolist())
        assert ds.state_dict()["epoch"] == 3
    print(json.dumps(seen))
"""


def test_resume_in_a_fresh_process_with_another_world_size_and_forked_workers(server, tmp_path):
    script = tmp_path / "resume.py"
    script.write_text(RESUME % {"pkg": PKG})
    saved = tmp_path / "state.json"
    subprocess.run([sys.executable, str(script), "first", server.target, str(saved)], check=True)
    first = json.loads(saved.read_text())
    assert len(first["seen"]) == 2 * 5 * 8
    assert first["state"]["epoch"] == 2
    out = subprocess.run([sys.executable, str(script), "second", server.target, str(saved)],
                         check=True, capture_output=True, text=True).stdout
    rest = json.loads(out)
    union = first["seen"] + rest
    assert len(union) == len(set(union)), "no sample twice"
    assert sorted(union) == list(range(N)), "no sample lost"


EXACTLY_ONCE = r"""
import json, sys, torch
sys.path.insert(0, %(pkg)r)
import fgbg
from fgbg.torch import FgbgIterableDataset
seen, total = [], fgbg.SampleDigest()
for rank in range(2):
    ds = FgbgIterableDataset(sys.argv[1], seed=9, batch_size=16, rank=rank, world_size=2)
    # A plain DataLoader with forked workers, as in many training scripts.
    for b in torch.utils.data.DataLoader(ds, batch_size=None, num_workers=2):
        assert set(b) == {"image", "mask", "depth", "meta", "index"}, sorted(b)
        for s in range(len(b["index"])):
            seen.append(int(b["index"][s]))
            total.add_sample(int(b["index"][s]), b["image"][s].numpy().tobytes(),
                             b["mask"][s].numpy().tobytes(), b["depth"][s].numpy().tobytes())
print(json.dumps({"seen": seen, "digest": total.hex()}))
"""


def test_a_plain_dataloader_with_forked_workers_covers_the_epoch_once(server, tmp_path):
    script = tmp_path / "once.py"
    script.write_text(EXACTLY_ONCE % {"pkg": PKG})
    out = json.loads(subprocess.run([sys.executable, str(script), server.target], check=True,
                                    capture_output=True, text=True, timeout=120).stdout)
    assert sorted(out["seen"]) == list(range(N)), "every sample once across 2 ranks x 2 workers"
    assert out["digest"] == java_stream_digest(server.target, "--seed", "9", "--shuffle")


def test_a_limit_streams_each_epochs_first_positions_shared_by_ranks_and_resumed_exactly(server):
    # limit= raised TypeError: a small subset was only to be had from Client.stream_epoch.
    with fgbg.Client(server.target) as c:
        first = sorted(i for b in c.stream_epoch("builtin", seed=5, epoch=0, shuffle=True,
                                                 batch_size=16, limit=100)
                       for i in b.indices.tolist())
    assert len(first) == 100
    ds = FgbgIterableDataset(server.target, seed=5, batch_size=16, limit=100)
    assert len(ds) == 7
    epoch0 = sorted(i for b in ds for i in b["index"].tolist())
    assert epoch0 == first, "the epoch's first 100 positions, as stream_epoch's"
    epoch1 = sorted(i for b in ds for i in b["index"].tolist())
    assert len(epoch1) == 100 and epoch1 != epoch0, "another subset each epoch"
    ranks = [sorted(i for b in FgbgIterableDataset(server.target, seed=5, batch_size=16,
                                                   limit=100, rank=r, world_size=2)
                    .loader(num_workers=2) for i in b["index"].tolist()) for r in (0, 1)]
    assert sorted(ranks[0] + ranks[1]) == first, "each sample of the subset once"
    whole = FgbgIterableDataset(server.target, seed=5, batch_size=16, limit=100)
    it = iter(whole)
    taken = [next(it)["index"].tolist() for _ in range(3)]
    state = whole.state_dict()
    it.close()
    assert state["limit"] == 100
    resumed = FgbgIterableDataset(server.target, seed=5, batch_size=16, limit=100)
    resumed.load_state_dict(state)
    rest = [b["index"].tolist() for b in resumed]
    assert sorted(sum(taken + rest, [])) == first, "the rest of the subset, no more"
    with pytest.raises(ValueError,
                       match=r"limit 100, this dataset has no limit \(every sample\)"):
        FgbgIterableDataset(server.target, seed=5, batch_size=16).load_state_dict(state)
    with pytest.raises(ValueError, match="limit must be 0"):
        FgbgIterableDataset(server.target, limit=-1)
