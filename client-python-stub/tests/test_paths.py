"""Paths as the user typed them: the launcher run from another folder, every path argument
relative to that folder (--bg, --fg, --fg-masks, --config, --cache-dir, --export-root,
--depth-model, --depth-weights, --out; a config file's folders are relative to its own folder,
here the same)."""
import json
import os
import subprocess

import numpy as np

import fgbg
from conftest import LAUNCHER, Server, write_folder_assets, write_tiny_model


def run(cwd, *args, target=None):
    env = dict(os.environ, FGBG_TARGET=target) if target else None
    return subprocess.run([LAUNCHER] + list(args), cwd=str(cwd), capture_output=True, text=True,
                          env=env)


def test_every_path_is_relative_to_where_the_launcher_was_run(tmp_path):
    from PIL import Image

    write_folder_assets(str(tmp_path))
    write_tiny_model(str(tmp_path / "model"))
    os.rename(tmp_path / "model" / "model.onnx", tmp_path / "weights.onnx")
    os.makedirs(tmp_path / "masks" / "cat")
    os.makedirs(tmp_path / "masks" / "dog")
    for label in ("cat", "dog"):
        alpha = np.asarray(Image.open(tmp_path / "fg" / label / (label + ".png")))[:, :, 3]
        Image.fromarray(alpha).save(tmp_path / "masks" / label / (label + ".png"))
    (tmp_path / "more.json").write_text(json.dumps(
        {"datasets": [{"name": "cfg", "bg": "bg", "fg": "fg", "size": "32"}]}))
    s = Server(["--builtin-size", "32", "--builtin-counts", "2:2", "--bg", "bg", "--fg", "fg",
                "--fg-masks", "masks", "--name", "rel", "--size", "32", "--depth-model",
                "model", "--depth-weights", "weights.onnx", "--device", "cpu", "--cache-dir",
                "cache", "--export-root", "out", "--config", "more.json"],
               command=[LAUNCHER, "serve"], cwd=str(tmp_path))
    try:
        with fgbg.Client(s.target) as c:
            assert {d.name for d in c.list_datasets()} == {"builtin", "rel", "cfg"}
            assert c.describe("rel").has_depth
            c.get_samples([0, 1], "rel")  # teacher depth: computed, and written to the cache
        assert (tmp_path / "cache").is_dir() and any(
            f.endswith(".depth") for _, _, fs in os.walk(tmp_path / "cache") for f in fs)
        got = run(tmp_path, "get", "--dataset", "rel", "--indices", "3", "--out", "got",
                  target=s.target)
        assert got.returncode == 0, got.stderr
        assert (tmp_path / "got" / "3_image.png").exists() and (tmp_path / "got" /
                                                                "3_meta.json").exists()
        gallery = run(tmp_path, "gallery", "--dataset", "cfg", "--out", "g.png", target=s.target)
        assert gallery.returncode == 0 and (tmp_path / "g.png").exists(), gallery.stderr
        export = run(tmp_path, "export", "--dataset", "cfg", "--format", "npy", "--dest", "e1",
                     "--range", "0:8", target=s.target)
        assert export.returncode == 0, export.stderr
        assert (tmp_path / "out" / "e1" / "manifest.json").exists()
    finally:
        s.stop()


def test_a_bad_relative_path_is_named_as_typed(tmp_path):
    write_folder_assets(str(tmp_path))
    bad = run(tmp_path, "serve", "--builtin-size", "16", "--builtin-counts", "1:1", "--bg",
              "nope", "--fg", "fg", "--port", "0")
    assert bad.returncode == 2 and "\tat " not in bad.stderr, bad.stderr
    assert bad.stderr.strip().splitlines()[-1] == (
        "fgbg: error: dataset 'folder': background folder nope (%s) does not exist or is not "
        "a folder" % os.path.join(os.path.realpath(tmp_path), "nope")), bad.stderr
