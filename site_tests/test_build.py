"""`guides build`: a failed build leaves the published site as it was; builds are deterministic."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, build_project, forget_last_build, make_project
from generator.problems import InvalidInput


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_failed_build_leaves_previous_site_untouched(tmp_path):
    project = make_project(tmp_path / "p", FIXTURES / "foundation" / "valid")
    site = build_project(project)
    before = tree_digest(site)
    shutil.copy(FIXTURES / "foundation" / "broken" / "310115001000.yml", project / "matters" / "310115001000.yml")
    with pytest.raises(InvalidInput) as caught:
        build_project(project)
    assert any(p.field == "materials[1].copies" for p in caught.value.problems)
    assert tree_digest(site) == before
    leftovers = [p.name for p in project.iterdir() if p.name.startswith(".site")]
    assert leftovers == []


def test_two_builds_are_byte_identical(tmp_path):
    first = make_project(tmp_path / "a", FIXTURES / "foundation" / "valid")
    second = make_project(tmp_path / "b", FIXTURES / "foundation" / "valid")
    a = tree_digest(build_project(first))
    b = tree_digest(build_project(second))
    assert a.keys() == b.keys()
    differing = [name for name in a if a[name] != b[name] and not name.startswith("sitemap.xml")]
    assert differing == []


def test_build_command_exits_1_on_invalid_input(tmp_path, monkeypatch, capsys):
    from generator.cli import main

    project = make_project(tmp_path / "p", FIXTURES / "foundation" / "broken")
    monkeypatch.chdir(project)
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert "materials[1].copies: 份数应为正整数，实际为「两份」；请只写阿拉伯数字，如 2" in err
    assert not (project / "site").exists()


def test_an_aborted_render_is_one_line_and_exit_1(tmp_path, monkeypatch, capsys, caplog):
    """A plugin failing mid-build (here: dot crashing) ends with exit 1, not a traceback."""
    from mkdocs.exceptions import PluginError

    from generator.publish import plugin
    from generator.cli import main

    project = make_project(tmp_path / "p", FIXTURES / "foundation" / "valid")
    monkeypatch.chdir(project)

    def broken(ctx):
        raise PluginError("flow diagrams: dot exited with status 1")

    monkeypatch.setattr(plugin, "OUTPUTS", (("diagrams", broken),))
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1 and "build aborted" in err
    assert "dot exited with status 1" in caplog.text  # MkDocs logs the reason itself
    assert not (project / "site").exists()


def test_background_work_failing_fails_the_build_and_keeps_the_old_site(tmp_path, monkeypatch):
    """Slips render in the background while MkDocs renders pages; their failure is the build's."""
    from generator.publish import plugin

    project = make_project(tmp_path / "p", FIXTURES / "foundation" / "valid")
    site = build_project(project)
    before = tree_digest(site)

    def broken_in_background(ctx):
        def work(cancelled):
            raise RuntimeError("WeasyPrint crashed")

        ctx.in_background("slips", work)
        return []

    monkeypatch.setattr(plugin, "OUTPUTS", (*plugin.OUTPUTS, ("broken", broken_in_background)))
    forget_last_build(project)  # (no input changed: the build would keep the site)
    with pytest.raises(Exception, match="WeasyPrint crashed"):
        build_project(project)
    assert tree_digest(site) == before


def test_background_work_ends_before_the_site_is_published(tmp_path, monkeypatch):
    import time

    from generator.publish import plugin

    finished = []

    def slow_in_background(ctx):
        def work(cancelled):
            time.sleep(0.5)
            finished.append(True)

        ctx.in_background("slow", work)
        return []

    monkeypatch.setattr(plugin, "OUTPUTS", (*plugin.OUTPUTS, ("slow", slow_in_background)))
    project = make_project(tmp_path / "p", FIXTURES / "foundation" / "valid")
    build_project(project)
    assert finished == [True]
