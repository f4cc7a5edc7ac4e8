"""A newcomer's stream beside Python streams that read one batch and then hold.

    ./fgbg serve --port 50061 --ui-port 50062 --max-streams-per-client 256 &
    /usr/bin/python3 bench/python/idle_python_streams.py --target 127.0.0.1:50061 \
        --ui http://127.0.0.1:50062

This process opens `--streams` StreamEpoch streams on one fgbg.Client (network path, batch 64,
shuffled), takes one batch of each and never reads again: grpc-core, the Python client's
transport, lets such a stream's window grow to tens of megabytes. A second process, the
newcomer, then streams for `--seconds` and prints its samples per second; with `--ui`, the
server's memory budget in use (the web UI's /api/live) is printed once the holders are open.
"""
import argparse
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from typing import Any, Dict, List

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "client-python-stub"))
import fgbg  # noqa: E402

NEWCOMER = """
import sys, time
sys.path.insert(0, %r)
import fgbg
c = fgbg.Client(%r, stream_timeout=%f)
n, t0 = 0, time.time()
try:
    for b in c.stream_epoch(batch_size=64, epoch=999, shuffle=True):
        n += len(b)
        if time.time() - t0 > %f:
            break
    end = "ok"
except fgbg.FgbgError as e:
    end = e.code
print("newcomer: %%d samples in %%.1f s, %%.0f samples/s (%%s)"
      %% (n, time.time() - t0, n / (time.time() - t0), end))
"""


def budget_in_use(ui: str) -> str:
    with urllib.request.urlopen(ui.rstrip("/") + "/api/live", timeout=10) as r:
        live: Dict[str, Any] = json.load(r)
    budget = live.get("budget", {})
    return "%.1f of %.1f MB" % (budget.get("used", 0) / 1e6, budget.get("capacity", 0) / 1e6)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--target", required=True)
    p.add_argument("--ui", default="")
    p.add_argument("--streams", type=int, default=200)
    p.add_argument("--seconds", type=float, default=25.0)
    a = p.parse_args()
    client = fgbg.Client(a.target, shared_memory=False, stream_timeout=3600)
    held: List[Any] = []
    errors: List[str] = []
    lock = threading.Lock()
    gate = threading.Semaphore(16)

    def hold(k: int) -> None:
        with gate:
            it = client.stream_epoch(batch_size=64, epoch=k, shuffle=True)
            try:
                first = next(it)
            except fgbg.FgbgError as e:
                with lock:
                    errors.append(e.code)
                return
            with lock:
                held.append((it, first))

    t0 = time.time()
    threads = [threading.Thread(target=hold, args=(k,), daemon=True) for k in range(a.streams)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("holders: %d streams read one batch and hold (%d refused) in %.1f s"
          % (len(held), len(errors), time.time() - t0), flush=True)
    time.sleep(5)  # their transports take what their windows allow
    if a.ui:
        print("budget in use: " + budget_in_use(a.ui), flush=True)
    package = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..",
                                           "client-python-stub"))
    code = NEWCOMER % (package, a.target, a.seconds + 30, a.seconds)
    subprocess.run([sys.executable, "-c", code], check=True, timeout=a.seconds + 60)
    client.close()


if __name__ == "__main__":
    main()
