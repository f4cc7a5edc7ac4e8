import os
import re
import subprocess
import sys

import numpy as np
import pytest

import fgbg
from fgbg._checks import MAX_DEADLINE_S
from conftest import (CLI_JVM, CLIENT_JAR, FOLDER_N, N, PKG, Server, java, java_cli,
                      java_stream_digest)


def test_describe_is_a_documented_dataclass_with_a_readable_repr(server):
    with fgbg.Client(server.target) as c:
        info = c.describe("builtin")
        assert [d.name for d in c.list_datasets()] == ["builtin"]
    assert isinstance(info, fgbg.DatasetInfo) and info.__doc__
    assert info.size == N == info.backgrounds * info.foregrounds * info.flips * info.placements
    assert info.image_shape == (32, 32, 3) and info.mask_shape == (32, 32)
    assert info.has_depth and info.depth_shape == (32, 32) and info.depth_dtype == "float16"
    assert info.depth_units == "metres" and info.spec.height == 32 and info.spec.placements == 5
    assert info.foreground_labels[:2] == ("person", "dog")
    text = repr(info)
    assert text.startswith("DatasetInfo(name='builtin', size=800 = 8 bg x 10 fg x 2 flips x 5")
    assert "depth=32x32 float16 metres from builtin-exact" in text and len(text) < 400
    with pytest.raises(Exception):
        info.size = 1  # frozen


def test_describe_lists_the_files_a_forgiving_load_skipped_with_why(tmp_path):
    from conftest import write_folder_assets

    write_folder_assets(str(tmp_path))
    (tmp_path / "bg" / "indoor" / "notes.jpg").write_text("not an image")
    s = Server(["--builtin-size", "16", "--builtin-counts", "1:1", "--bg", str(tmp_path / "bg"),
                "--fg", str(tmp_path / "fg"), "--size", "32", "--on-bad-file", "skip"])
    try:
        with fgbg.Client(s.target) as c:
            info = c.describe("folder")
            clean = c.describe("builtin")
    finally:
        s.stop()
    assert info.skipped_files == (fgbg.SkippedFile("bg/indoor/notes.jpg",
                                                   "not a PNG or JPEG image"),)
    assert info.backgrounds == 3 and "skipped_files=1" in repr(info)
    assert clean.skipped_files == () and "skipped" not in repr(clean)


def test_arrays_are_views_of_the_message_bytes(server):
    # The network path (shared memory has its own test in test_shm.py).
    with fgbg.Client(server.target, shared_memory=False) as c:
        b = c.get_samples([0, 5, 799])
    assert b.images.shape == (3, 32, 32, 3) and b.images.dtype == np.uint8
    assert b.masks.shape == (3, 32, 32)
    assert b.depth.shape == (3, 32, 32) and b.depth.dtype == np.dtype("<f2")
    # Zero-copy: each array's memory lies inside the one bytes object gRPC returned for the
    # whole serialized message (image, mask and depth share it, at their field offsets).
    raw = b.buffers["images"][0]
    assert isinstance(raw, bytes)
    whole = np.frombuffer(raw, dtype=np.uint8)
    for name, arr in (("images", b.images), ("masks", b.masks), ("depth", b.depth)):
        buf, off, length = b.buffers[name]
        assert buf is raw, name
        assert not arr.flags.owndata
        assert arr.base is raw or arr.base.base is raw
        assert arr.ctypes.data == whole.ctypes.data + off
        assert arr.nbytes == length
        assert np.shares_memory(arr, whole)
    assert list(b.indices) == [0, 5, 799]
    assert b.meta[2].index == 799
    assert float(b.depth.max()) > 0


def test_wire_takes_the_payload_field_numbers_from_the_descriptor():
    from fgbg import wire
    from fgbg._proto import pb

    fields = pb.SampleBatch.DESCRIPTOR.fields_by_name
    assert wire.PAYLOAD_FIELDS == {fields[n].number: n
                                   for n in ("images", "masks", "depth", "instances",
                                             "backgrounds", "background_depths")}
    msg = pb.SampleBatch(indices=[3], images=b"\x01" * 12, masks=b"\x02" * 4, depth=b"\x03" * 8,
                         height=2, width=2)
    raw = msg.SerializeToString()
    small, where = wire.split(raw)
    assert {k: raw[o:o + n] for k, (o, n) in where.items()} == {
        "images": b"\x01" * 12, "masks": b"\x02" * 4, "depth": b"\x03" * 8}
    assert list(pb.SampleBatch.FromString(small).indices) == [3]


def test_torch_tensors_share_the_array_memory(server):
    import torch
    from fgbg.torch._convert import tensor as _tensor

    with fgbg.Client(server.target) as c:
        b = c.get_samples([1, 2])
    t = _tensor(b.images)
    assert t.data_ptr() == b.images.ctypes.data
    assert t.dtype == torch.uint8 and tuple(t.shape) == (2, 32, 32, 3)


