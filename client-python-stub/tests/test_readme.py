"""README's examples run as written: the dataset examples through the launcher (plus --port 0,
so parallel runs never collide) from a folder of generated images, then checked through the
server they start; and every Python snippet as a script of its own, against a server it can
talk to (through $FGBG_TARGET, as a user's would)."""
import contextlib
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import threading
import time

import pytest

import fgbg
import photos
from conftest import LAUNCHER, PKG, ROOT, SMALL, Server

README = os.path.join(ROOT, "README.md")


def python_snippets():
    return re.findall(r"```python\n(.*?)```", open(README, encoding="utf-8").read(), re.S)


def readme_examples():
    """The serve lines of README's "Datasets from your own images" and its datasets.json."""
    text = open(README, encoding="utf-8").read()
    section = text[text.index("## Datasets from your own images"):]
    bash = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    config = re.search(r"```json\n(.*?)```", section, re.S).group(1)
    lines = [line.split("#")[0].strip() for line in bash.splitlines()]
    return [line for line in lines if line.startswith("./fgbg serve")], json.loads(config)


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("user")
    photos.photos(str(root))
    photos.cifar(str(root))
    photos.mnist(str(root))
    lines, config = readme_examples()
    (root / "datasets.json").write_text(json.dumps(config))
    return root, lines


@contextlib.contextmanager
def serving(line, cwd):
    """The server README's `line` starts, run from `cwd`; stopped afterwards."""
    args = shlex.split(line)
    assert args[0] == "./fgbg"
    s = Server(args[1:], command=[LAUNCHER], cwd=str(cwd))
    try:
        yield s
    finally:
        s.stop()


def test_the_readme_has_the_three_examples(folders):
    _, lines = folders
    assert len(lines) == 3 and "--no-flip" in lines[1], lines


def test_photos_with_wide_cutouts_serve_with_default_flags(folders):
    root, lines = folders
    with serving(lines[0], root) as s, fgbg.Client(s.target) as c:
        info = c.describe("office")
        assert (info.backgrounds, info.foregrounds, info.flips) == (6, 6, 2)
        assert info.spec.position == "ground", "photos have no floor: feet in the ground band"
        b = c.get_samples(range(0, info.size, 37), "office", outputs=["mask", "meta"])
        assert b.meta and all(0 <= m.x and m.x + m.fg_width <= 224 for m in b.meta)
        assert all(m.y + m.fg_height - 1 >= round(0.7 * 223) for m in b.meta), "none floats"
        log = "".join(s.log)
        assert "3 of 6 foregrounds are too wide for fg_scale_max 0.6" in log, log
        assert "6 of 6 backgrounds are smaller than the 224x224 output and are upscaled; " \
               "the most enlarged: " in log, log
        assert " 1.4x (160x160), " in log and "... and 1 more" in log, log
        out = subprocess.run([LAUNCHER, "gallery", "--dataset", "office", "--count", "2",
                              "--target", s.target, "--out", "office.png"], cwd=str(root),
                             capture_output=True, text=True, check=True)
        assert out.stdout.startswith("office.png") and (root / "office.png").exists()


def test_mnist_over_cifar_gets_csv_labels_and_no_flips(folders):
    root, lines = folders
    with serving(lines[1], root) as s, fgbg.Client(s.target) as c:
        info = c.describe("overlay")
        assert info.flips == 1 and info.foregrounds == 10
        assert info.foreground_labels == tuple(str(d) for d in range(10))
        assert info.background_labels == ("airplane", "cat", "ship")
        for m in c.get_samples(range(0, info.size, 97), "overlay", outputs=["meta"]).meta:
            name = info.foreground_names[m.fg]  # NNNNN_<label>.png, labelled in labels.csv
            assert info.foreground_labels[m.fg_label] == name.split("_")[1][0], name


