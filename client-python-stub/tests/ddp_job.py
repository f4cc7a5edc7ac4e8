"""A real multi-process training job for test_distributed.py: `world` ranks started with
torch.multiprocessing.spawn, each with FgbgIterableDataset(...).loader(num_workers=...) and no
explicit rank; the ranks learn who they are from torch.distributed (init_process_group("gloo"))
or, in env mode, from RANK/WORLD_SIZE/LOCAL_RANK only.

run(mode, world, workers, target, out, state): mode is dist or env. Without a state file,
pass 1 is a whole epoch (indices, digest, len) and pass 2 stops after STOP batches and saves
state_dict(); with one, it is loaded and the rest of that epoch runs. Each rank writes
OUT.rank<r>.json. Also runnable: ddp_job.py MODE WORLD WORKERS TARGET OUT [STATE].
"""
import json
import os
import sys

import torch.distributed as dist
import torch.multiprocessing as mp

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
STOP = 5
SEED = 9
BATCH = 16


def rank_main(rank, mode, world, workers, target, out, state_file):
    import fgbg
    from fgbg.torch import FgbgIterableDataset
    from fgbg.torch._world import resolve

    if mode == "dist":
        dist.init_process_group("gloo", init_method="file://" + out + ".store", rank=rank,
                                world_size=world)
    else:
        os.environ.update(RANK=str(rank), WORLD_SIZE=str(world), LOCAL_RANK=str(rank),
                          LOCAL_WORLD_SIZE=str(world))
    ds = FgbgIterableDataset(target, seed=SEED, batch_size=BATCH, shuffle=True)
    loader = ds.loader(num_workers=workers, persistent_workers=workers > 0)
    result = {"rank": rank, "world": str(resolve(None, None)), "keys": set()}
    if state_file is None:
        d = fgbg.SampleDigest()
        seen, batches, length = [], 0, len(loader)
        for b in loader:  # epoch 0, whole
            batches += 1
            result["keys"] |= set(b)
            for s in range(len(b["index"])):
                seen.append(int(b["index"][s]))
                d.add_sample(seen[-1], b["image"][s].numpy().tobytes(),
                             b["mask"][s].numpy().tobytes(), b["depth"][s].numpy().tobytes())
        result.update(epoch0=seen, digest0=d.hex(), len0=length, batches0=batches)
        it = iter(loader)  # epoch 1, stopped mid-epoch
        result["seen1"] = [i for _ in range(STOP) for i in next(it)["index"].tolist()]
        result["state"] = ds.state_dict()
        it.close()
    else:
        with open(state_file) as f:
            ds.load_state_dict(json.load(f))
        result["len"] = len(loader)
        result["rest"], result["batches"] = [], 0
        for b in loader:
            result["batches"] += 1
            result["rest"].extend(b["index"].tolist())
        result["state_after"] = ds.state_dict()
    result["keys"] = sorted(result["keys"])
    with open("%s.rank%d.json" % (out, rank), "w") as f:
        json.dump(result, f)
    if mode == "dist":
        dist.barrier()
        dist.destroy_process_group()


def run(mode, world, workers, target, out, state=None):
    """Starts the ranks (the caller's RANK/WORLD_SIZE must be unset) and waits for them."""
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE"):
        assert name not in os.environ, name + " is set in the launching process"
    mp.spawn(rank_main, args=(mode, world, workers, target, str(out),
                              None if state is None else str(state)), nprocs=world, join=True)
    results = []
    for r in range(world):
        with open("%s.rank%d.json" % (out, r)) as f:
            results.append(json.load(f))
    return results


if __name__ == "__main__":
    os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")
    run(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5],
        sys.argv[6] if len(sys.argv) > 6 else None)
