"""The package's top level: what README reaches after a plain `import fgbg` (pure: no server)."""
import subprocess
import sys

from conftest import PKG


def test_readme_modules_are_reached_after_a_plain_import():
    # README writes fgbg.failover.stream_epoch(...) after `import fgbg` alone; a fresh process,
    # so that no other test has imported the submodule already.
    code = ("import fgbg, sys; assert 'fgbg.failover' not in sys.modules; "
            "print(fgbg.failover.stream_epoch.__name__, fgbg.resume.__name__, "
            "fgbg.reconnect.__name__, fgbg.replicas.__name__)")
    r = subprocess.run([sys.executable, "-c", code], cwd=PKG, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["stream_epoch", "fgbg.resume", "fgbg.reconnect", "fgbg.replicas"]


def test_a_name_the_package_lacks_is_an_attribute_error_naming_it():
    code = "import fgbg; fgbg.no_such_thing"
    r = subprocess.run([sys.executable, "-c", code], cwd=PKG, capture_output=True, text=True)
    assert r.returncode == 1 and "module 'fgbg' has no attribute 'no_such_thing'" in r.stderr