def test_the_config_file_example(folders):
    root, lines = folders
    with serving(lines[2], root) as s, fgbg.Client(s.target) as c:
        assert {d.name for d in c.list_datasets()} == {"builtin", "office64", "overlay"}
        office = c.describe("office64")
        assert office.image_shape == (64, 64, 3) and office.spec.position == "ground"
        assert (office.spec.ground_min, office.spec.ground_max) == (0.7, 1.0)
        overlay = c.describe("overlay")
        assert overlay.flips == 1
        # The flags' example and the file's mirror each other.
        assert (overlay.spec.fg_scale_min, overlay.spec.fg_scale_max) == (0.5, 0.9)
        here = {d: c.describe(d).fingerprint for d in ("office64", "overlay")}
    # From another folder the file's relative folders are still its own: the same datasets.
    line = lines[2].replace("datasets.json", str(root / "datasets.json"))
    with serving(line, root.parent) as s, fgbg.Client(s.target) as c:
        assert {d: c.describe(d).fingerprint for d in ("office64", "overlay")} == here


# ---------------------------------------------------------------------- the Python snippets


@pytest.fixture(scope="module")
def snippet_servers(tmp_path_factory):
    """Servers for the snippets, by what each names: the built-in index space at 32x32 (index
    399999 exists), a small built-in set (whole epochs in seconds), and a small "office" folder
    dataset whose export root is the snippets' working folder; and the small set as scenes."""
    work = tmp_path_factory.mktemp("snippets")
    photos.photos(str(work))
    servers = {
        "builtin": Server(["--builtin-size", "32"], export_root=work / "exports"),
        "small": Server(SMALL),
        "scenes": Server(SMALL + ["--objects", "1:4", "--max-truncation", "0.3"]),
        "office": Server(["--bg", str(work / "photos" / "backgrounds"), "--fg",
                          str(work / "photos" / "cutouts"), "--name", "office", "--size", "32",
                          "--placements", "2", "--fg-scale", "0.3:0.5"],
                         export_root=work / "exports"),
    }
    yield work, servers
    for s in servers.values():
        s.stop()


def server_for(snippet):
    if "office" in snippet:
        return "office"
    if "detection_" in snippet:  # "Training a detector": a server of scenes, as it says
        return "scenes"
    # the export README's command before it writes where the builtin server exports
    return "builtin" if "399999" in snippet or "fgbg.exported(" in snippet else "small"


def wait_all(procs, timeout):
    """Each process's stderr once all have ended; when one fails, the others are ended first
    (so a hung peer costs no timeout), and past `timeout` seconds every one is."""
    errs = [""] * len(procs)

    def read(i):
        errs[i] = procs[i].stderr.read()

    readers = [threading.Thread(target=read, args=(i,), daemon=True) for i in range(len(procs))]
    for t in readers:
        t.start()
    deadline = time.monotonic() + timeout
    while True:
        codes = [p.poll() for p in procs]  # each polled: any() would stop at the first running
        if None not in codes:
            break
        failed = any(c not in (None, 0) for c in codes)
        if failed or time.monotonic() > deadline:
            for p in procs:
                if p.poll() is None:
                    p.kill()
            break
        time.sleep(0.2)
    for p in procs:
        p.wait()
    for t in readers:
        t.join(10)
    return errs


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_each_export_command_of_the_readme_writes_a_folder_of_its_own():
    # Run in README's order, a second export to the quick start's office_v1 (another dataset,
    # another selection) was refused: the folder held the first one's export.
    dests = [shlex.split(line)[shlex.split(line).index("--dest") + 1]
             for line in re.findall(r"^\./fgbg export [^#\n]*--dest [^#\n]*", open(README).read(),
                                    re.M)]
    assert len(dests) >= 4 and len(set(dests)) == len(dests), dests


def test_the_readme_has_its_python_snippets():
    snippets = python_snippets()
    assert len(snippets) == 9, "a new snippet is run by test_every_python_snippet_runs"
    # None needs a dataset of your own: each runs on the default server (of scenes, for the
    # detector's, as its first line says), as a reader's would.
    assert [server_for(x) for x in snippets] == ["builtin", "small", "small", "small", "small",
                                                  "builtin", "small", "builtin", "scenes"]


