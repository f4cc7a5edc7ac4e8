"""The launcher around the JVMs it starts: a server keeps running from its own copy of the jars
while the checkout is rebuilt, and verbs started together on a stale checkout build once."""
import fcntl
import os
import pathlib
import pwd
import re
import shutil
import subprocess
import tempfile
import time

import pytest

import fgbg
from conftest import CLIENT_JAR, LAUNCHER, ROOT, SERVER_JAR, SMALL, Server, java

MODULES = ("common", "proto", "proto-grpc", "core", "server", "client-java", "bench")


def checkout(tmp_path):
    """The launcher and the files it looks at, in a folder of the test's own: what the test
    rewrites is never the repository's jar. The build's stamp is newest: nothing to build."""
    repo = tmp_path / "repo"
    for module in MODULES:
        os.makedirs(repo / module / "target")
    shutil.copy(LAUNCHER, repo / "fgbg")
    shutil.copy(os.path.join(ROOT, "pom.xml"), repo / "pom.xml")
    return repo


def stamp_newest(repo):
    stamp = repo / "bench" / "target" / "fgbg-bench.jar"
    stamp.touch()
    later = time.time() + 5
    os.utime(stamp, (later, later))


def test_a_server_started_by_the_launcher_outlives_a_rebuild_of_its_jars(tmp_path, monkeypatch):
    repo = checkout(tmp_path)
    jar = repo / "server" / "target" / "fgbg-server.jar"
    shutil.copy(SERVER_JAR, jar)
    os.symlink(os.path.join(os.path.dirname(SERVER_JAR), "lib"), repo / "server" / "target" /
               "lib")
    os.symlink(CLIENT_JAR, repo / "client-java" / "target" / "fgbg-client.jar")
    stamp_newest(repo)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("FGBG_MVN", "false")  # nothing is to be built
    s = Server(SMALL, command=[str(repo / "fgbg"), "serve"], cwd=str(tmp_path))
    try:
        # What a rebuild does to the jar under the running server: rewritten in place.
        with open(jar, "r+b") as f:
            f.truncate(0)
            f.write(b"PK\x05\x06" + bytes(18))  # an empty zip
        with fgbg.Client(s.target) as c:  # an export loads classes no call loaded before
            done = c.export("after-rebuild", "npy", "builtin", end=16, progress=False)
        assert done.finished
        assert os.path.exists(os.path.join(s.export_root, "after-rebuild", "manifest.json"))
        s.proc.terminate()
        assert s.proc.wait(30) == 143, "".join(s.log)  # 128 + SIGTERM, as the JVM exits
    finally:
        s.stop()
    log = "".join(s.log)
    assert "NoClassDefFoundError" not in log and "stopped after" in log, log


FAKE_MVN = """#!/bin/sh
# Maven for the test: marks itself running (mkdir fails while another is), takes a while,
# then leaves the jars a build leaves.
if ! mkdir "$FAKE_RUNNING" 2>/dev/null; then echo overlap >>"$FAKE_LOG"; fi
sleep 2
for jar in server/target/fgbg-server.jar client-java/target/fgbg-client.jar; do
  : >"$jar"
done
: >bench/target/fgbg-bench.jar
echo build >>"$FAKE_LOG"
rmdir "$FAKE_RUNNING" 2>/dev/null
exit 0
"""


