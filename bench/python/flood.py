"""Issue 11's flood: one client opens N StreamEpoch calls at once that each read one message.

Starts the server jar (default settings, built-in dataset) on a free port, opens the calls,
describes every 0.2 s with a 1 s deadline for --seconds while sampling the server's RSS, then
cancels everything and times SIGTERM. Prints how the calls were answered, the slowest describe,
describe timeouts, peak RSS and how long SIGTERM took.

    /usr/bin/python3 bench/python/flood.py [--server-jar PATH] [--streams 1000] [--seconds 30]
"""
import argparse
import os
import re
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "client-python-stub"))


def start_server(jar):
    proc = subprocess.Popen(["java", "-jar", jar, "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        m = re.search(r"listening on [^:]+:(\d+)", line)
        if m:
            threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
            return proc, "127.0.0.1:" + m.group(1)
    raise RuntimeError("server did not start")


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
    return -1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server-jar", default=os.path.join(ROOT, "server/target/fgbg-server.jar"))
    ap.add_argument("--streams", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=30)
    a = ap.parse_args()

    import grpc
    from fgbg._proto import pb, pb_grpc

    proc, target = start_server(a.server_jar)
    try:
        flood = pb_grpc.FgbgStub(grpc.insecure_channel(
            target, options=[("grpc.max_receive_message_length", 64 << 20)]))
        probe = pb_grpc.FgbgStub(grpc.insecure_channel(target))
        probe.Describe(pb.DescribeRequest(dataset="builtin"), timeout=30)
        print("rss before MB:", rss_mb(proc.pid), flush=True)
        calls = [flood.StreamEpoch(pb.StreamEpochRequest(dataset="builtin", epoch=i,
                                                         shuffle=True, batch_size=64),
                                   timeout=600) for i in range(a.streams)]
        answers = {}
        lock = threading.Lock()

        def first(call):
            try:
                next(call)
                kind = "first message"
            except grpc.RpcError as e:
                kind = str(e.code())
            with lock:
                answers[kind] = answers.get(kind, 0) + 1

        for c in calls:
            threading.Thread(target=first, args=(c,), daemon=True).start()
        t0 = time.time()
        worst, timeouts, peak = 0.0, 0, 0
        while time.time() - t0 < a.seconds:
            s = time.time()
            try:
                probe.Describe(pb.DescribeRequest(dataset="builtin"), timeout=1)
                worst = max(worst, time.time() - s)
            except grpc.RpcError:
                timeouts += 1
            peak = max(peak, rss_mb(proc.pid))
            time.sleep(0.2)
        with lock:
            print("answers:", dict(answers), "(no answer: %d)" % (a.streams - sum(answers.values())))
        print("describe: slowest %.3f s, %d timeouts (1 s deadline)" % (worst, timeouts))
        print("peak rss MB:", peak, flush=True)
        for c in calls:
            c.cancel()
    finally:
        s = time.time()
        proc.terminate()
        try:
            code = proc.wait(timeout=120)
            print("SIGTERM: exit %d after %.1f s" % (code, time.time() - s))
        except subprocess.TimeoutExpired:
            proc.kill()
            print("SIGTERM: still running after 120 s; killed")


if __name__ == "__main__":
    main()
