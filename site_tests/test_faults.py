"""Faults end cleanly: the cache serves only what it verified, the live site never shares a
file with the cache, a read-only or full disk is one line and exit 1 with the old site intact,
an interrupted build leaves no workers and its staging folder goes on the next run, and
``guides serve`` answers at once while the input is invalid."""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, build_project, forget_last_build, make_project
from generator.cli import main

VALID = FIXTURES / "foundation" / "valid"
CODE = "310115001000"


def tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def cache_entry_of(project: Path, published: Path) -> Path:
    """The cache file whose bytes are those of a published file."""
    data = published.read_bytes()
    for path in (project / ".cache" / "guides").rglob(f"*{published.suffix}"):
        if path.is_file() and path.read_bytes() == data:
            return path
    raise AssertionError(f"no cache entry for {published}")


def leftovers(project: Path) -> list[str]:
    return sorted(p.name for p in project.iterdir() if p.name.startswith(".site"))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("faults"), VALID)
    build_project(project)
    return project


# ============================================================ the cache verifies what it serves


@pytest.mark.parametrize("published", [f"matters/{CODE}/slips/notice.pdf", f"matters/{CODE}/flow.svg"])
def test_a_truncated_cache_file_never_reaches_the_live_site(built, published):
    site_file = built / "site" / published
    before = site_file.read_bytes()
    assert site_file.stat().st_nlink == 1  # a copy, not a link to the cache
    entry = cache_entry_of(built, site_file)
    with entry.open("r+b") as handle:  # in place, as a disk fault or a careless tool would
        handle.truncate(100)
    assert site_file.read_bytes() == before
    forget_last_build(built)  # (a build with no input changed keeps the site, reading no cache)
    build_project(built)  # the damaged entry is made again, never published
    assert (built / "site" / published).read_bytes() == before
    assert entry.read_bytes() == before


