"""Real fgbg server processes for the tests: the small built-in dataset, and folder datasets
(one without depth, one with depth from a tiny ONNX model) built from generated images."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PKG = os.path.join(ROOT, "client-python-stub")
sys.path.insert(0, PKG)
SERVER_JAR = os.path.join(ROOT, "server", "target", "fgbg-server.jar")
CLIENT_JAR = os.path.join(ROOT, "client-java", "target", "fgbg-client.jar")
# 8 bg x 10 fg x 2 flips x 5 placements = 800 samples of 32x32.
SMALL = ["--builtin-size", "32", "--builtin-counts", "8:10", "--builtin-placements", "5"]
N = 800
# Folder datasets: 3 bg x 2 fg x 2 flips x 5 placements = 60 samples of 32x32.
FOLDER_N = 60


def java():
    home = os.environ.get("JAVA_HOME")
    return os.path.join(home, "bin", "java") if home else "java"


LAUNCHER = os.path.join(ROOT, "fgbg")

# Tests that need the built server (a server process, the Java CLI or the launcher) are marked
# `server`, so that `pytest -m "not server"` runs the others without the jars: those using one of
# these fixtures (directly or through another fixture)...
SERVER_FIXTURES = frozenset({
    "server", "folder_server", "bg_server", "big", "big_images", "capped", "coco_server",
    "live_replica", "metered", "office", "own_server", "scenes", "secured", "shm_off",
    "small_budget", "snippet_servers"})
# ...and those that start one themselves: "module.py::test", or "module.py" for all its tests.
SERVER_TESTS = frozenset({
    "test_background_unet.py::test_trains_from_an_export_without_the_server",
    "test_client.py::test_a_deadline_says_which_option_bounds_the_call",
    "test_client.py::test_an_exports_deadline_counts_the_samples_its_complete_shards_keep",
    "test_client.py::test_an_export_whose_server_goes_away_counts_the_samples_kept_and_how_"
    "to_resume",
    "test_client.py::test_describe_lists_the_files_a_forgiving_load_skipped_with_why",
    "test_connection_cap.py",
    "test_containers.py::test_dataloader_workers_leave_torch_its_room_in_a_small_dev_shm",
    "test_example.py",  # its server fixture is a parameter (request.getfixturevalue)
    "test_detection.py::test_classic_soft_mask_targets_follow_the_mask_threshold",
    "test_detection.py::test_detection_collate_workers_stopped_early_exit_cleanly",
    "test_exported.py::test_the_manifest_lists_the_files_a_forgiving_server_skipped",
    "test_launcher.py::test_a_server_started_by_the_launcher_outlives_a_rebuild_of_its_jars",
    "test_launcher.py::test_a_server_whose_jar_is_rewritten_under_it_exits_saying_so",
    "test_hung_replica.py::test_a_stopped_replica_is_noticed_by_keepalive_and_the_stream_"
    "resumes_exactly",
    "test_hung_replica.py::test_a_hung_first_replica_is_passed_over_by_the_datasets_first_"
    "describe",
    "test_silent_replica.py",
    "test_frozen_replica.py",
    "test_paths.py",
    "test_readme.py::test_mnist_over_cifar_gets_csv_labels_and_no_flips",
    "test_readme.py::test_the_java_snippets_compile_with_the_imports_and_classpath_readme_gives",
    "test_readme.py::test_photos_with_wide_cutouts_serve_with_default_flags",
    "test_readme.py::test_the_config_file_example",
    "test_reconnect.py",
    "test_replica_failures.py",
    "test_replicas.py",
    "test_shm.py::test_a_target_named_by_the_hosts_lan_address_streams_through_shared_memory",
    "test_shm.py::test_rings_of_dead_clients_are_swept_at_start_up",
    "test_token_size.py::test_a_token_over_the_bound_is_refused_before_any_call"})
_running = []  # the test being set up or run (Server and java_cli check its marker)


def pytest_collection_modifyitems(items):
    for item in items:
        module = os.path.basename(str(item.fspath))
        listed = module in SERVER_TESTS or "%s::%s" % (module, item.originalname) in SERVER_TESTS
        if listed or SERVER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.server)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item):
    _running.append(item)
    yield
    _running.remove(item)


@pytest.fixture(autouse=True)
def _no_replica_remembered_silent(monkeypatch):
    """Each test starts with no replica remembered as silent: fgbg._silent's memory is the
    process's, and a later test may get the port of an earlier one's silent listener."""
    silent = sys.modules.get("fgbg._silent")
    if silent is not None:
        monkeypatch.setattr(silent, "SILENT", silent.Silent())


def needs_server_marker(what):
    """Fails a test that starts `what` unmarked: `-m "not server"` must not need the jars."""
    if _running and _running[-1].get_closest_marker("server") is None:
        pytest.fail("%s starts %s but is not marked `server`: list it in conftest's "
                    "SERVER_FIXTURES or SERVER_TESTS" % (_running[-1].nodeid, what),
                    pytrace=False)


class Server:
    """A server process on a free port (or `port`, e.g. a restarted server's); `command`
    replaces `java -jar fgbg-server.jar` (e.g. the launcher), run in `cwd`. Without
    `export_root` it exports into a temporary folder of its own (the default, `exports` in the
    working folder, would write into the source tree)."""

    def __init__(self, args, export_root=None, command=None, cwd=None, port=0):
        needs_server_marker("a server")
        if not os.path.exists(SERVER_JAR):
            raise RuntimeError("%s is missing: build with mvn install (./fgbg test does)"
                               % SERVER_JAR)
        self._own_root = None
        if not export_root and "--export-root" not in args:
            export_root = self._own_root = tempfile.mkdtemp(prefix="fgbg-test-exports-")
        self.export_root = export_root
        if export_root:
            args = args + ["--export-root", str(export_root)]
        self.proc = subprocess.Popen((command or [java(), "-jar", SERVER_JAR]) + args
                                     + ["--port", str(port)], cwd=cwd,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.log = []
        port = None
        for line in self.proc.stdout:
            self.log.append(line)
            m = re.search(r"listening on [^:]+:(\d+)", line)
            if m:
                port = int(m.group(1))
                break
        if port is None:
            raise RuntimeError("server did not start:\n" + "".join(self.log))
        # With --port 0 the server listens on 127.0.0.1 only; "localhost" would try ::1 first,
        # and forked DataLoader workers of a parent whose channel saw that refusal exit (64).
        self.target = "127.0.0.1:%d" % port
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.proc.stdout:
            self.log.append(line)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        if self._own_root:
            shutil.rmtree(self._own_root, ignore_errors=True)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    s = Server(SMALL, export_root=tmp_path_factory.mktemp("exports"))
    yield s
    s.stop()


# The replica tests' world: 1600 samples of 64x64; rank 1 of 2 streams 50 batches, far more
# than is buffered.
WORLD = ["--builtin-size", "64", "--builtin-counts", "10:20", "--builtin-placements", "4",
         "--workers", "1"]


@pytest.fixture(scope="session")
def live_replica():
    """A replica of WORLD that answers throughout, shared by the replica tests: each kills,
    stops or silences only replicas of its own, never this one (a server start is seconds)."""
    s = Server(WORLD)
    yield s
    s.stop()


def write_folder_assets(root):
    """Backgrounds in label folders and RGBA cut-outs (an ellipse of alpha), as a user's are."""
    from PIL import Image

    rng = np.random.default_rng(7)
    for label, names in (("indoor", ["a", "b"]), ("outdoor", ["c"])):
        os.makedirs(os.path.join(root, "bg", label), exist_ok=True)
        for name in names:
            yy, xx = np.mgrid[0:48, 0:48]
            rgb = np.stack([xx * 5, yy * 5, (xx + yy) * 2], axis=-1)
            rgb = rgb + rng.integers(0, 30, (48, 48, 3))
            Image.fromarray(rgb.clip(0, 255).astype(np.uint8)).save(
                os.path.join(root, "bg", label, name + ".png"))
    for label in ("cat", "dog"):
        os.makedirs(os.path.join(root, "fg", label), exist_ok=True)
        yy, xx = np.mgrid[0:40, 0:24]
        alpha = ((((yy - 20) / 20.0) ** 2 + ((xx - 12) / 12.0) ** 2) < 1) * 255
        rgb = rng.integers(0, 256, (40, 24, 3))
        Image.fromarray(np.dstack([rgb, alpha]).astype(np.uint8), "RGBA").save(
            os.path.join(root, "fg", label, label + ".png"))


def write_tiny_model(folder):
    """A 1x1 convolution as ONNX (exported by torch): depth = (R + 2G + 4B + 1) / 256."""
    import torch

    os.makedirs(folder, exist_ok=True)
    conv = torch.nn.Conv2d(3, 1, 1)
    with torch.no_grad():
        conv.weight[:] = torch.tensor([1.0, 2.0, 4.0]).view(1, 3, 1, 1)
        conv.bias[:] = 1.0
    torch.onnx.export(conv, torch.zeros(1, 3, 32, 32), os.path.join(folder, "model.onnx"),
                      input_names=["input"], output_names=["depth"],
                      dynamic_axes={"input": {0: "n"}, "depth": {0: "n"}}, opset_version=11)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump({"name": "tiny", "inputHeight": 32, "inputWidth": 32, "inputScale": 1.0,
                   "outputKind": "DEPTH_OUTPUT_KIND_METRIC", "outputScale": 0.00390625,
                   "maxBatch": 8, "maxQueueDelayMs": 5}, f)


@pytest.fixture(scope="session")
def folder_server(tmp_path_factory):
    """Datasets 'plain' (a folder dataset without depth) and 'modeled' (the same images with
    teacher depth from the tiny model), beside a small built-in one."""
    root = tmp_path_factory.mktemp("folders")
    write_folder_assets(str(root))
    write_tiny_model(str(root / "model"))
    common = {"bg": str(root / "bg"), "fg": str(root / "fg"), "size": "32", "placements": 5}
    config = {"datasets": [dict(common, name="plain"),
                           dict(common, name="modeled", depthModel=str(root / "model"))]}
    (root / "datasets.json").write_text(json.dumps(config))
    s = Server(["--builtin-size", "32", "--builtin-counts", "2:2", "--builtin-placements", "2",
                "--config", str(root / "datasets.json")],
               export_root=tmp_path_factory.mktemp("folder-exports"))
    yield s
    s.stop()


# Short-lived CLI runs start faster with the client compiler only.
CLI_JVM = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]


