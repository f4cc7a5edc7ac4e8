"""The package's top level: what README reaches after a plain `import fgbg` (pure: no server)."""
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import typing

from conftest import PKG


def test_readme_modules_are_reached_after_a_plain_import():
    # README writes fgbg.failover.stream_epoch(...) after `import fgbg` alone; a fresh process,
    # so that no other test has imported the submodule already.
    code = ("import fgbg, sys; assert 'fgbg.failover' not in sys.modules; "
            "pool = type(fgbg.shm.process_pool()).__name__; "  # first: nothing imported it yet
            "print(fgbg.failover.stream_epoch.__name__, fgbg.resume.__name__, "
            "fgbg.reconnect.__name__, fgbg.replicas.__name__, pool)")
    r = subprocess.run([sys.executable, "-c", code], cwd=PKG, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["stream_epoch", "fgbg.resume", "fgbg.reconnect", "fgbg.replicas",
                                "RingPool"]


def test_a_name_the_package_lacks_is_an_attribute_error_naming_it():
    code = "import fgbg; fgbg.no_such_thing"
    r = subprocess.run([sys.executable, "-c", code], cwd=PKG, capture_output=True, text=True)
    assert r.returncode == 1 and "module 'fgbg' has no attribute 'no_such_thing'" in r.stderr


def test_help_and_dir_list_the_public_names_before_they_are_imported():
    code = ("import fgbg, sys, pydoc; names = dir(fgbg); "
            "assert 'fgbg.client' not in sys.modules, 'dir imported the client'; "
            "print(all(n in names for n in fgbg.__all__), 'failover' in names); "
            "print('class Client' in pydoc.render_doc(fgbg, renderer=pydoc.plaintext))")
    r = subprocess.run([sys.executable, "-c", code], cwd=PKG, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["True", "True", "True"], r.stdout


# Kept between runs (as scripts/test-python.sh keeps its own): reading torch's types is most
# of the time.
_MYPY_CACHE = os.path.join(tempfile.gettempdir(), "fgbg-mypy-user-cache-%d" % os.getuid())
# As README writes it: `import fgbg`, then fgbg.Client, fgbg.Credentials, fgbg.exported.
_README_LIKE = """
    from typing import Any, Dict, List, assert_type

    import torch

    import fgbg
    from fgbg.torch import FgbgDataset, FgbgIterableDataset, TorchBatch, detection_targets


    def plain(batch: Dict[str, Any]) -> Dict[str, Any]:  # a transform written before TorchBatch
        return dict(batch, image=batch["image"].flip(-1))


    def typed(batch: TorchBatch) -> TorchBatch:
        batch["image"] = batch["image"].flip(-1)
        return batch


    def batches() -> None:
        # The dicts the datasets and loaders give are TorchBatch: tensors, not Any.
        ds = FgbgIterableDataset("127.0.0.1:1", batch_size=8, transform=plain)
        for b in ds:
            assert_type(b["image"], torch.Tensor)
        for b in ds.loader(num_workers=2):
            assert_type(b["image"], torch.Tensor)
            assert_type(b["meta"]["fg_label"], torch.Tensor)
            assert_type(b["meta"]["instances"]["boxes"], torch.Tensor)
            print(detection_targets(b))
        for b in ds.device_loader(streams=2):
            assert_type(b["image"], torch.Tensor)
        ds.load_state_dict(ds.state_dict())
        m = FgbgDataset("127.0.0.1:1", transform=typed)
        assert_type(m[0]["image"], torch.Tensor)
        assert_type(m[[0, 1]], List[TorchBatch])
        assert_type(m.__getitems__([0, 1])[1]["index"], torch.Tensor)
        assert_type(fgbg.exported("exports/x", transform=lambda s: s)[0]["depth"], torch.Tensor)


    def main() -> None:
        creds = fgbg.Credentials(token="x" * 20)
        with fgbg.Client("127.0.0.1:1", timeout=30, credentials=creds) as c:
            info: fgbg.DatasetInfo = c.describe("builtin")
            size: int = info.size
            b: fgbg.Batch = c.get_samples([0, 7], seed=0)
            assert_type(b.meta[0].fg_label, int)
            assert_type(b.meta[1].scene.instances[0].bbox.x1, int)
            s: fgbg.Stats = c.stats(outputs=["image"], end=200)
            for batch in c.stream_epoch("builtin", epoch=3, shuffle=True, batch_size=64):
                print(batch.images, size, b, s)
            try:
                c.describe("nope")
            except fgbg.FgbgError as e:
                print(e.code, e.details)
        ex = fgbg.exported("exports/x")
        ds = FgbgIterableDataset("127.0.0.1:1", batch_size=8)
        print(len(ex), fgbg.failover.stream_epoch, ds.loader(num_workers=0))
"""
# The tester's wrong.py mistakes: each line must be an error, not Any.
_WRONG = """
    import fgbg

    with fgbg.Client(12345, timeout="x") as c:
        c.describe(7)
        c.get_samples([1], seeed=1)
        n: str = c.describe().size
    fgbg.exported(None)
    fgbg.Clinet()
    fgbg.exported("x")[0]["imgae"]
"""


def test_mypy_strict_checks_a_users_script_against_the_package(tmp_path):
    """mypy --strict on users' scripts that import fgbg as an installed package: fgbg's own code
    is followed for its types but not reported on. One run for both (it reads torch's types)."""
    for name, source in (("readme_like", _README_LIKE), ("wrong", _WRONG)):
        (tmp_path / (name + ".py")).write_text(textwrap.dedent(source))
    (tmp_path / "mypy.ini").write_text(textwrap.dedent("""
        [mypy]
        [mypy-fgbg.*]
        ignore_errors = True
        [mypy-grpc.*,google.protobuf.*,tqdm.*,PIL.*]
        ignore_missing_imports = True
        """))
    r = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--config-file", "mypy.ini",
                        "--cache-dir", _MYPY_CACHE, "readme_like.py", "wrong.py"],
                       cwd=tmp_path, env=dict(os.environ, MYPYPATH=PKG), capture_output=True,
                       text=True)
    errors = [line for line in r.stdout.splitlines() if ": error:" in line]
    assert r.returncode == 1 and not [e for e in errors if not e.startswith("wrong.py:")], \
        r.stdout + r.stderr
    # Line 4: Client(12345, timeout="x") (two errors); 5: describe(7); 6: seeed=; 7: an int
    # into a str; 8: exported(None); 9: a name the package lacks; 10: a key samples lack.
    assert sorted({int(e.split(":")[1]) for e in errors}) == [4, 5, 6, 7, 8, 9, 10], errors
    assert any('"timeout" to "Client" has incompatible type "str"' in e for e in errors), errors
    assert any('Module has no attribute "Clinet"' in e for e in errors), errors
    assert any('"TorchBatch" has no key "imgae"' in e for e in errors), errors


