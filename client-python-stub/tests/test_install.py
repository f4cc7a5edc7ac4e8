"""Installing offline, as the README says: a venv that sees Debian's packages, pip with no
index and no build isolation. Nothing is downloaded and the repository is left as it was."""
import os
import subprocess
import sys

from conftest import N, PKG, ROOT


def git_status():
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "--ignored"],
                          cwd=ROOT, check=True, capture_output=True, text=True).stdout


def test_offline_install_into_a_venv_with_debian_packages(server, tmp_path):
    before = git_status()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                   check=True)
    py = str(venv / "bin" / "python")
    env = dict(os.environ, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    subprocess.run([py, "-m", "pip", "install", "--no-build-isolation", "--no-index",
                    "--no-cache-dir", "--quiet", PKG], check=True, env=env, cwd=str(tmp_path))
    assert git_status() == before, "the install left files in the repository"
    probe = ("import os, fgbg, fgbg.torch; from fgbg.torch import FgbgDataset; "
             "print(os.path.dirname(fgbg.__file__)); "
             "print(os.path.exists(os.path.join(os.path.dirname(fgbg.__file__), 'py.typed'))); "
             "print(len(FgbgDataset(%r)))" % server.target)
    out = subprocess.run([py, "-c", probe], check=True, capture_output=True, text=True,
                         cwd=str(tmp_path), env=dict(os.environ, PYTHONPATH="")).stdout.split()
    assert out[0].startswith(str(venv)) and out[0].endswith("site-packages/fgbg"), out
    assert out[1:] == ["True", str(N)]
