"""README's dataset examples, run exactly as written through the launcher (plus --port 0, so
parallel runs never collide) from a folder of generated images, then checked through the
server they start."""
import contextlib
import json
import os
import re
import shlex
import subprocess

import pytest

import fgbg
import photos
from conftest import LAUNCHER, ROOT, Server


def readme_examples():
    """The serve lines of README's "Datasets from your own images" and its datasets.json."""
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    section = text[text.index("## Datasets from your own images"):]
    bash = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    config = re.search(r"```json\n(.*?)```", section, re.S).group(1)
    lines = [line.split("#")[0].strip() for line in bash.splitlines()]
    return [line for line in lines if line.startswith("./fgbg serve")], json.loads(config)


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("user")
    photos.photos(str(root))
    photos.cifar(str(root))
    photos.mnist(str(root))
    lines, config = readme_examples()
    (root / "datasets.json").write_text(json.dumps(config))
    return root, lines


@contextlib.contextmanager
def serving(line, cwd):
    """The server README's `line` starts, run from `cwd`; stopped afterwards."""
    args = shlex.split(line)
    assert args[0] == "./fgbg"
    s = Server(args[1:], command=[LAUNCHER], cwd=str(cwd))
    try:
        yield s
    finally:
        s.stop()


def test_the_readme_has_the_three_examples(folders):
    _, lines = folders
    assert len(lines) == 3 and "--no-flip" in lines[1], lines


def test_photos_with_wide_cutouts_serve_with_default_flags(folders):
    root, lines = folders
    with serving(lines[0], root) as s, fgbg.Client(s.target) as c:
        info = c.describe("office")
        assert (info.backgrounds, info.foregrounds, info.flips) == (6, 6, 2)
        assert info.spec.position == "ground", "photos have no floor: feet in the ground band"
        b = c.get_samples(range(0, info.size, 37), "office", outputs=["mask", "meta"])
        assert b.meta and all(0 <= m.x and m.x + m.fg_width <= 224 for m in b.meta)
        assert all(m.y + m.fg_height - 1 >= round(0.7 * 223) for m in b.meta), "none floats"
        log = "".join(s.log)
        assert "3 of 6 foregrounds are too wide for fg_scale_max 0.6" in log, log
        assert "6 of 6 backgrounds are smaller than the 224x224 output and are upscaled " \
               "(from 160x160)" in log, log
        out = subprocess.run([LAUNCHER, "gallery", "--dataset", "office", "--count", "2",
                              "--target", s.target, "--out", "office.png"], cwd=str(root),
                             capture_output=True, text=True, check=True)
        assert out.stdout.startswith("office.png") and (root / "office.png").exists()


def test_mnist_over_cifar_gets_csv_labels_and_no_flips(folders):
    root, lines = folders
    with serving(lines[1], root) as s, fgbg.Client(s.target) as c:
        info = c.describe("overlay")
        assert info.flips == 1 and info.foregrounds == 10
        assert info.foreground_labels == tuple(str(d) for d in range(10))
        assert info.background_labels == ("airplane", "cat", "ship")
        for m in c.get_samples(range(0, info.size, 97), "overlay", outputs=["meta"]).meta:
            name = info.foreground_names[m.fg]  # NNNNN_<label>.png, labelled in labels.csv
            assert info.foreground_labels[m.fg_label] == name.split("_")[1][0], name


def test_the_config_file_example(folders):
    root, lines = folders
    with serving(lines[2], root) as s, fgbg.Client(s.target) as c:
        assert {d.name for d in c.list_datasets()} == {"builtin", "office64", "overlay"}
        office = c.describe("office64")
        assert office.image_shape == (64, 64, 3) and office.spec.position == "ground"
        assert (office.spec.ground_min, office.spec.ground_max) == (0.7, 1.0)
        assert c.describe("overlay").flips == 1
