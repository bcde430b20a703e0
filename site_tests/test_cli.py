"""Exit codes and messages of the ``guides`` command, through every entry point.

0 success, 1 invalid input or a failed check, 2 wrong usage (one line, never a traceback),
130 interrupted (one line). Every case runs as a subprocess twice: as the installed console
script ``guides`` and as ``python -m generator.cli`` (where the command module is
``__main__``, so an exception class defined there would not be the one commands raise).
"""

from __future__ import annotations

import importlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.cli import main

ROOT = Path(__file__).resolve().parents[1]
VALID = Path(__file__).parent / "fixtures" / "foundation" / "valid"
CODE = "310115001000"
GUIDES = Path(sys.executable).parent / "guides"
ENTRY_POINTS = {
    "guides": [str(GUIDES)],
    "python -m generator.cli": [sys.executable, "-m", "generator.cli"],
}
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]


@pytest.fixture(params=list(ENTRY_POINTS), ids=lambda name: name.replace(" ", "_"))
def guides(request):
    """Run one entry point of the command: (exit code, stdout, stderr)."""
    if request.param == "guides" and not GUIDES.exists():
        pytest.skip("the console script is not installed next to this Python")

    def run(*argv: str, cwd: Path) -> tuple[int, str, str]:
        result = subprocess.run([*ENTRY_POINTS[request.param], *argv], cwd=cwd, capture_output=True, text=True, timeout=120)
        assert "Traceback" not in result.stderr, result.stderr
        return result.returncode, result.stdout, result.stderr

    return run


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A git repository with one committed matter in matters/, and a stray non-matter file."""
    (tmp_path / "matters").mkdir()
    shutil.copy(VALID / f"{CODE}.yml", tmp_path / "matters")
    (tmp_path / "notes.txt").write_text("code: 1\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*GIT, "add", "matters"], cwd=tmp_path, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "base"], cwd=tmp_path, check=True)
    return tmp_path


def usage_error(result: tuple[int, str, str], line: str) -> None:
    code, out, err = result
    assert (code, out, err) == (2, "", line + "\n")


# ------------------------------------------------------------------ success, for contrast

def test_a_valid_check_exits_0(guides, work):
    code, out, err = guides("check", "--cache-dir", "", cwd=work)
    assert (code, err) == (0, "检查通过：1 个事项\n")


# ------------------------------------------------------------------ check

def test_check_usage_errors(guides, work):
    usage_error(guides("check", "no/such/file.yml", cwd=work), "guides check: 没有这个文件：no/such/file.yml")
    usage_error(guides("check", "notes.txt", cwd=work), "guides check: notes.txt 不是事项文件；应为 基本编码.yml（如 000117012000.yml）或一个事项目录")
    usage_error(guides("--matters", "nowhere", "check", cwd=work), "guides check: 找不到事项目录 nowhere；请用 --matters 指定存放事项文件的目录")
    usage_error(guides("--matters", "notes.txt", "check", cwd=work), "guides check: 找不到事项目录 notes.txt；请用 --matters 指定存放事项文件的目录")


# ------------------------------------------------------------------ fmt

def test_fmt_usage_errors(guides, work):
    usage_error(guides("fmt", "/nonexistent", cwd=work), "guides fmt: 没有这个文件：/nonexistent")
    usage_error(guides("fmt", "--check", "matters/missing.yml", cwd=work), "guides fmt: 没有这个文件：matters/missing.yml")
    usage_error(guides("fmt", "notes.txt", cwd=work), "guides fmt: notes.txt 不是事项文件；fmt 只改写 基本编码.yml（如 000117012000.yml）")
    usage_error(guides("--matters", "nowhere", "fmt", cwd=work), "guides fmt: 找不到事项目录 nowhere；请用 --matters 指定存放事项文件的目录")
    assert (work / "notes.txt").read_text(encoding="utf-8") == "code: 1\n"  # never rewritten


# ------------------------------------------------------------------ diff

def test_diff_usage_errors(guides, work, tmp_path_factory):
    usage_error(
        guides("diff", "no-such-rev", cwd=work),
        "guides diff: 'no-such-rev' 既不是目录，也不是 git 版本",
    )
    usage_error(
        guides("diff", "HEAD", "no-such-rev", cwd=work),
        "guides diff: 'no-such-rev' 既不是目录，也不是 git 版本",
    )
    usage_error(
        guides("--matters", "nowhere", "diff", "HEAD", "HEAD", cwd=work),
        "guides diff: 找不到事项目录 nowhere：工作区和 HEAD 中都没有",
    )
    usage_error(guides("--matters", "/nonexistent", "diff", "HEAD", cwd=work), "guides diff: 找不到事项目录 /nonexistent；请用 --matters 指定存放事项文件的目录")
    # the base is a revision, the head the work tree, whose matters directory is gone
    shutil.rmtree(work / "matters")
    usage_error(guides("diff", "HEAD", cwd=work), "guides diff: 找不到事项目录 matters；请用 --matters 指定存放事项文件的目录")
    outside = tmp_path_factory.mktemp("outside")
    if subprocess.run(["git", "rev-parse"], cwd=outside, capture_output=True).returncode == 0:
        pytest.skip("the temporary directory lies inside a git repository")
    usage_error(
        guides("diff", "HEAD", cwd=outside),
        "guides diff: 'HEAD' 不是目录，而当前不在 git 仓库中",
    )


def test_diff_of_a_matters_directory_removed_since_the_revision_is_no_usage_error(guides, work):
    subprocess.run([*GIT, "rm", "-q", "-r", "matters"], cwd=work, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "gone"], cwd=work, check=True)
    code, out, err = guides("diff", "HEAD~1", "HEAD", "--format", "json", cwd=work)
    assert code == 0 and '"removed": [\n      "310115001000"\n    ]' in out


# ------------------------------------------------------------------ slip

def test_slip_usage_errors(guides, work):
    slip = ("slip", CODE, "-o", "out.pdf")
    usage_error(guides(*slip, "--kind", "correction", "--within", "0", cwd=work), "guides slip: --within 应为补正期限的工作日数，至少为 1")
    usage_error(guides(*slip, "--kind", "correction", "--within", "-3", cwd=work), "guides slip: --within 应为补正期限的工作日数，至少为 1")
    usage_error(guides(*slip, "--kind", "notice", "--within", "3", cwd=work), "guides slip: --within 只用于补正材料通知书（--kind correction）")
    usage_error(guides(*slip, "--kind", "notice", "--missing", "proxy-id", cwd=work), "guides slip: --missing 只用于补正材料通知书（--kind correction）")
    usage_error(guides("--matters", "nowhere", *slip, "--kind", "notice", cwd=work), "guides slip: 找不到事项目录 nowhere；请用 --matters 指定存放事项文件的目录")
    assert not (work / "out.pdf").exists()


# ------------------------------------------------------------------ argparse

@pytest.mark.parametrize(
    "argv, last_line",  # how argparse lists the choices after the last line differs by Python version
    [
        (("slip", CODE, "--kind", "receipt"), "guides slip: error: argument --kind: invalid choice: 'receipt'"),
        (("slip", CODE, "--kind", "correction", "--date", "2026-02-30"), "guides slip: error: argument --date: 应为日期，写作 YYYY-MM-DD（如 2026-01-01），实际为「2026-02-30」"),
        (("slip", CODE, "--kind", "correction", "--within", "two"), "guides slip: error: argument --within: invalid int value: 'two'"),
        (("build", "--jobs", "-1"), "guides build: error: argument --jobs: 应为 0 或更大的整数，实际为 -1"),
        (("check", "--cache-dir", "notes.txt"), "guides check: error: argument --cache-dir: notes.txt 不是目录；请给一个目录，或留空（不用缓存）"),
        (("diff", "HEAD", "--format", "html"), "guides diff: error: argument --format: invalid choice: 'html'"),
        (("frobnicate",), "guides: error: argument COMMAND: invalid choice: 'frobnicate'"),
    ],
)
def test_argparse_errors_exit_2_with_usage_then_one_line(guides, work, argv, last_line):
    """argparse's own errors: the usage of the command, then the error in one line."""
    code, out, err = guides(*argv, cwd=work)
    assert code == 2 and out == ""
    assert err.startswith("usage: guides") and err.endswith("\n")
    last = err.splitlines()[-1]
    assert last == last_line or last.startswith(last_line + " (choose from ")