@pytest.mark.parametrize("n", range(9))
def test_every_python_snippet_runs_as_written(snippet_servers, n):
    work, servers = snippet_servers
    snippet = python_snippets()[n]
    server = servers[server_for(snippet)]
    env = dict(os.environ, PYTHONPATH=PKG, FGBG_TARGET=server.target)
    if "init_process_group" in snippet:  # what torchrun sets for each rank
        env.update(RANK="0", WORLD_SIZE="1", LOCAL_RANK="0", MASTER_ADDR="127.0.0.1",
                   MASTER_PORT=str(free_port()), GLOO_SOCKET_IFNAME="lo")
    if "fgbg.exported(" in snippet:  # the README's export command just before it, as written
        path = re.search(r'fgbg\.exported\("exports/([^"]+)"', snippet).group(1)
        line = re.search(r"\./fgbg export [^#\n]*--dest %s\b[^#\n]*" % path,
                         open(README).read()).group(0)
        assert path != "office_v1", "a fresh dest: office_v1 is README's folders export"
        done = subprocess.run([LAUNCHER] + shlex.split(line)[1:], cwd=str(work), env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    run_snippet(work / ("snippet%d.py" % n), snippet, env)


def run_snippet(script, snippet, env):
    script.write_text(snippet)
    out = subprocess.run([sys.executable, str(script)], cwd=str(script.parent), env=env,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    assert "terminate called" not in out.stderr and "leaked" not in out.stderr, out.stderr


def transform_snippets():
    return [s for s in python_snippets() if "transform=augment" in s]


def test_the_readme_has_its_transform_snippets():
    assert len(transform_snippets()) == 2, "a new one is run on a dataset without depth below"


@pytest.mark.parametrize("n", range(2))
def test_every_transform_snippet_runs_on_a_folder_dataset_without_depth(snippet_servers, n):
    """A user's own photos with no depth model stream no "depth": README's transforms, run in
    the DataLoader workers as written, must not need it (they raised KeyError: 'depth')."""
    work, servers = snippet_servers
    snippet = transform_snippets()[n]
    assert snippet.count("FgbgIterableDataset(") == 1  # the one dataset it builds
    mine = snippet.replace("FgbgIterableDataset(batch_size=",
                           "FgbgIterableDataset(dataset=\"office\", batch_size=")
    assert mine != snippet
    env = dict(os.environ, PYTHONPATH=PKG, FGBG_TARGET=servers["office"].target)
    run_snippet(work / ("office_transform%d.py" % n), mine, env)


def test_the_java_snippets_compile_with_the_imports_and_classpath_readme_gives(tmp_path):
    """README's Java: its imports block, then the first two snippets pasted one after the other
    into main (as a user does), the later ones in a method given a client, compiled with the
    javac line it gives (the client jar alone: its manifest pulls in lib/)."""
    text = open(README, encoding="utf-8").read()
    section = text[text.index("## Use it from Java"):text.index("## Use it from Python")]
    imports, first, *more = re.findall(r"```java\n(.*?)```", section, re.S)
    rest = re.findall(r"```java\n(.*?)```", text[text.index("## Use it from Python"):], re.S)
    assert imports.lstrip().startswith("import ") and len(rest) == 1 and len(more) == 2
    # The resume snippet once used a `client` that exists only inside the first one's try; the
    # failover one uses its `rank`.
    first += "".join(more)
    javac = re.search(r"^javac -cp (\S+) Demo\.java$", section, re.M)
    jar = os.path.join(ROOT, javac.group(1))
    assert os.path.exists(jar), "the Java client is not built: ./fgbg test builds it first"
    methods = "".join("  static void snippet%d(FgbgClient client) throws Exception {\n%s  }\n"
                      % (n, body) for n, body in enumerate(rest))
    (tmp_path / "Demo.java").write_text(
        imports + "\npublic class Demo {\n  public static void main(String[] args) throws "
        "Exception {\n" + first + "  }\n" + methods + "}\n")
    done = subprocess.run(["javac", "-cp", jar, "Demo.java"], cwd=str(tmp_path),
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_java_dependency_readme_gives_resolves_the_versions_fgbg_is_tested_with(tmp_path):
    """README's Maven dependency alone, in a project of its own, resolved offline from the local
    repository `mvn install` filled: gson and guava at the root pom's managed versions. It got
    protobuf-java-util's gson 2.8.9 and guava -android: a parent's managed versions do not reach
    a consumer."""
    text = open(README, encoding="utf-8").read()
    section = text[text.index("## Use it from Java"):text.index("## Use it from Python")]
    dependency, = re.findall(r"```xml\n(.*?)```", section, re.S)
    root = open(os.path.join(ROOT, "pom.xml"), encoding="utf-8").read()

    def managed(artifact):
        return re.search(r"<artifactId>%s</artifactId>\s*<version>([^<]+)</version>" % artifact,
                         root).group(1)

    repo = next((a.split("=", 1)[1] for a in os.environ.get("MAVEN_OPTS", "").split()
                 if a.startswith("-Dmaven.repo.local=")),
                os.path.expanduser("~/.m2/repository"))
    installed = os.path.join(repo, "dev/fgbg/fgbg-client/0.1.0-SNAPSHOT/"
                             "fgbg-client-0.1.0-SNAPSHOT.pom")
    mine = open(os.path.join(ROOT, "client-java/pom.xml"), encoding="utf-8").read()
    assert os.path.exists(installed) and open(installed, encoding="utf-8").read() == mine, \
        "the installed fgbg-client is not this checkout's: mvn install first (./fgbg test does)"
    (tmp_path / "pom.xml").write_text(
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
        "<groupId>example</groupId><artifactId>consumer</artifactId><version>1</version>"
        "<dependencies>%s</dependencies></project>\n" % dependency)
    listed = tmp_path / "list.txt"
    plugin = "org.apache.maven.plugins:maven-dependency-plugin:%s:list" % managed(
        "maven-dependency-plugin")
    done = subprocess.run(["mvn", "-o", "-q", "-B", plugin, "-DoutputFile=" + str(listed)],
                          cwd=str(tmp_path), capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
    jars = re.findall(r"^\s+(\S+:\S+):jar:(\S+?):", listed.read_text(), re.M)
    versions = dict(jars)
    assert versions["com.google.code.gson:gson"] == managed("gson"), jars
    assert versions["com.google.guava:guava"] == managed("guava"), jars


# Runs a snippet (argv[1]) as __main__, each process of it (DataLoader workers are forked)
# refusing a stats pass and more than argv[2] samples.
_BOUNDED = '''
import runpy, sys
import fgbg
from fgbg.torch import FgbgDataset

BOUND = int(sys.argv[2])
asked = [0]


def counted(get):
    def fetch(self, i):
        asked[0] += len(i) if isinstance(i, list) else 1
        if asked[0] > BOUND:
            raise RuntimeError("the snippet asked for over %d samples in one process" % BOUND)
        return get(self, i)
    return fetch


def refused(*args, **kwargs):
    raise RuntimeError("the snippet made a stats pass over the whole dataset")


FgbgDataset.__getitem__ = counted(FgbgDataset.__getitem__)
FgbgDataset.__getitems__ = counted(FgbgDataset.__getitems__)
fgbg.Client.stats = refused
runpy.run_path(sys.argv[1], run_name="__main__")
'''


def test_the_ddp_snippet_is_cheap_as_written_on_the_400000_samples_with_two_ranks(
        snippet_servers):
    """README's DDP snippet on the built-in dataset's 400,000 samples, 2 ranks started by
    RANK/WORLD_SIZE (as README says to where torchrun fails): it made a stats pass over all of
    them (normalize="dataset", ~100 s) and streamed all of them each epoch."""
    work, servers = snippet_servers
    snippet, = [s for s in python_snippets() if "DistributedSampler(" in s]
    (work / "ddp.py").write_text(snippet)
    (work / "bounded.py").write_text(_BOUNDED)
    env = dict(os.environ, PYTHONPATH=PKG, FGBG_TARGET=servers["builtin"].target,
               WORLD_SIZE="2", MASTER_ADDR="127.0.0.1", MASTER_PORT=str(free_port()),
               GLOO_SOCKET_IFNAME="lo")
    # Its 2 epochs of 4,000 samples: at most 8,000 in any one process.
    ranks = [subprocess.Popen([sys.executable, "bounded.py", "ddp.py", "8000"], cwd=str(work),
                              env=dict(env, RANK=str(r), LOCAL_RANK=str(r)),
                              stderr=subprocess.PIPE, text=True) for r in range(2)]
    # A rank that fails leaves the other waiting in gloo for 30 minutes: the first to fail ends
    # the other, and its own words are the failure.
    errs = wait_all(ranks, 600)
    said = "\n".join("rank %d (exit %s):\n%s" % (i, r.returncode, err)
                     for i, (r, err) in enumerate(zip(ranks, errs)))
    assert all(r.returncode == 0 and "Traceback" not in err
               for r, err in zip(ranks, errs)), said