def test_stream_digest_matches_the_java_cli(server):
    d = fgbg.SampleDigest()
    with fgbg.Client(server.target) as c:
        for batch in c.stream_epoch(seed=3, epoch=1, shuffle=True, batch_size=50):
            d.add_batch(batch)
    assert d.count == N
    assert d.hex() == java_stream_digest(server.target, "--seed", "3", "--epoch", "1",
                                         "--shuffle", "--batch-size", "64")


def test_big_batches_arrive_joined(server):
    with fgbg.Client(server.target) as c:
        batches = list(c.stream_epoch(batch_size=4096, limit=700))
    assert len(batches) == 1 and len(batches[0]) == 700
    assert batches[0].images.shape == (700, 32, 32, 3)
    assert list(batches[0].positions[:3]) == [0, 1, 2]


def test_errors_are_exceptions_with_status_and_message(server):
    with fgbg.Client(server.target) as c:
        with pytest.raises(fgbg.FgbgError) as e:
            c.describe("nope")
        assert e.value.code == "NOT_FOUND" and "unknown dataset 'nope'" in e.value.details
        with pytest.raises(fgbg.FgbgError) as e:
            c.describe("biultin")
        assert "unknown dataset 'biultin' (did you mean 'builtin'?)" in e.value.details
        with pytest.raises(fgbg.FgbgError) as e:
            c.get_samples([N])
        assert e.value.code == "INVALID_ARGUMENT" and "index 800 is out of range" in str(e.value)
        with pytest.raises(fgbg.FgbgError) as e:
            list(c.stream_epoch(batch_size=0))
        assert e.value.code == "INVALID_ARGUMENT" and "batch_size 0" in e.value.details
        with pytest.raises(ValueError, match="colour"):
            c.get_samples([0], outputs=["colour"])
        with pytest.raises(TypeError, match="list of names"):  # as indices="17" is
            c.get_samples([0], outputs="image")


def test_indices_are_integers_of_any_kind_and_never_converted(server):
    # The checks themselves: test_integer_args.py (no server); here the calls they let through.
    import torch

    from fgbg.torch import FgbgDataset, FgbgIterableDataset

    with fgbg.Client(server.target) as c:
        for indices in (np.array([1, 7]), torch.tensor([1, 7]), [np.int64(1), 7], range(1, 8, 6)):
            assert list(c.get_samples(indices, seed=np.int64(0)).indices) == [1, 7], indices
        with pytest.raises(TypeError, match=r"indices\[0\] must be an integer, got 1\.5"):
            c.get_samples([1.5, "7"])
    ds = FgbgDataset(server.target)
    assert [int(s["index"]) for s in ds[np.array([3, 1])]] == [3, 1]
    assert int(ds[np.int64(5)]["index"]) == 5 and int(ds[torch.tensor(6)]["index"]) == 6
    for bad in (1.5, "7", True):
        with pytest.raises(TypeError, match="index must be an integer"):
            ds[bad]
    with pytest.raises(TypeError, match=r"indices\[1\] must be an integer"):
        ds[[1, 2.0]]
    stream = FgbgIterableDataset(server.target, batch_size=np.int64(100))
    state = stream.state_dict()
    stream.load_state_dict(dict(state, position=np.int64(200)))
    with pytest.raises(TypeError, match=r"state\['position'\] must be an integer, got 200\.0"):
        stream.load_state_dict(dict(state, position=200.0))


def test_a_refused_connection_names_the_address_and_how_to_start_a_server():
    with fgbg.Client("localhost:1", timeout=5) as c:
        with pytest.raises(fgbg.FgbgError) as e:
            c.describe()
    assert e.value.code == "UNAVAILABLE"
    assert "no fgbg server answers at localhost:1" in str(e.value)
    assert "./fgbg serve" in str(e.value) and "FGBG_TARGET" in str(e.value)


def test_fgbg_target_is_the_python_clients_default(server, monkeypatch):
    monkeypatch.setenv("FGBG_TARGET", server.target)
    with fgbg.Client() as c:
        assert c.target == server.target and c.describe().size == N
    monkeypatch.delenv("FGBG_TARGET")
    assert fgbg.Client().target == "localhost:50051"
    assert fgbg.Client("elsewhere:1").target == "elsewhere:1"


