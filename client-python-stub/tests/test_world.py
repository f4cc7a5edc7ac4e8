"""Which rank of how many a dataset streams as: explicit arguments against an initialised
torch.distributed group (a gloo group of one, in this process; no server)."""
import pytest
import torch.distributed as dist

from fgbg.torch import FgbgIterableDataset
from fgbg.torch import _world


@pytest.fixture
def group_of_one(tmp_path, monkeypatch):
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GLOO_SOCKET_IFNAME", "lo")  # gloo on loopback, whatever the hostname
    dist.init_process_group("gloo", init_method="file://%s" % (tmp_path / "store"), rank=0,
                            world_size=1)
    try:
        yield
    finally:
        dist.destroy_process_group()


def test_explicit_rank_and_world_size_that_disagree_with_the_group_are_refused(group_of_one):
    # World size 3 in a group of 1: two thirds of each epoch would never be seen, silently.
    with pytest.raises(ValueError, match=r"rank=0, world_size=3 were given but torch.distributed "
                       r"says rank 0 of 1 \(torch.distributed\); they must agree"):
        FgbgIterableDataset("localhost:1", rank=0, world_size=3)  # refused before it connects
    with pytest.raises(ValueError, match="rank=1, world_size=2 were given"):
        _world.own_view(1, 2)
    # Agreeing arguments are taken as given.
    assert _world.resolve(0, 1) == _world.World(0, 1, "given")
    assert _world.resolve(None, None) == _world.World(0, 1, "torch.distributed")
