"""Starts a real fgbg server process (a small built-in dataset) for the tests."""
import os
import re
import subprocess
import sys
import threading

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "client-python-stub"))
SERVER_JAR = os.path.join(ROOT, "server", "target", "fgbg-server.jar")
CLIENT_JAR = os.path.join(ROOT, "client-java", "target", "fgbg-client.jar")
# 8 bg x 10 fg x 2 flips x 5 placements = 800 samples of 32x32.
SMALL = ["--builtin-size", "32", "--builtin-counts", "8:10", "--builtin-placements", "5"]
N = 800


def java():
    home = os.environ.get("JAVA_HOME")
    return os.path.join(home, "bin", "java") if home else "java"


class Server:
    def __init__(self, args):
        if not os.path.exists(SERVER_JAR):
            raise RuntimeError("%s is missing: build with mvn install (./fgbg test does)" % SERVER_JAR)
        self.proc = subprocess.Popen([java(), "-jar", SERVER_JAR, "--port", "0"] + args,
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
        self.target = "localhost:%d" % port
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


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    s = Server(SMALL + ["--export-root", str(tmp_path_factory.mktemp("exports"))])
    yield s
    s.stop()


def java_stream_digest(target, *args):
    """The Java CLI's `stream` digest line for the same request."""
    out = subprocess.run([java(), "-jar", CLIENT_JAR, "stream", "--target", target] + list(args),
                         check=True, capture_output=True, text=True).stdout.splitlines()
    assert len(out) == 3, out
    return out[2].split(": ")[1]