def test_verbs_started_together_on_a_stale_checkout_build_once(tmp_path):
    repo = checkout(tmp_path)
    mvn = tmp_path / "mvn"
    mvn.write_text(FAKE_MVN)
    mvn.chmod(0o755)
    log = tmp_path / "builds.log"
    env = dict(os.environ, FGBG_MVN=str(mvn), FAKE_LOG=str(log),
               FAKE_RUNNING=str(tmp_path / "running"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    runs = [subprocess.Popen([str(repo / "fgbg"), "build"], cwd=str(tmp_path), env=env,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    said = [r.communicate(timeout=60)[1] for r in runs]
    assert [r.returncode for r in runs] == [0, 0], said
    assert log.read_text().split() == ["build"], said
    waited = [s for s in said if "fgbg: waiting for another build (pid " in s]
    assert len(waited) == 1 and "up to date" in waited[0], said


FAKE_JAVA = """#!/bin/sh
# Java for the test: names the jar it was given and whether a process holds a lock on its copy.
while [ "$1" != -jar ]; do shift; done
echo "$2"
if flock -n -x "$(dirname "$2")/.lock" true; then echo unlocked; else echo locked; fi
"""


def test_a_copy_is_made_once_per_build_and_a_new_one_removes_those_no_process_runs(tmp_path):
    repo = checkout(tmp_path)
    target = repo / "client-java" / "target"
    os.makedirs(target / "lib")
    dep = target / "lib" / "dep.jar"
    dep.write_text("dep")
    jar = target / "fgbg-client.jar"
    (repo / "server" / "target" / "fgbg-server.jar").touch()  # the build looks for it too
    os.makedirs(tmp_path / "java" / "bin")
    java = tmp_path / "java" / "bin" / "java"
    java.write_text(FAKE_JAVA)
    java.chmod(0o755)
    cache = tmp_path / "cache"
    env = dict(os.environ, FGBG_MVN="false", XDG_CACHE_HOME=str(cache),
               JAVA_HOME=str(tmp_path / "java"))

    def build(content):  # what a rebuild leaves: a new jar, the stamp newest
        jar.write_text(content)
        stamp_newest(repo)

    def describe():
        out = subprocess.run([str(repo / "fgbg"), "describe"], cwd=str(tmp_path), env=env,
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        ran, lock = out.stdout.split()
        return os.path.dirname(ran), lock

    def unused_for_11_minutes(*copies):  # past the launcher's 10 minutes of grace
        then = time.time() - 11 * 60
        for copy in copies:
            os.utime(copy, (then, then))

    build("one")
    first, lock = describe()
    assert first.startswith(str(cache)) and lock == "locked"  # the JVM holds its copy's lock
    assert open(os.path.join(first, "fgbg-client.jar")).read() == "one"
    assert open(os.path.join(first, "lib", "dep.jar")).read() == "dep"
    assert describe()[0] == first  # reused until the next build
    build("two")
    second = describe()[0]
    assert second != first and open(os.path.join(second, "fgbg-client.jar")).read() == "two"
    assert open(os.path.join(first, "fgbg-client.jar")).read() == "one"
    build("three")
    third = describe()[0]
    unused_for_11_minutes(first, second)
    with open(os.path.join(first, ".lock")) as running:  # a process still runs from it
        fcntl.flock(running, fcntl.LOCK_SH)
        build("four")
        fourth = describe()[0]
        assert os.path.isdir(first), "a copy a process runs from is kept"
        assert not os.path.exists(second), "an old copy no process runs from is removed"
        assert os.path.isdir(third), "a copy used in the last minutes is kept"
    unused_for_11_minutes(first, third)
    build("five")
    fifth = describe()[0]
    assert sorted(os.listdir(os.path.dirname(first))) == sorted(
        os.path.basename(c) for c in (fourth, fifth))
    # An unchanged library is the newest copy's file, linked; a rebuilt one is copied again.
    assert os.path.samefile(os.path.join(fourth, "lib", "dep.jar"),
                            os.path.join(fifth, "lib", "dep.jar"))
    dep.write_text("dep 2")
    build("six")
    sixth = describe()[0]
    assert open(os.path.join(sixth, "lib", "dep.jar")).read() == "dep 2"
    assert open(os.path.join(fifth, "lib", "dep.jar")).read() == "dep"


@pytest.mark.parametrize("connected", [False, True], ids=["new-connection", "new-call"])
def test_a_server_whose_jar_is_rewritten_under_it_exits_saying_so(tmp_path, connected):
    # Run from the jar itself, not the launcher's copy: the server's own defence. What fails
    # first is a new connection's handler, or (a connection made before) a call's.
    jar = tmp_path / "fgbg-server.jar"
    shutil.copy(SERVER_JAR, jar)
    os.symlink(os.path.join(os.path.dirname(SERVER_JAR), "lib"), tmp_path / "lib")
    s = Server(SMALL, command=[java(), "-jar", str(jar)], cwd=str(tmp_path))
    try:
        for _ in range(300):  # its start-up done: the dataset's line, logged last
            if any("dataset 'builtin':" in line for line in s.log):
                break
            time.sleep(0.1)
        with fgbg.Client(s.target) as c:
            if connected:
                c.describe("builtin")
            with open(jar, "r+b") as f:
                f.truncate(0)
            try:  # an export loads classes no call loaded before
                c.export("after-rebuild", "npy", "builtin", end=16, progress=False)
            except fgbg.FgbgError:
                pass
        assert s.proc.wait(60) == 3, "".join(s.log)  # FatalErrors.EXIT_CODE
    finally:
        s.stop()
    severe = [line for line in s.log if " SEVERE " in line]
    assert len(severe) == 1 and "the server's code changed under it" in severe[0], s.log


GATED_MVN = """#!/bin/sh
# Maven for the test: says it started (a line on a FIFO the test reads), builds once the test
# lets it (a line on another), then leaves the jars a build leaves.
echo started >"$FAKE_STARTED"
read go <"$FAKE_GATE"
for jar in server/target/fgbg-server.jar client-java/target/fgbg-client.jar; do
  : >"$jar"
done
: >bench/target/fgbg-bench.jar
echo build >>"$FAKE_LOG"
"""

NAMING_JAVA = """#!/bin/sh
# Java for the test: a server that only says which jar it was given.
for a; do
  if [ "$prev" = -jar ]; then echo "ran $a"; fi
  prev="$a"
done
"""


GATED_PACKAGES = """# The package installs for the test: say they started (a line on a FIFO the test reads),
# end once the test lets them (a line on another).
echo started >"$FAKE_STARTED"
read go <"$FAKE_GATE"
"""


def checkout_for_tests(tmp_path, mvn, packages="exit 0\n"):
    """A checkout whose ./fgbg test runs the repository's scripts/test.sh with `packages` as its
    package installs and `mvn` as Maven (Java names the jar it runs); the FIFOs the fakes say
    they started on and wait on, and the environment that finds them."""
    repo = checkout(tmp_path)
    os.makedirs(repo / "scripts")
    shutil.copy(os.path.join(ROOT, "scripts", "test.sh"), repo / "scripts" / "test.sh")
    (repo / "scripts" / "python-packages.sh").write_text(packages)
    (repo / "scripts" / "browser.sh").write_text("exit 0\n")  # nothing to install
    os.makedirs(repo / "server" / "target" / "lib")
    (repo / "server" / "target" / "lib" / "dep.jar").write_text("dep")
    bin_dir = tmp_path / "bin"
    os.makedirs(bin_dir)
    for name, text in (("mvn", mvn), ("java", NAMING_JAVA)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    started, gate, log = tmp_path / "started", tmp_path / "gate", tmp_path / "builds.log"
    os.mkfifo(started)
    os.mkfifo(gate)
    env = dict(os.environ, PATH="%s:%s" % (bin_dir, os.environ["PATH"]), FAKE_LOG=str(log),
               FAKE_STARTED=str(started), FAKE_GATE=str(gate), JAVA_HOME=str(tmp_path),
               XDG_CACHE_HOME=str(tmp_path / "cache"))
    env.pop("FGBG_MVN", None)
    return repo, env


def test_serve_started_while_the_tests_install_packages_runs_at_once(tmp_path):
    # ./fgbg test installs packages first (apt: minutes) and takes the build lock only for its
    # mvn install: a serve of built jars started meanwhile runs, not waiting for the installs.
    repo, env = checkout_for_tests(tmp_path, 'echo build >>"$FAKE_LOG"\n', GATED_PACKAGES)
    for jar in ("server/target/fgbg-server.jar", "client-java/target/fgbg-client.jar"):
        (repo / jar).write_text("jar")
    stamp_newest(repo)
    runs = []
    try:
        runs.append(subprocess.Popen([str(repo / "fgbg"), "test"], cwd=str(tmp_path), env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True, start_new_session=True))
        with open(env["FAKE_STARTED"]) as f:  # the tests' package installs run
            assert f.readline() == "started\n"
        runs.append(subprocess.Popen([str(repo / "fgbg"), "serve"], cwd=str(tmp_path), env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     start_new_session=True))
        out, err = runs[1].communicate(timeout=60)  # before: it waited for the installs
        assert runs[1].returncode == 0 and "waiting for another build" not in err, err
        assert out.startswith("ran " + str(tmp_path / "cache")), out
        with open(env["FAKE_GATE"], "w") as f:  # the installs may end; Maven then builds
            f.write("go\n")
        assert runs[0].wait(60) == 0, runs[0].stderr.read()
        assert (tmp_path / "builds.log").read_text().split() == ["build"]
    finally:
        for r in runs:
            if r.poll() is None:
                os.killpg(r.pid, 9)
            r.wait()


def test_serve_started_while_the_tests_build_waits_for_that_build(tmp_path):
    # ./fgbg test's mvn install rewrites the jars: a serve started meanwhile on the stale
    # checkout waits for the build lock, then finds the jars built, instead of building too.
    repo, env = checkout_for_tests(tmp_path, GATED_MVN)
    started, gate, log = env["FAKE_STARTED"], env["FAKE_GATE"], tmp_path / "builds.log"
    runs = []
    try:
        runs.append(subprocess.Popen([str(repo / "fgbg"), "test"], cwd=str(tmp_path), env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True, start_new_session=True))
        with open(started) as f:  # the tests' mvn runs
            assert f.readline() == "started\n"
        runs.append(subprocess.Popen([str(repo / "fgbg"), "serve"], cwd=str(tmp_path), env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     start_new_session=True))
        said = runs[1].stderr.readline()
        assert said.startswith("fgbg: waiting for another build (pid %d)" % runs[0].pid), said
        with open(gate, "w") as f:  # the tests' build may end
            f.write("go\n")
        assert runs[0].wait(60) == 0, runs[0].stderr.read()
        out, err = runs[1].communicate(timeout=60)
        assert runs[1].returncode == 0, err
        assert out.startswith("ran " + str(tmp_path / "cache")), out  # its copy of the jar
        assert "building" not in err, err
        assert log.read_text().split() == ["build"]
    finally:
        for r in runs:
            if r.poll() is None:
                os.killpg(r.pid, 9)
            r.wait()


@pytest.mark.parametrize("how", ["file", "folder", "missing"])
def test_spark_with_a_library_this_user_cannot_read_says_which_in_one_line(how):
    """The Spark job's classpath names jars in the Maven repository of whoever built it: one this
    user cannot read (the file, or its folder), or one removed since, is named in one line."""
    # Root reads anything, so the launcher runs as nobody where the suite runs as root.
    as_user = dict(user=65534, group=65534, extra_groups=[]) if os.geteuid() == 0 else {}
    who = pwd.getpwuid(as_user.get("user", os.getuid())).pw_name
    top = pathlib.Path(tempfile.mkdtemp())  # not tmp_path: its base folder is private to its user
    bad_folder = top / "m2" / "org" / "bad" / "1.0"
    try:
        repo = checkout(top)
        spark = repo / "spark"
        os.makedirs(spark / "target")
        shutil.copy(os.path.join(ROOT, "spark", "pom.xml"), spark / "pom.xml")
        (spark / "target" / "fgbg-spark.jar").write_text("job")
        good, bad = top / "m2" / "org" / "good" / "1.0" / "good.jar", bad_folder / "bad.jar"
        for jar in (good, bad):
            os.makedirs(jar.parent)
            jar.write_text("lib")
        (spark / "target" / "classpath-runtime.txt").write_text("%s:%s" % (good, bad))
        stamp = spark / "target" / "classpath-spark.txt"  # the Spark build's: newest
        stamp.write_text(str(good))
        later = time.time() + 5
        os.utime(stamp, (later, later))
        os.makedirs(top / "java" / "bin")
        (top / "java" / "bin" / "java").write_text(NAMING_JAVA)
        for path, _, _ in os.walk(top):
            os.chmod(path, 0o755)
        os.chmod(top / "java" / "bin" / "java", 0o755)
        if how == "file":
            bad.chmod(0)
        elif how == "folder":
            bad_folder.chmod(0)
        else:
            bad.unlink()
        env = dict(os.environ, FGBG_MVN="false", JAVA_HOME=str(top / "java"), HOME=str(top),
                   XDG_CACHE_HOME=str(top / "cache"))
        r = subprocess.run([str(repo / "fgbg"), "spark", "export"], cwd=str(top), env=env,
                           capture_output=True, text=True, **as_user)
    finally:
        if bad_folder.is_dir():
            bad_folder.chmod(0o755)
        shutil.rmtree(top)
    assert r.returncode == 1 and r.stdout == "", (r.stdout, r.stderr)
    if how == "missing":
        said = ("fgbg: error: %s, on the classpath of the last build, is missing: rebuild "
                "(touch %s, then ./fgbg spark again)" % (bad, repo / "pom.xml"))
    else:
        said = ("fgbg: error: %s cannot read %s, in the Maven repository of the last build: "
                "run ./fgbg as the user who built it, or build with a repository %s can read "
                "(touch %s, then MAVEN_OPTS=-Dmaven.repo.local=/your/m2 ./fgbg spark ...)"
                % (who, bad, who, repo / "pom.xml"))
    assert r.stderr == said + "\n", r.stderr


@pytest.mark.parametrize("version,flags", [
    ("17.0.15", ["--enable-native-access=ALL-UNNAMED"]),
    ("25.0.3", ["--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"]),
])
def test_the_jvm_is_started_with_the_flags_that_quiet_its_warnings(tmp_path, version, flags):
    # Java 25 warned on every start that grpc's netty loads a native library and that
    # MappedBuffers calls sun.misc.Unsafe.invokeCleaner; 17 refuses the second flag.
    repo = checkout(tmp_path)
    for module, jar in (("server", "fgbg-server.jar"), ("client-java", "fgbg-client.jar")):
        (repo / module / "target" / jar).touch()
        os.makedirs(repo / module / "target" / "lib")
        (repo / module / "target" / "lib" / "dep.jar").write_text("dep")
    stamp_newest(repo)
    home = tmp_path / "java"
    os.makedirs(home / "bin")
    (home / "release").write_text('JAVA_VERSION="%s"\n' % version)
    java = home / "bin" / "java"
    # The server's sizing run (JvmSizing) prints nothing: the started JVM's flags are the ones.
    java.write_text('#!/bin/sh\ncase "$*" in *JvmSizing*) exit 0;; esac\n'
                    'for a in "$@"; do echo "$a"; done\n')
    java.chmod(0o755)
    env = dict(os.environ, FGBG_MVN="false", XDG_CACHE_HOME=str(tmp_path / "cache"),
               JAVA_HOME=str(home))
    env.pop("FGBG_JAVA_OPTS", None)
    for verb in ("describe", "serve"):
        out = subprocess.run([str(repo / "fgbg"), verb], cwd=str(tmp_path), env=env,
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        args = out.stdout.split("\n")
        assert [a for a in args if a.startswith(("--enable-native", "--sun-misc"))] == flags, \
            out.stdout


def built_checkout(tmp_path):
    """A checkout whose jars are built (the stamp newest) and whose Java names the jar it runs:
    its environment (Maven must not run)."""
    repo = checkout(tmp_path)
    for module, jar in (("server", "fgbg-server.jar"), ("client-java", "fgbg-client.jar")):
        (repo / module / "target" / jar).write_text("jar")
        os.makedirs(repo / module / "target" / "lib")
        (repo / module / "target" / "lib" / "dep.jar").write_text("dep")
    stamp_newest(repo)
    os.makedirs(tmp_path / "java" / "bin")
    (tmp_path / "java" / "bin" / "java").write_text(NAMING_JAVA)
    (tmp_path / "java" / "bin" / "java").chmod(0o755)
    env = dict(os.environ, FGBG_MVN="false", XDG_CACHE_HOME=str(tmp_path / "cache"),
               JAVA_HOME=str(tmp_path / "java"))
    return repo, env


def held_build_lock(repo, says):
    """The build lock, held as another launcher holds it, its file saying `says`."""
    os.makedirs(repo / "target", exist_ok=True)
    held = open(repo / "target" / "fgbg-build.lock", "w")
    fcntl.flock(held, fcntl.LOCK_EX)
    held.write(says)
    held.flush()
    return held


def test_a_serve_of_a_current_build_does_not_wait_for_another_launchers_check(tmp_path):
    # Two servers started together: the second waited for the first's check of the build
    # ("waiting for another build"), though nothing was to be built and its copy was made.
    repo, env = built_checkout(tmp_path)
    first = subprocess.run([str(repo / "fgbg"), "serve"], cwd=str(tmp_path), env=env,
                           capture_output=True, text=True, timeout=60)
    assert first.returncode == 0 and first.stdout.startswith("ran "), first.stderr
    with held_build_lock(repo, "4242 checking\n"):
        try:  # before: it waited for the lock, here for ever
            again = subprocess.run([str(repo / "fgbg"), "serve"], cwd=str(tmp_path), env=env,
                                   capture_output=True, text=True, timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail("the serve waited for the build lock of a current build")
    assert again.returncode == 0 and again.stdout == first.stdout, again.stderr
    assert "waiting" not in again.stderr, again.stderr


def test_a_verb_that_waits_for_a_check_says_so_not_that_a_build_runs(tmp_path):
    repo, env = built_checkout(tmp_path)  # no copy made yet: this serve needs the lock
    with held_build_lock(repo, "4242 checking\n"):
        r = subprocess.Popen([str(repo / "fgbg"), "serve"], cwd=str(tmp_path), env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
        said = r.stderr.readline()
    try:
        assert said == "fgbg: waiting for another fgbg (pid 4242) checking the build ...\n", said
        out, err = r.communicate(timeout=60)
        assert r.returncode == 0 and out.startswith("ran "), err
    finally:
        if r.poll() is None:
            os.killpg(r.pid, 9)
        r.wait()


SLOW_MVN = """#!/bin/sh
# Maven for the test: builds the first module's jar, then runs until the test lets it end (a
# file appears) or 60 s pass, then leaves the jars a build leaves.
: >common/target/fgbg-common.jar
i=0
while [ ! -e "$FAKE_GO" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
for jar in server/target/fgbg-server.jar client-java/target/fgbg-client.jar; do
  : >"$jar"
done
: >bench/target/fgbg-bench.jar
"""


def lines_of_a_slow_build(command, cwd, env, go):
    """(exit code, stderr lines) of `command`, whose fake Maven runs until `go` exists: made at
    the first "still building" line."""
    r = subprocess.Popen(command, cwd=str(cwd), env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, start_new_session=True)
    lines = []
    try:
        for line in r.stderr:
            lines.append(line)
            if line.startswith("fgbg: still building"):
                go.touch()
        return r.wait(60), lines
    finally:
        if r.poll() is None:
            os.killpg(r.pid, 9)
        r.wait()


def test_a_long_build_says_every_while_that_it_still_runs(tmp_path):
    repo = checkout(tmp_path)
    mvn = tmp_path / "mvn"
    mvn.write_text(SLOW_MVN)
    mvn.chmod(0o755)
    go = tmp_path / "go"
    env = dict(os.environ, FGBG_MVN=str(mvn), FAKE_GO=str(go), FGBG_PROGRESS_S="1",
               XDG_CACHE_HOME=str(tmp_path / "cache"))
    # before: nothing until Maven ended (60 s here)
    code, lines = lines_of_a_slow_build([str(repo / "fgbg"), "build"], tmp_path, env, go)
    assert code == 0, lines
    assert lines[0] == "fgbg: building (mvn install, tests skipped) ...\n", lines
    progress = [line for line in lines if line.startswith("fgbg: still building")]
    assert progress and re.fullmatch(
        r"fgbg: still building \(\d+ s; mvn: 1 of 7 modules built, the last common\)\n",
        progress[0]), lines
    assert lines[-1].startswith("fgbg: built in "), lines


SLOW_SPARK_MVN = """#!/bin/sh
# Maven for the test's Spark build: builds the first module's jar, runs until the test lets it
# end (a file appears) or 60 s pass, then leaves what the Spark build leaves.
: >common/target/fgbg-common.jar
i=0
while [ ! -e "$FAKE_GO" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
: >spark/target/fgbg-spark.jar
: >spark/target/classpath-runtime.txt
: >spark/target/classpath-spark.txt
"""


def test_a_long_spark_build_says_every_while_that_it_still_runs_and_its_time(tmp_path):
    # Before: its first line, then nothing for a minute or more, and no "built in".
    repo = checkout(tmp_path)
    os.makedirs(repo / "spark" / "target")
    shutil.copy(os.path.join(ROOT, "spark", "pom.xml"), repo / "spark" / "pom.xml")
    os.makedirs(tmp_path / "java" / "bin")
    for path, text in ((tmp_path / "mvn", SLOW_SPARK_MVN),
                       (tmp_path / "java" / "bin" / "java", NAMING_JAVA)):
        path.write_text(text)
        path.chmod(0o755)
    go = tmp_path / "go"
    env = dict(os.environ, FGBG_MVN=str(tmp_path / "mvn"), FAKE_GO=str(go),
               FGBG_PROGRESS_S="1", JAVA_HOME=str(tmp_path / "java"),
               XDG_CACHE_HOME=str(tmp_path / "cache"))
    _, lines = lines_of_a_slow_build([str(repo / "fgbg"), "spark", "--help"], tmp_path, env, go)
    assert lines[0] == "fgbg: building the Spark module (mvn install, tests skipped) ...\n", lines
    progress = [line for line in lines if line.startswith("fgbg: still building")]
    assert progress and re.fullmatch(
        r"fgbg: still building \(\d+ s; mvn: 1 of 6 modules built, the last common\)\n",
        progress[0]), lines
    assert [line for line in lines if line.startswith("fgbg: built in ")], lines