def test_the_sample_meta_protocols_list_the_generated_messages_fields():
    """fgbg.SampleMeta and its parts describe the generated (untyped) messages for mypy: the
    same fields, in the proto's order, so that a field added to the proto is added here too."""
    from fgbg import sample_meta
    from fgbg._proto import pb

    for protocol, message in ((sample_meta.SampleMeta, pb.SampleMeta),
                              (sample_meta.BBoxMeta, pb.BBox),
                              (sample_meta.SceneMeta, pb.SceneMeta),
                              (sample_meta.InstanceMeta, pb.InstanceMeta)):
        assert list(typing.get_type_hints(protocol)) == \
            [f.name for f in message.DESCRIPTOR.fields], protocol.__name__


def test_no_log_line_repeats_the_loggers_name():
    """The "fgbg" loggers' name says whose a line is: a literal "fgbg: " at a log line's start
    says it twice (the default-dataset WARNING did, after the others lost theirs)."""
    package = os.path.join(PKG, "fgbg")
    said = re.compile(r"_LOG\.(?:debug|info|warning|error|exception|critical)\(\s*['\"]fgbg: ")
    doubled = []
    for folder, _, files in os.walk(package):
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    doubled += [os.path.join(folder, name)] if said.search(f.read()) else []
    assert doubled == []
