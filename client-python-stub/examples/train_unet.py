"""Trains a small mask + depth U-Net from an fgbg server, on CPU, in a few hundred steps.

    ./fgbg serve &                                      # in another terminal
    /usr/bin/python3 client-python-stub/examples/train_unet.py --steps 300
    # your photos, with depth from a model (see the README):
    # (~/models/fastdepth_nyu_224.onnx: wherever you saved the downloaded weights)
    ./fgbg serve --bg photos/backgrounds --fg photos/cutouts --name office \\
        --depth-model models/fastdepth_nyu_224 \\
        --depth-weights ~/models/fastdepth_nyu_224.onnx &
    /usr/bin/python3 client-python-stub/examples/train_unet.py --dataset office

Prints the loss every 25 steps; it goes down as the network learns to segment the pasted
object and to predict depth (log-depth for metric depth). A dataset without depth trains the
mask head only. --target defaults to $FGBG_TARGET, else localhost:50051.
"""
import argparse
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import fgbg  # noqa: E402
from fgbg.torch import FgbgIterableDataset  # noqa: E402


def block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(True),
                         nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(True))


class TinyUNet(nn.Module):
    """Two heads on one U-Net: mask logits and depth (log-depth for metric depth)."""

    def __init__(self, w=16):
        super().__init__()
        self.d1, self.d2, self.d3 = block(3, w), block(w, 2 * w), block(2 * w, 4 * w)
        self.u2, self.u1 = block(6 * w, 2 * w), block(3 * w, w)
        self.head = nn.Conv2d(w, 2, 1)

    def forward(self, x):
        a = self.d1(x)
        b = self.d2(F.max_pool2d(a, 2))
        c = self.d3(F.max_pool2d(b, 2))
        b = self.u2(torch.cat([F.interpolate(c, scale_factor=2.0), b], 1))
        a = self.u1(torch.cat([F.interpolate(b, scale_factor=2.0), a], 1))
        out = self.head(a)
        return out[:, 0], out[:, 1]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--target", default=None, help="host:port (default: $FGBG_TARGET or "
                   "localhost:50051)")
    p.add_argument("--dataset", default="builtin", help="a dataset the server holds")
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--size", type=int, default=64, help="train at this resolution (resampled)")
    p.add_argument("--workers", type=int, default=0)
    args = p.parse_args()
    torch.manual_seed(0)
    with fgbg.Client(args.target) as c:
        info = c.describe(args.dataset)
    metric = info.has_depth and info.depth_units == "metres"
    print("dataset %s: %d samples, depth: %s" % (info.name, info.size, info.depth_source
                                                 if info.has_depth else "none (mask only)"))
    ds = FgbgIterableDataset(args.target, dataset=args.dataset, batch_size=args.batch_size,
                             shuffle=True, image="float",
                             normalize=([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]))
    net = TinyUNet()
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    step, t0, running = 0, time.time(), None
    while step < args.steps:
        for batch in ds.loader(num_workers=args.workers):
            x = F.interpolate(batch["image"], size=args.size, mode="bilinear", align_corners=False)
            mask = F.interpolate(batch["mask"].unsqueeze(1).float() / 255, size=args.size)[:, 0]
            logits, depth_out = net(x)
            loss = F.binary_cross_entropy_with_logits(logits, mask)
            if info.has_depth:
                depth = F.interpolate(batch["depth"].unsqueeze(1).float(), size=args.size)[:, 0]
                target = depth.clamp(min=0.1).log() if metric else depth
                loss = loss + F.l1_loss(depth_out, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running = loss.item() if running is None else 0.9 * running + 0.1 * loss.item()
            step += 1
            if step % 25 == 0 or step == 1:
                print("step %4d  loss %.4f  (%.1f samples/s)" % (
                    step, running, step * args.batch_size / (time.time() - t0)), flush=True)
            if step >= args.steps:
                break
    print("done: %d steps, final loss %.4f" % (step, running))


if __name__ == "__main__":
    main()
