"""Small generated stand-ins for the folders users bring: office photos with hand-made RGBA
cut-outs (many wider than tall), CIFAR-like backgrounds in class folders, MNIST-like digits in
one flat folder with a labels.csv."""
import csv
import os

import numpy as np


def _save(array, path, mode=None):
    from PIL import Image

    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.fromarray(array.astype(np.uint8), mode).save(path)


def photos(root, backgrounds=6, cutouts=6, seed=3):
    """root/photos/backgrounds/*.jpg (160x160) and root/photos/cutouts/*.png (RGBA, long side
    about 150 px; every other one wider than tall, e.g. a 150x67 chair)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:160, 0:160]
    for b in range(backgrounds):
        floor = (yy > 100) * 80
        rgb = np.stack([xx + b * 20, yy + floor, (xx + yy) // 2], axis=-1)
        _save((rgb + rng.integers(0, 20, rgb.shape)).clip(0, 255),
              os.path.join(root, "photos", "backgrounds", "office%03d.jpg" % b))
    for f in range(cutouts):
        w, h = (150, 67 + 5 * f) if f % 2 == 0 else (60 + 5 * f, 150)
        cy, cx = np.mgrid[0:h, 0:w]
        alpha = ((((cy - h / 2) / (h / 2)) ** 2 + ((cx - w / 2) / (w / 2)) ** 2) < 1) * 255
        rgb = rng.integers(0, 256, (h, w, 3))
        _save(np.dstack([rgb, alpha]), os.path.join(root, "photos", "cutouts",
                                                     "fg%03d.png" % f), "RGBA")


def cifar(root, per_class=3, classes=("airplane", "cat", "ship")):
    """root/cifar/<class>/NNNN.png, 32x32 RGB."""
    rng = np.random.default_rng(5)
    for c in classes:
        for i in range(per_class):
            _save(rng.integers(0, 256, (32, 32, 3)),
                  os.path.join(root, "cifar", c, "%04d.png" % i))


def mnist(root, count=10):
    """root/mnist/NNNNN_<label>.png (28x28 grey strokes on black) and root/mnist/labels.csv."""
    rows = []
    for i in range(count):
        label = i % 10
        digit = np.zeros((28, 28))
        digit[4:24, 12 + label % 3:15 + label % 3] = 255
        digit[4:7, 8:20] = 200 if label != 1 else 0
        name = "%05d_%d.png" % (i, label)
        _save(digit, os.path.join(root, "mnist", name), "L")
        rows.append((name, str(label)))
    with open(os.path.join(root, "mnist", "labels.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(("file", "label"))
        w.writerows(rows)