# ------------------------------------------------------------------ interrupted

@pytest.mark.parametrize("command, target", [("check", "generator.cli.cmd_check"), ("fmt", "generator.review.fmt.cmd_fmt"), ("diff", "generator.review.diff.cmd_diff")])
def test_keyboard_interrupt_is_one_line_and_130(monkeypatch, capsys, command, target, tmp_path):
    def interrupted(args):
        raise KeyboardInterrupt

    module, name = target.rsplit(".", 1)
    monkeypatch.setattr(importlib.import_module(module), name, interrupted)
    argv = {"check": ["check"], "fmt": ["fmt"], "diff": ["diff", "HEAD"]}[command]
    assert main(["--matters", str(tmp_path), *argv]) == 130
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", f"guides {command}: interrupted\n")


def test_a_ctrl_c_a_finaliser_swallowed_still_interrupts_the_command(monkeypatch, capsys):
    """A KeyboardInterrupt raised inside a finaliser (here an object's __del__; a process
    pool's teardown leaves many) is lost by Python, which prints "Exception ignored" and goes
    on. The command stops at its next stage instead, with the usual one line and 130."""
    import generator.load.corpus as corpus_module

    class Finalised:
        def __del__(self):
            raise KeyboardInterrupt

    real = corpus_module.load_laws

    def load_laws(root):
        Finalised()  # made and dropped: its __del__ raises into nowhere
        return real(root)

    monkeypatch.setattr(corpus_module, "load_laws", load_laws)
    assert main(["--matters", str(ROOT / "matters"), "check", "--cache-dir", ""]) == 130
    out, err = capsys.readouterr()
    assert (out, err) == ("", "guides check: interrupted\n")
    # the next command starts afresh: nothing is left over from this one
    monkeypatch.setattr(corpus_module, "load_laws", real)
    assert main(["--matters", str(ROOT / "matters"), "check", "--cache-dir", ""]) == 0
    assert capsys.readouterr().err.splitlines()[-1].startswith("检查通过：")


