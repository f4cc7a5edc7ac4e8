"""Issue 17's must-hold: a tiny UNet that takes the background and the composite and predicts
mask and depth trains from the stream (through the device loader too), from the map-style
dataset and from an export read without the server, with no background lookup of its own, on a
small folder dataset made here; in every path the background pixels equal the composite's
outside the mask."""
import json

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader

import fgbg
from conftest import Server, write_folder_assets, write_tiny_model
from fgbg.torch import FgbgDataset, FgbgIterableDataset

OUTPUTS = ["image", "mask", "depth", "background"]


class TinyUNet(nn.Module):
    """background ‖ composite (6 channels) -> mask logit and depth, one level down and up."""

    def __init__(self) -> None:
        super().__init__()
        self.down = nn.Sequential(nn.Conv2d(6, 8, 3, padding=1), nn.ReLU())
        self.mid = nn.Sequential(nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(),
                                 nn.Upsample(scale_factor=2))
        self.out = nn.Conv2d(24, 2, 1)

    def forward(self, background: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        d = self.down(torch.cat([background, image], dim=1))
        return self.out(torch.cat([d, self.mid(d)], dim=1))


def check_background(batch):
    """Outside the mask the composite is its background, to the bit (mask threshold 1)."""
    out = (batch["mask"] == 0).unsqueeze(1).expand_as(batch["image"])
    assert out.sum() > 0
    assert torch.equal(batch["background"][out], batch["image"][out])


def train(batches, steps=12):
    """A few Adam steps on the batches; returns the losses (finite, and falling)."""
    torch.manual_seed(0)
    net = TinyUNet()
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    losses = []
    for step, b in zip(range(steps), batches):
        check_background(b)
        pred = net(b["background"], b["image"])
        target = (b["mask"] > 0).float()
        loss = nn.functional.binary_cross_entropy_with_logits(pred[:, 0], target) \
            + nn.functional.l1_loss(pred[:, 1], b["depth"].float())
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss))
    assert len(losses) == steps and all(torch.isfinite(torch.tensor(losses)))
    assert sum(losses[-3:]) < sum(losses[:3]), losses
    return losses


def cycle(make):
    while True:
        yield from make()


def office_server(root):
    """A server of 'office': photos and cut-outs made in `root`, teacher depth from the tiny
    model, mask threshold 1 (the mask is every pixel a cut-out touched); exports go to
    root/exports."""
    write_folder_assets(str(root))
    write_tiny_model(str(root / "model"))
    config = {"datasets": [{"name": "office", "bg": str(root / "bg"), "fg": str(root / "fg"),
                            "size": "32", "placements": 5, "maskThreshold": 1,
                            "depthModel": str(root / "model")}]}
    (root / "datasets.json").write_text(json.dumps(config))
    return Server(["--config", str(root / "datasets.json")], export_root=root / "exports")


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    s = office_server(tmp_path_factory.mktemp("unet"))
    yield s
    s.stop()


def test_trains_from_the_stream(office):
    ds = FgbgIterableDataset(office.target, "office", seed=1, batch_size=8, outputs=OUTPUTS,
                             image="float")
    train(cycle(lambda: iter(ds.loader(num_workers=0))))
    train(cycle(lambda: iter(ds.device_loader(streams=2, device="cpu"))))


def test_trains_from_the_map_style_dataset(office):
    ds = FgbgDataset(office.target, "office", seed=1, outputs=OUTPUTS, image="float")
    loader = DataLoader(ds, batch_size=8, shuffle=True,
                        generator=torch.Generator().manual_seed(0))
    train(cycle(lambda: iter(loader)))


def test_trains_from_an_export_without_the_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("unet-export")
    s = office_server(root)
    try:
        with fgbg.Client(s.target) as c:
            done = c.export("office-npy", "npy", "office", seed=1, outputs=OUTPUTS,
                            progress=False)
    finally:
        s.stop()
    assert s.proc.poll() is not None, "the server is gone"
    ds = fgbg.exported(str(root / "exports" / "office-npy"), verify=True,
                       image="float")
    assert ds.digest() == done.digest
    loader = DataLoader(ds, batch_size=8, shuffle=True,
                        generator=torch.Generator().manual_seed(0))
    train(cycle(lambda: iter(loader)))
