"""``guides build --shard K/N``: four shards one after another into one cache, then a plain
build, publish the same site as one build, and the assembly renders nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from bench import make_bench_project
from conftest import ROOT, build_project

from generator.publish.shard import build_shard, shard_codes

MATTERS = 5


def site_files(site):
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_shards_split_the_matters_evenly_and_deterministically():
    codes = [f"{n:012d}" for n in (7, 3, 11, 5, 1, 9, 2)]
    parts = [shard_codes(codes, k, 3) for k in (1, 2, 3)]
    assert parts == [["000000000001", "000000000005", "000000000011"], ["000000000002", "000000000007"], ["000000000003", "000000000009"]]
    assert shard_codes(codes[::-1], 2, 3) == parts[1]
    assert shard_codes(codes[:2], 3, 4) == []


def test_four_shards_and_the_assembly_publish_the_site_of_one_build(tmp_path, monkeypatch):
    monkeypatch.setenv("GUIDES_PROGRESS", "0")
    single = make_bench_project(tmp_path / "single", MATTERS)
    sharded = tmp_path / "sharded"
    shutil.copytree(single, sharded)
    build_project(single)

    rendered = {}
    for part in range(1, 5):
        stats = build_shard(sharded / "mkdocs.yml", part, 4, jobs=2)
        assert stats["shard_matters"] == (2 if part == 1 else 1)
        for kind, count in stats["rendered"].items():
            rendered[kind] = rendered.get(kind, 0) + count
        assert not (sharded / "site").exists()  # a shard publishes nothing
    # every matter's four slips, its diagram and its page's Markdown, each in exactly one
    # shard; the themes in shard 1, the search bundle in the last
    assert rendered["pdf"] == 4 * MATTERS and rendered["svg"] == MATTERS and rendered["page-md"] == MATTERS
    assert rendered["matter-json"] == rendered["cpsv-ap"] == MATTERS and rendered["xlsx"] == 3
    bundles = sorted((sharded / ".cache" / "guides" / "pagefind").rglob("*.tar"))
    assert len(bundles) == 1

    stats_file = tmp_path / "assembly.json"
    monkeypatch.setenv("GUIDES_STATS", str(stats_file))
    build_project(sharded)
    assembly = json.loads(stats_file.read_text(encoding="utf-8"))
    # nothing rendered: not a slip, diagram, page, JSON file or workbook (the shards made
    # every page's HTML, each matter's JSON and CPSV-AP file, shard 1 the workbooks)
    assert assembly["rendered"] == {}
    assert assembly["pages_rendered"] == []
    assert sorted((sharded / ".cache" / "guides" / "pagefind").rglob("*.tar")) == bundles  # Pagefind did not run again
    assert site_files(sharded / "site") == site_files(single / "site")


def test_the_command_line_names_the_shard_and_rejects_a_wrong_one(tmp_path):
    project = make_bench_project(tmp_path / "project", 2)
    run = subprocess.run(
        [sys.executable, "-m", "generator.cli", "build", "--shard", "2/2"], cwd=project, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "GUIDES_PROGRESS": "0", "PATH": "/usr/bin:/bin"}
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip().splitlines()[-1] == "guides build --shard 2/2: 1 matters, rendered into the cache: 1 cpsv-ap, 1 matter-json, 1 page, 1 page-md, 4 pdf, 1 svg"
    wrong = subprocess.run([sys.executable, "-m", "generator.cli", "build", "--shard", "3/2"], cwd=project, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert wrong.returncode == 2
    assert "expected K/N with 1 ≤ K ≤ N, e.g. 2/4, got '3/2'" in wrong.stderr