@pytest.mark.skipif(not Path("/proc/self/maps").is_file(), reason="needs /proc")
@pytest.mark.parametrize("entry", list(ENTRY_POINTS), ids=lambda name: name.replace(" ", "_"))
def test_ctrl_c_is_one_line_and_130(entry, tmp_path):
    """A real SIGINT while ``guides check`` validates a large catalogue. (A named pipe in
    matters/ no longer blocks: the reader refuses anything but a regular file.)"""
    if entry == "guides" and not GUIDES.exists():
        pytest.skip("the console script is not installed next to this Python")
    from synthetic import write_corpus

    matters = tmp_path / "matters"
    write_corpus(matters, 800)
    process = subprocess.Popen(
        [*ENTRY_POINTS[entry], "--matters", str(matters), "check", "--cache-dir", ""],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    # libyaml is loaded with the reader, inside the command (pydantic is loaded before main runs)
    while "/_yaml." not in Path(f"/proc/{process.pid}/maps").read_text():  # the load has begun
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the command never started loading"
        time.sleep(0.02)
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert (process.returncode, out, err) == (130, "", "guides check: interrupted\n")


def _has_open(pid: int, path: Path) -> bool:
    try:
        return any(os.readlink(fd) == str(path) for fd in Path(f"/proc/{pid}/fd").iterdir())
    except (FileNotFoundError, ProcessLookupError):
        return False