def test_fgbg_target_is_every_java_cli_verbs_default(server, tmp_path):
    env = dict(os.environ, FGBG_TARGET=server.target)
    assert any("800 = 8 bg x 10 fg x 2 flips x 5 placements" in line
               for line in java_cli("describe", env=env))
    assert java_cli("stream", "--limit", "10", env=env)[0] == "samples: 10"
    java_cli("get", "--indices", "1", "--out", str(tmp_path), env=env)
    assert (tmp_path / "1_image.png").exists()
    assert java_cli("stats", "--outputs", "mask", "--range", "0:64", env=env)[0] == "samples: 64"
    java_cli("gallery", "--count", "2", "--out", str(tmp_path / "g.png"), env=env)
    assert (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"
    out = java_cli("export", "--format", "npy", "--dest", "cli-env", "--range", "0:8", env=env)
    assert "manifest: cli-env/manifest.json (relative to the server's export root, serve " \
           "--export-root)" in out
    down = subprocess.run([java()] + CLI_JVM + ["-jar", CLIENT_JAR, "describe"],
                          capture_output=True, text=True,
                          env=dict(os.environ, FGBG_TARGET="localhost:1"))
    assert down.returncode == 1 and "no fgbg server answers at localhost:1 (" in down.stderr


def test_export_stats_and_gallery(server, capsys):
    with fgbg.Client(server.target) as c:
        done = c.export("py-npy", format="npy", start=100, end=300, seed=6, progress=False)
        assert done.finished and done.total == 200
        d = fgbg.SampleDigest()
        for batch in c.stream_epoch(seed=6, start_position=100, limit=200, batch_size=64):
            d.add_batch(batch)
        assert done.digest == d.hex(), "export digest = stream digest"
        with pytest.raises(fgbg.FgbgError) as e:
            c.export("../escape", format="zip", progress=False)
        assert e.value.code == "PERMISSION_DENIED"
        capsys.readouterr()
        s = c.stats()
        assert isinstance(s, fgbg.Stats)
        assert s.samples == N and len(s.image.mean) == 3 and s.depth.unit == "metres"
        shown = capsys.readouterr()
        assert "stats builtin" in shown.err and "%d/%d" % (N, N) in shown.err, "tqdm progress"
        assert c.stats(progress=False) == s
        png = c.gallery(count=3)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_stats_compute_only_the_outputs_asked_for(server, folder_server):
    with fgbg.Client(server.target) as c:
        full = c.stats(seed=1)
        image = c.stats(seed=1, outputs=["image"])
        assert image.image == full.image and image.mask is None and image.depth is None
        with pytest.raises(ValueError, match="meta"):
            c.stats(outputs=["meta"])
    with fgbg.Client(folder_server.target) as c:
        plain = c.stats("plain")
        assert plain.samples == FOLDER_N and plain.depth is None and plain.mask is not None
        with pytest.raises(fgbg.FgbgError) as e:
            c.stats("plain", outputs=["depth"])
        assert e.value.code == "FAILED_PRECONDITION" and "'plain' has no depth" in e.value.details
        # Image statistics of a model-depth dataset come without running the model.
        before = c.server_stats().depth[0]
        assert c.stats("modeled", outputs=["image", "mask"]).samples == FOLDER_N
        after = c.server_stats().depth[0]
        assert after.inferences == before.inferences
        assert after.withdrawn == before.withdrawn, "nothing asked of the model, none withdrawn"


def test_the_package_is_typed():
    assert os.path.exists(os.path.join(PKG, "fgbg", "py.typed"))
    import inspect

    from fgbg.torch import FgbgDataset, FgbgIterableDataset

    for fn in (fgbg.Client.__init__, fgbg.Client.stream_epoch, fgbg.Client.stats,
               FgbgIterableDataset.__init__, FgbgDataset.__init__, fgbg.exported):
        sig = inspect.signature(fn)
        assert sig.return_annotation is not inspect.Signature.empty, fn
        assert all(p.annotation is not inspect.Parameter.empty
                   for n, p in sig.parameters.items() if n != "self"), fn


@pytest.mark.parametrize("shared_memory", [False, True])
def test_more_indices_than_one_call_takes_are_split_and_joined(server, shared_memory):
    # get_samples(range(64)) on a 224x224 dataset (37 per call) used to be INVALID_ARGUMENT.
    with fgbg.Client(server.target, shared_memory=shared_memory) as c:
        most = c.describe().max_get_samples
        wanted = [(7 * i + 3) % N for i in range(2 * most + 5)]
        whole = c.get_samples(wanted, outputs=["image", "mask", "depth", "background"])
        parts = [c.get_samples(wanted[s:s + most],
                               outputs=["image", "mask", "depth", "background"])
                 for s in range(0, len(wanted), most)]
    assert list(whole.indices) == wanted
    assert list(whole.positions) == list(range(len(wanted)))
    assert np.array_equal(whole.images, np.concatenate([p.images for p in parts]))
    assert np.array_equal(whole.depth, np.concatenate([p.depth for p in parts]))
    assert np.array_equal(whole.background, np.concatenate([p.background for p in parts]))
    assert [m.fg for m in whole.meta] == [m.fg for p in parts for m in p.meta]


def test_a_timeout_past_ten_years_means_no_practical_limit(server):
    # grpcio adds a timeout to the clock in nanoseconds: past about 9.2e9 s it overflowed and
    # every call ended DEADLINE_EXCEEDED at once, telling the user to raise the timeout. Any
    # timeout past 10 years (sys.maxsize: "no limit") is 10 years, for calls and streams alike.
    for huge in (1e10, sys.maxsize, np.float64(1e300)):
        with fgbg.Client(server.target, timeout=huge, stream_timeout=huge) as c:
            assert list(c.get_samples([1, 2]).indices) == [1, 2]
            assert sum(len(b.indices) for b in c.stream_epoch(batch_size=8, limit=16,
                                                             shared_memory=False)) == 16
            assert c.stats(end=16, progress=False).samples == 16
            assert c.timeout == c.stream_timeout == MAX_DEADLINE_S == 315576000


def test_a_deadline_says_which_option_bounds_the_call(tmp_path):
    # The whole built-in dataset (400,000 samples of 224x224) cannot stream within half a
    # second: the stream ends DEADLINE_EXCEEDED, in words naming stream_timeout (timeout bounds
    # single calls only).
    s = Server(["--workers", "1"])
    try:
        with fgbg.Client(s.target, stream_timeout=0.5) as c:
            # Connected first: a deadline passing while still connecting says no server answered.
            c.list_datasets()
            with pytest.raises(fgbg.FgbgError) as e:
                for _ in c.stream_epoch(batch_size=16, shared_memory=False):
                    pass
            assert e.value.code == "DEADLINE_EXCEEDED"
            assert re.match(r"DEADLINE_EXCEEDED: not done within stream_timeout=0\.5s \(\d+ "
                            r"samples done\); a busy server \(or a depth model's cold cache\) "
                            r"can take longer: raise Client\(stream_timeout=\.\.\.\) or leave "
                            r"it out$",
                            str(e.value)), str(e.value)
        with fgbg.Client(s.target, timeout=1e-6) as c:
            with pytest.raises(fgbg.FgbgError) as e:
                c.describe()
            assert e.value.code == "DEADLINE_EXCEEDED" and " within timeout=1e-06s" in str(e.value)
    finally:
        s.stop()


def test_an_exports_deadline_counts_the_samples_its_complete_shards_keep():
    # An export cut by its deadline says what stays on disk for a resume: the samples of its
    # complete shards (ExportProgress.kept), as the Java CLI and the server's end line do, not
    # those written (a shard cut mid-way is written again).
    s = Server(["--workers", "1"])
    try:
        with fgbg.Client(s.target, stream_timeout=4) as c:
            c.list_datasets()  # connected: the deadline's words are the export's own
            with pytest.raises(fgbg.FgbgError) as e:
                c.export("cut", format="npy", end=25600, shard_size=64, progress=False)
    finally:
        s.stop()
    said = str(e.value)
    assert e.value.code == "DEADLINE_EXCEEDED", said
    m = re.match(r"DEADLINE_EXCEEDED: not done within stream_timeout=4s \((\d+) samples "
                 r"kept, (\d+) of 400 shards complete\); a busy server", said)
    assert m and int(m.group(1)) == 64 * int(m.group(2)), said
    assert said.endswith("; to go on from there: run the same export again: it resumes, keeping "
                         "the shards already complete"), said


@pytest.mark.parametrize("stop", ["kill", "terminate"])
def test_an_export_whose_server_goes_away_counts_the_samples_kept_and_how_to_resume(
        monkeypatch, stop):
    # A server killed, or stopped (SIGTERM, no grace), mid-export: the error says what stays on
    # disk for a resume (the samples of its complete shards) and how to go on, as the Java CLI
    # does (CallWords); a stopping server's own words say to run it again, so only the count.
    from fgbg import _streams

    reads = _streams.reads
    s = Server(["--workers", "1", "--shutdown-grace", "0s"])

    def stopping(call):
        for p in reads(call):
            if p.kept > 0:  # stopped once the client has heard of a complete shard
                getattr(s.proc, stop)()
                s.proc.wait(10)
            yield p

    monkeypatch.setattr(_streams, "reads", stopping)
    try:
        with fgbg.Client(s.target) as c:
            with pytest.raises(fgbg.FgbgError) as e:
                c.export("gone", format="npy", end=12800, shard_size=64, progress=False)
    finally:
        s.stop()
    said = str(e.value)
    assert e.value.code == "UNAVAILABLE", said
    m = re.search(r" \((\d+) samples kept, (\d+) of 200 shards complete\)(.*)$", said)
    assert m and int(m.group(1)) == 64 * int(m.group(2)) > 0, said
    assert "run the same export again" in said, said
    if stop == "kill":
        assert m.group(3) == ("; to go on from there: run the same export again: it resumes, "
                              "keeping the shards already complete"), said