def test_a_cache_file_changed_in_place_is_rebuilt(built):
    site_file = built / "site" / "matters" / CODE / "slips" / "correction.pdf"
    before = site_file.read_bytes()
    entry = cache_entry_of(built, site_file)
    data = bytearray(before)
    data[len(data) // 2] ^= 0xFF  # same size, one byte changed
    entry.write_bytes(bytes(data))
    forget_last_build(built)
    build_project(built)
    assert (built / "site" / "matters" / CODE / "slips" / "correction.pdf").read_bytes() == before
    assert entry.read_bytes() == before


def test_an_entry_damaged_during_the_build_fails_it_and_keeps_the_old_site(built, monkeypatch, capsys, caplog):
    from generator.publish import plugin

    site = built / "site"
    before = tree_digest(site)
    original = plugin.link_artifacts

    def damage_then_link(site_dir, artifacts, *published):
        _, first = artifacts[0]
        first.write_bytes(b"broken")
        return original(site_dir, artifacts, *published)

    monkeypatch.setattr(plugin, "link_artifacts", damage_then_link)
    monkeypatch.chdir(built)
    # no copy to link from the live site: the artifacts are read from the cache
    forget_last_build(built, reuse_live_files=False)
    assert main(["build", "--jobs", "2"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1 and "build aborted" in err
    assert "已损坏（内容与记录的摘要不符），已删除，未发布" in caplog.text  # MkDocs logs the reason
    assert tree_digest(site) == before
    assert leftovers(built) == []
    monkeypatch.undo()
    build_project(built)
    assert tree_digest(site) == before


def test_an_artifact_the_live_site_has_is_linked_from_it_not_read_from_the_cache(built, monkeypatch):
    """An unchanged artifact comes from the live site (the bytes its ledger recorded), so an
    entry damaged during the build is neither read nor published; the live file is shared
    only until the old site goes."""
    from generator.publish import plugin

    site = built / "site"
    build_project(built)
    before = tree_digest(site)
    original = plugin.link_artifacts
    damaged = []

    def damage_then_link(site_dir, artifacts, *published):
        for _, cached in artifacts:
            cached.write_bytes(b"broken")
            damaged.append(cached)
        return original(site_dir, artifacts, *published)

    monkeypatch.setattr(plugin, "link_artifacts", damage_then_link)
    forget_last_build(built)
    build_project(built)
    assert damaged and tree_digest(site) == before
    assert all(p.stat().st_nlink == 1 for p in site.rglob("*.pdf"))  # the old site is gone
    monkeypatch.undo()
    forget_last_build(built)
    build_project(built)  # the damaged entries are found when next read, and made again
    assert tree_digest(site) == before


# ============================================================ read-only and full disks


def test_a_site_that_cannot_be_replaced_is_one_line_and_exit_1(built, monkeypatch, capsys):
    """What a read-only site/ does: renaming it away fails (simulated: tests run as root)."""
    site = built / "site"
    before = tree_digest(site)
    rename = Path.rename

    def read_only(self, target):
        if self == site:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", read_only)
    monkeypatch.chdir(built)
    forget_last_build(built)
    assert main(["build", "--jobs", "2"]) == 1
    err = capsys.readouterr().err
    assert err == f"guides build: 无法读写 {site}：Permission denied；已发布的网站保持不变 (the published site is unchanged)\n"
    assert tree_digest(site) == before
    assert leftovers(built) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only folder")
def test_a_really_read_only_site_is_one_line_and_exit_1(built, monkeypatch, capsys):
    site = built / "site"
    before = tree_digest(site)
    site.chmod(0o555)
    try:
        monkeypatch.chdir(built)
        forget_last_build(built)
        assert main(["build", "--jobs", "2"]) == 1
    finally:
        site.chmod(0o755)
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1
    assert tree_digest(site) == before
    assert leftovers(built) == []


@pytest.mark.parametrize("where", ["generator.publish.plugin", "generator.cache"])
def test_a_full_disk_is_one_line_and_exit_1(built, monkeypatch, capsys, where):
    import importlib

    site = built / "site"
    before = tree_digest(site)
    module = importlib.import_module(where)
    real = os.replace

    def full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr(module.os, "replace", full)
    monkeypatch.chdir(built)
    # every artifact must be written again for the cache to hit the full disk, and copied
    # (not linked from the live site) for the site to
    forget_last_build(built, reuse_live_files=False)
    assert main(["build", "--jobs", "1"] + (["--clean"] if where == "generator.cache" else [])) == 1
    monkeypatch.setattr(module.os, "replace", real)
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1
    assert "No space left on device；已发布的网站保持不变" in err
    assert tree_digest(site) == before
    assert leftovers(built) == []


# ============================================================ interrupted builds


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:  # it has just ended (a dot run, say)
        return ""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def start_build(project: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "build", "--jobs", "2", "--clean"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def wait_for_workers(process: subprocess.Popen) -> list[int]:
    deadline = time.monotonic() + 120
    while True:
        assert process.poll() is None, process.communicate()
        workers = [pid for pid in children(process.pid) if "python" in cmdline(pid)]
        if len(workers) >= 2:
            return workers
        assert time.monotonic() < deadline, "no slip workers started"
        time.sleep(0.05)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_kill_9_of_a_build_leaves_no_workers_and_the_next_build_cleans_up(tmp_path):
    project = make_project(tmp_path / "p")  # the demo: enough slips to be mid-render
    process = start_build(project)
    workers = wait_for_workers(process)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers):
        assert time.monotonic() < deadline, f"workers left behind: {[p for p in workers if alive(p)]}"
        time.sleep(0.1)
    assert any(name.startswith(".site.building-") for name in leftovers(project))
    build_project(project)
    assert leftovers(project) == []
    assert (project / "site" / "index.html").is_file()


def test_ctrl_c_while_workers_are_forked_is_held_back_then_raised():
    """A Ctrl-C that arrives while the build's main thread forks a worker is raised after the
    fork, not inside logging's at-fork hook (where it was printed as "Exception ignored" and
    lost: the build ran on and exited 0, or hung at its next log line)."""
    import multiprocessing

    from generator.workers import interrupts_deferred

    reached = []
    with pytest.raises(KeyboardInterrupt):
        with interrupts_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            process = multiprocessing.get_context("fork").Process(target=os._exit, args=(0,))
            process.start()
            process.join()
            reached.append("after the fork")
    assert reached == ["after the fork"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with interrupts_deferred():  # nothing held back: nothing raised
        reached.append("quiet")
    assert reached[-1] == "quiet"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_ctrl_c_of_a_build_is_one_line_130_and_leaves_nothing(tmp_path):
    project = make_project(tmp_path / "p")
    process = start_build(project)
    workers = wait_for_workers(process)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert (process.returncode, err.splitlines()[-1]) == (130, "guides build: interrupted"), err
    assert "Traceback" not in err
    assert not any(alive(pid) for pid in workers)
    assert leftovers(project) == []
    assert not (project / "site").exists()


# ============================================================ guides serve while the input is invalid


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 5) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def wait_until(predicate, timeout: float = 120, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_serve_answers_at_once_with_the_problems_and_keeps_the_old_pages(tmp_path):
    project = make_project(tmp_path / "p", VALID)
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        def up() -> bool:
            assert server.poll() is None, server.communicate()
            try:
                return get(base + f"matters/{CODE}/", timeout=2)[0] == 200
            except OSError:
                return False

        wait_until(up, what="the first build")
        matter = project / "matters" / f"{CODE}.yml"
        matter.write_text(matter.read_text(encoding="utf-8").replace("copies: 2", "copies: 两份"), encoding="utf-8")

        def shows_problem() -> bool:
            started = time.monotonic()
            status, body = get(base + f"matters/{CODE}/", timeout=20)
            assert time.monotonic() - started < 10, "a page request waited (before: 15 s and more)"
            return "materials[1].copies" in body

        wait_until(shows_problem, timeout=60, what="the error panel")
        status, body = get(base + f"matters/{CODE}/")
        assert status == 200
        assert f"matters/{CODE}.yml:34:5: materials[1].copies" in body  # the position, for the editor
        assert "城市树木移植审批" in body  # the old page is still there beneath
        status, home = get(base)
        assert status == 200 and "materials[1].copies" in home

        matter.write_text(matter.read_text(encoding="utf-8").replace("copies: 两份", "copies: 2"), encoding="utf-8")
        wait_until(lambda: "materials[1].copies" not in get(base + f"matters/{CODE}/")[1], timeout=60, what="the fixed page")
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()


def test_serve_starts_with_the_problems_when_the_input_is_invalid_from_the_start(tmp_path):
    project = make_project(tmp_path / "p", FIXTURES / "foundation" / "broken")
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        def answered() -> bool:
            assert server.poll() is None, server.communicate()
            try:
                return "materials[1].copies" in get(base, timeout=2)[1]
            except OSError:
                return False

        wait_until(answered, what="the error page")
        status, body = get(base + f"matters/{CODE}/")
        assert "materials[1].copies" in body
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()
