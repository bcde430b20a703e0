"""Progress lines: a bar on a terminal, a few plain lines in CI, nothing for short stages."""

from __future__ import annotations

import io

from generator.progress import Progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(stream, monkeypatch, total=8, ci=None):
    monkeypatch.delenv("GUIDES_PROGRESS", raising=False)
    if ci:
        monkeypatch.setenv("CI", "true")
    else:
        monkeypatch.delenv("CI", raising=False)
    clock = iter(range(0, 1000, 2))
    monkeypatch.setattr("generator.progress.time.monotonic", lambda: float(next(clock)))
    with Progress("slips", total, stream=stream) as progress:
        for _ in range(total):
            progress.advance()
    return stream.getvalue()


def test_plain_lines_in_ci(monkeypatch):
    out = run(io.StringIO(), monkeypatch, ci=True)
    lines = out.splitlines()
    assert lines[0].startswith("INFO    -  slips: 2/8 (25%) ETA ")
    assert lines[-1].startswith("INFO    -  slips: 8/8 (100%)")
    assert len(lines) == 4
    assert "\r" not in out


def test_bar_redraws_in_place_on_a_terminal(monkeypatch):
    out = run(FakeTerminal(), monkeypatch)
    assert out.count("\r[") >= 2
    assert "[########################] slips: 8/8 (100%)" in out
    assert out.endswith("\n")


def test_short_stages_and_disabled_progress_print_nothing(monkeypatch):
    monkeypatch.setenv("GUIDES_PROGRESS", "0")
    stream = io.StringIO()
    with Progress("pages", 10, stream=stream) as progress:
        progress.advance(10)
    assert stream.getvalue() == ""
    monkeypatch.delenv("GUIDES_PROGRESS")
    stream = io.StringIO()
    with Progress("pages", 10, stream=stream) as progress:  # real clock: finishes well within a second
        progress.advance(10)
    assert stream.getvalue() == ""
