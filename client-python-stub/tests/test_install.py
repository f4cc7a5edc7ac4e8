"""Installing offline, as the README says, from what a fresh checkout holds: a venv that sees
Debian's packages, pip with no index and no build isolation. A fresh checkout has no generated
stubs (fgbg/v1/ is made by the build, or by the first import from a source tree), so the test
installs from a copy of the checkout's files, never from this working tree, whose fgbg/v1/ the
other tests have generated. Nothing is downloaded and the checkout is left as it was."""
import os
import shutil
import subprocess
import sys

from conftest import N, ROOT


def fresh_checkout(dest):
    """Copies the files a clone would hold (tracked or new, not ignored) of client-python-stub/
    and proto/, as the working tree has them, to dest; returns the package folder there."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard",
                             "--", "client-python-stub", "proto"], cwd=ROOT, check=True,
                            capture_output=True).stdout.decode().split("\0")
    for rel in listed:
        src = os.path.join(ROOT, rel)
        if rel and os.path.isfile(src):  # not one deleted in the working tree
            os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
            shutil.copy2(src, os.path.join(dest, rel))
    pkg = os.path.join(dest, "client-python-stub")
    assert os.path.exists(os.path.join(pkg, "setup.py"))
    assert not os.path.exists(os.path.join(pkg, "fgbg", "v1")), "the copy holds generated stubs"
    return pkg


def tree(root):
    return sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, _, files in os.walk(root) for f in files)


def test_offline_install_from_a_fresh_checkout_into_a_venv_with_debian_packages(server, tmp_path):
    checkout = tmp_path / "checkout"
    pkg = fresh_checkout(str(checkout))
    before = tree(str(checkout))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                   check=True)
    py = str(venv / "bin" / "python")
    env = dict(os.environ, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    # As the README: `pip install --no-build-isolation --no-index ./client-python-stub`.
    r = subprocess.run([py, "-m", "pip", "install", "--no-build-isolation", "--no-index",
                        "--no-cache-dir", "--quiet", "./client-python-stub"], env=env,
                       cwd=str(checkout), capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert tree(str(checkout)) == before, "the install left files in the checkout"
    assert not os.path.exists(os.path.join(pkg, "fgbg", "v1"))
    # Imported from the venv, stubs included (an installed fgbg cannot generate them: no proto/).
    probe = ("import os, fgbg, fgbg.torch, fgbg._proto; from fgbg.torch import FgbgDataset; "
             "print(os.path.dirname(fgbg.__file__)); print(fgbg._proto.pb.__file__); "
             "print(os.path.exists(os.path.join(os.path.dirname(fgbg.__file__), 'py.typed'))); "
             "print(len(FgbgDataset(%r)))" % server.target)
    out = subprocess.run([py, "-c", probe], check=True, capture_output=True, text=True,
                         cwd=str(tmp_path), env=dict(os.environ, PYTHONPATH="")).stdout.split()
    assert out[0].startswith(str(venv)) and out[0].endswith("site-packages/fgbg"), out
    assert out[1] == os.path.join(out[0], "v1", "fgbg_pb2.py"), out
    assert out[2:] == ["True", str(N)]