def java_cli(*args, env=None):
    """Runs a Java CLI verb; returns stdout lines."""
    needs_server_marker("the Java CLI")
    return subprocess.run([java()] + CLI_JVM + ["-jar", CLIENT_JAR] + list(args), check=True,
                          capture_output=True, text=True, env=env).stdout.splitlines()


def java_stream_digest(target, *args):
    """The Java CLI's `stream` digest line for the same request."""
    out = java_cli("stream", "--target", target, *args)
    assert len(out) == 3, out
    return out[2].split(": ")[1]


def digest_of(batches):
    """The stream digest of batch dicts (uint8 images, float16 depth)."""
    import fgbg

    d = fgbg.SampleDigest()
    for b in batches:
        for s in range(len(b["index"])):
            parts = [b[k][s].numpy().tobytes() if k in b else None
                     for k in ("image", "mask", "depth")]
            d.add_sample(int(b["index"][s]), *parts)
    return d


# Scores a COCO file's own annotations as detections (score 1): AP 1.0 when ids, boxes and
# masks are consistent.
COCO_EVAL = textwrap.dedent("""
    import json, sys
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    gt = COCO(sys.argv[1])
    out = {}
    for kind in ("segm", "bbox"):
        dets = [{"image_id": a["image_id"], "category_id": a["category_id"], "score": 1.0,
                 "segmentation": gt.annToRLE(a), "bbox": a["bbox"]} for a in gt.dataset["annotations"]]
        e = COCOeval(gt, gt.loadRes(dets), kind)
        e.evaluate(); e.accumulate(); e.summarize()
        out[kind] = float(e.stats[0])
    print(json.dumps(out))
""")


@pytest.fixture(scope="session")
def pycocotools_python(tmp_path_factory):
    """A venv that sees Debian's packages, with pycocotools from the local package mirror."""
    venv = tmp_path_factory.mktemp("coco-venv")
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                   check=True)
    py = str(venv / "bin" / "python")
    r = subprocess.run([py, "-m", "pip", "install", "--retries", "0", "-q", "pycocotools"],
                       capture_output=True, text=True)
    assert r.returncode == 0, "pycocotools did not install: " + r.stderr[-2000:]
    return py
