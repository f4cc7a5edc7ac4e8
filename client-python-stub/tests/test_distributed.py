"""Real torch.distributed jobs (gloo, torch.multiprocessing.spawn), real spawned DataLoader
workers, no explicit rank anywhere: each epoch is seen exactly once, and a state saved
mid-epoch resumes with another world size without losing or repeating a sample."""
import json

import pytest

import fgbg
from conftest import N, java_stream_digest
from ddp_job import run as run_job

USER_KEYS = ["depth", "image", "index", "mask", "meta"]


@pytest.mark.parametrize("mode, source", [("dist", "torch.distributed"),
                                          ("env", "RANK/WORLD_SIZE environment")])
def test_two_ranks_by_two_spawned_workers_see_each_epoch_once_and_resume(
        server, tmp_path, monkeypatch, mode, source):
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GLOO_SOCKET_IFNAME", "lo")  # gloo on loopback, whatever the hostname
    ranks = run_job(mode, 2, 2, server.target, tmp_path / "first")
    assert [r["world"] for r in ranks] == ["rank %d of 2 (%s)" % (r, source) for r in (0, 1)]
    epoch0 = ranks[0]["epoch0"] + ranks[1]["epoch0"]
    assert sorted(epoch0) == list(range(N)), "every sample exactly once across 2 ranks x 2 workers"
    assert len(ranks[0]["epoch0"]) == len(ranks[1]["epoch0"]) == N // 2
    total = fgbg.SampleDigest.add_hex(ranks[0]["digest0"], ranks[1]["digest0"])
    assert total == java_stream_digest(server.target, "--seed", "9", "--epoch", "0", "--shuffle")
    for r in ranks:
        assert r["keys"] == USER_KEYS, "batches carry only user keys"
        assert r["len0"] == r["batches0"], "len(loader) is the batches this rank yields"
    # Mid-epoch: both ranks stepped 5 batches of epoch 1; their states agree (lockstep).
    state = ranks[0]["state"]
    assert state == ranks[1]["state"] and state["epoch"] == 1
    seen = ranks[0]["seen1"] + ranks[1]["seen1"]
    assert len(seen) == len(set(seen)) == 2 * 5 * 16
    (tmp_path / "state.json").write_text(json.dumps(state))
    # World size 3 (dist: with a spawned worker each; env: in the rank processes themselves).
    workers = 1 if mode == "dist" else 0
    resumed = {3: run_job(mode, 3, workers, server.target, tmp_path / "w3",
                          tmp_path / "state.json"),
               1: [resume_here(mode, server.target, state, tmp_path, monkeypatch)]}
    for world, rest in resumed.items():
        union = seen + [i for r in rest for i in r["rest"]]
        assert len(union) == len(set(union)), "no sample twice (world size %d)" % world
        assert sorted(union) == list(range(N)), "no sample lost (world size %d)" % world
        for r in rest:
            assert r["len"] == r["batches"], "len() of the resumed pass"
            assert r["state_after"]["epoch"] == 2 and r["state_after"]["position"] == 0


def resume_here(mode, target, state, tmp_path, monkeypatch):
    """World size 1, in this process (no DataLoader workers): a group of one, or RANK=0 of 1."""
    import torch.distributed as dist
    from fgbg.torch import FgbgIterableDataset

    if mode == "dist":
        dist.init_process_group("gloo", init_method="file://%s" % (tmp_path / "w1.store"),
                                rank=0, world_size=1)
    else:
        monkeypatch.setenv("RANK", "0")
        monkeypatch.setenv("WORLD_SIZE", "1")
    try:
        ds = FgbgIterableDataset(target, seed=9, batch_size=16, shuffle=True)
        ds.load_state_dict(state)
        loader = ds.loader()
        r = {"len": len(loader), "batches": 0, "rest": []}
        for b in loader:
            r["batches"] += 1
            r["rest"].extend(b["index"].tolist())
        r["state_after"] = ds.state_dict()
        return r
    finally:
        if mode == "dist":
            dist.destroy_process_group()
