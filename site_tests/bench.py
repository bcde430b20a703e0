"""Benchmark: build a synthetic catalogue of N realistic matters and print the figures.

    python site_tests/bench.py --matters 1814

Runs, in a temporary directory: a cold build, a rebuild with no change, a rebuild after one
edited matter, the live preview (``guides serve`` with the build's cache: first page served,
five edits until their pages show them; then with an empty cache), and a bare ``mkdocs
build`` of the same generated pages (no generator plugin), so the generator's own overhead
is a ratio measured in the same run. With ``--shards N`` also a cold build of a fresh copy
in N shards one after another and the assembly. Prints progress lines, then one JSON object
as the last line (fields in ../shared/CONTRACT.md).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from synthetic import write_corpus, write_regions  # noqa: E402

# non-matter files of the real sample that a synthetic catalogue also needs
SUPPORT_FILES = ("holidays.yml", "policy.yml")


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def make_bench_project(target: Path, count: int) -> Path:
    target.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, target / name)
    matters = target / "matters"
    write_corpus(matters, count)
    write_regions(ROOT / "matters" / "regions.yml", matters / "regions.yml")
    for name in SUPPORT_FILES:
        if (ROOT / "matters" / name).exists():
            shutil.copy(ROOT / "matters" / name, matters / name)
    return target


def _descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo += children.get(pid, [])
    return tree


def _kb(path: str, field: str) -> int:
    for line in Path(path).read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1])
    return 0


def tree_memory(root: int) -> tuple[float, float, str]:
    """(summed PSS, largest RSS, that process's command) of a process and its descendants.

    PSS, not RSS: forked slip workers share the main process's pages, which RSS would count
    once per process."""
    pss_kb, top_kb, top = 0, 0, ""
    for pid in _descendants(root):
        try:
            rss = _kb(f"/proc/{pid}/status", "VmRSS:")
            pss_kb += _kb(f"/proc/{pid}/smaps_rollup", "Pss:") or rss
            if rss > top_kb:
                top_kb = rss
                top = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:120]
        except OSError:
            continue
    return pss_kb / 1024, top_kb / 1024, top


class PeakMemory:
    """Samples the memory of a running build's process tree: ``ru_maxrss`` would give only
    the largest single process, not the main process and its workers together."""

    def __init__(self, process: subprocess.Popen, interval: float = 0.25):
        self.peak_mb = 0.0
        self.largest = (0.0, "")
        self._process = process
        self._interval = interval
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while self._process.poll() is None:
            total, top_mb, top = tree_memory(self._process.pid)
            self.peak_mb = max(self.peak_mb, total)
            if top_mb > self.largest[0]:
                self.largest = (top_mb, top)
            time.sleep(self._interval)

    def stop(self) -> float:
        self._thread.join()
        if self.largest[0] > 1000:
            log(f"largest process {self.largest[0]:.0f} MB: {self.largest[1]}")
        return self.peak_mb


# summed PSS peak of each run the bench makes (cold, noop, …, serve, serve-cold, shard-1, …)
PEAK_MB: dict[str, float] = {}

# per cent of the CPU time the virtual machine's host took away during each run (vmstat's
# "st"): on a shared 2-core machine it was 23 to 38 % during one bench and near 0 in another,
# which moved the figures (and their ratios to bare MkDocs) by a third between runs
STEAL_PCT: dict[str, float] = {}


def cpu_ticks() -> tuple[int, int] | None:
    """(stolen, all) clock ticks of every CPU since boot, from /proc/stat; None off Linux."""
    try:
        fields = Path("/proc/stat").read_text(encoding="ascii").split("\n", 1)[0].split()
    except OSError:
        return None
    if not fields or fields[0] != "cpu":
        return None
    # user nice system idle iowait irq softirq steal (guest time is already in user)
    ticks = [int(field) for field in fields[1:9]]
    return (ticks[7] if len(ticks) > 7 else 0), sum(ticks)


class Steal:
    """The stolen share of the CPU from now until :meth:`pct`."""

    def __init__(self):
        self.start = cpu_ticks()

    def pct(self) -> float | None:
        end = cpu_ticks()
        if self.start is None or end is None or end[1] <= self.start[1]:
            return None
        return round(100 * (end[0] - self.start[0]) / (end[1] - self.start[1]), 1)


def run_guides(project: Path, name: str, arguments: list[str], jobs: int, **env: str) -> float:
    """Seconds of one ``guides`` command in ``project``; its memory peak and stolen CPU share
    are kept under ``name`` (:data:`PEAK_MB`, :data:`STEAL_PCT`)."""
    cmd = [str(ROOT / ".venv" / "bin" / "guides"), *arguments] + (["--jobs", str(jobs)] if jobs else [])
    started, steal = time.perf_counter(), Steal()
    process = subprocess.Popen(cmd, cwd=project, env=dict(os.environ, GUIDES_PROGRESS="0", **env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    memory = PeakMemory(process)
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - started
    PEAK_MB[name] = round(memory.stop(), 1)
    STEAL_PCT[name] = steal.pct()
    if process.returncode != 0:
        sys.stderr.write(stderr[-5000:])
        raise SystemExit(f"bench: guides {' '.join(arguments)} failed with exit code {process.returncode}")
    return elapsed


def guides_build(project: Path, jobs: int, stats_file: Path) -> tuple[float, dict]:
    elapsed = run_guides(project, stats_file.stem, ["build"], jobs, GUIDES_STATS=str(stats_file))
    return elapsed, json.loads(stats_file.read_text(encoding="utf-8"))


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> bytes | None:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


class Preview:
    """``guides serve`` on a free port, for the preview figures."""

    def __init__(self, project: Path, jobs: int, name: str):
        self.name = name
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        env = dict(os.environ, GUIDES_PROGRESS="0")
        cmd = [str(ROOT / ".venv" / "bin" / "guides"), "serve", "--dev-addr", f"127.0.0.1:{self.port}"]
        self.started, self.steal = time.perf_counter(), Steal()
        # a file, not a pipe: MkDocs logs each 404 (the polls below, 20 a second), and a pipe
        # nobody reads filled up and stopped the server (the whole site never came, 3,600 s)
        self.log = tempfile.TemporaryFile("w+", encoding="utf-8")
        self.process = subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=self.log, text=True)
        self.memory = PeakMemory(self.process)

    def log_tail(self) -> str:
        self.log.seek(0)
        return self.log.read()[-3000:]

    def wait_page(self, url: str, text: str | None = None, timeout: float = 3600) -> float:
        """Seconds from start until ``url`` answers (with ``text`` in it, when given)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"bench: guides serve ended: {self.log_tail()}")
            body = _get(self.base + url)
            if body is not None and (text is None or text in body.decode("utf-8", "replace")):
                return time.perf_counter() - self.started
            time.sleep(0.05)
        raise SystemExit(f"bench: guides serve did not show {url} within {timeout} s: {self.log_tail()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        PEAK_MB[self.name] = round(self.memory.stop(), 1)
        STEAL_PCT[self.name] = self.steal.pct()


def edit_visible(preview: Preview, project: Path, matters: list[Path]) -> list[float]:
    """Seconds from a matter's material name changed on disk until its page shows it."""
    seconds = []
    for n, path in enumerate(matters):
        text = path.read_text(encoding="utf-8")
        marker = f"申请人身份证件（编辑{n + 1}）"
        started = time.perf_counter()
        path.write_text(text.replace("申请人身份证件", marker, 1), encoding="utf-8")
        preview.started = started
        seconds.append(preview.wait_page(f"matters/{path.stem}/", marker, timeout=600))
    return seconds


def sharded_build(project: Path, jobs: int, shards: int, work: Path) -> tuple[list[float], float, dict]:
    """Seconds of each ``guides build --shard K/N`` (one after another, one cache) and of the
    assembling ``guides build``."""
    times = [run_guides(project, f"shard-{part}", ["build", "--shard", f"{part}/{shards}"], jobs) for part in range(1, shards + 1)]
    assemble_s, assembly = guides_build(project, jobs, work / "assemble.json")
    return times, assemble_s, assembly


def export_generated_pages(project: Path, target: Path) -> int:
    """Write the Markdown pages the plugin generates into a plain docs/ for the bare build."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    cwd = os.getcwd()
    os.chdir(project)
    try:
        config = load_config(str(project / "mkdocs.yml"))
        config = config.plugins.on_config(config)
        files = config.plugins.on_files(Files([]), config=config)
    finally:
        os.chdir(cwd)
    count = 0
    shutil.copytree(project / "docs", target / "docs")
    for file in files:
        if file.src_uri.endswith(".md") and file.generated_by:
            path = target / "docs" / file.src_uri
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(file.content_bytes)
            count += 1
    return count


def bare_mkdocs(project: Path, bare: Path) -> float:
    """The same pages, the same theme and search, without the generator."""
    import yaml

    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = [p for p in config["plugins"] if not (isinstance(p, dict) and "guides" in p)]
    config["site_dir"] = str(bare / "site")
    config["theme"]["custom_dir"] = str(project / "overrides")
    (bare / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    started, steal = time.perf_counter(), Steal()
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "mkdocs"), "build", "-q"], cwd=bare, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    STEAL_PCT["bare"] = steal.pct()
    if result.returncode != 0:
        sys.stderr.write(result.stderr[-5000:])
        raise SystemExit("bench: bare mkdocs build failed")
    return elapsed


def import_benchmark(work: Path, matters: int = 2000, materials: int = 10) -> float:
    """Seconds of `guides import` for a workbook of 2,000 matter rows and 20,000 material rows."""
    import random

    from synthetic import synthetic_matter

    from generator.adopt.exporter import write_workbook
    from generator.model.matter import Matter

    rng, models = random.Random(1814), []
    for index in range(matters):
        data = synthetic_matter(index, rng)
        data["materials"] = (data["materials"] + [{"id": f"extra-{n}", "name": f"补充材料{n}", "form": "原件", "source": "申请人自备"} for n in range(materials)])[:materials]
        data["review_points"] = []  # 2,000 + 20,000 rows, as the figure says; the other sheets as usual
        models.append(Matter.model_validate(data))
    write_workbook(work / "import.xlsx", models)
    started = time.perf_counter()
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "guides"), "--matters", str(work / "imported"), "import", str(work / "import.xlsx")], capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.stderr.write(result.stderr[-5000:])
        raise SystemExit("bench: guides import failed")
    return elapsed


def tree_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def preview_benchmark(project: Path, work: Path, args) -> dict:
    """serve_ready_s (warm cache), edit_visible_s (median of 5 edits to different matters),
    serve_ready_cold_s (a copy of the project without its cache)."""
    matters = sorted((project / "matters").glob("[0-9]*.yml"))
    first = matters[0].stem
    preview = Preview(project, args.jobs, "serve")
    try:
        ready_s = preview.wait_page(f"matters/{first}/")
        log(f"guides serve: first page after {ready_s:.1f}s (warm cache)")
        # five matters other than the one the rebuild edited
        others = [m for m in matters[1:] if m != matters[args.matters // 2]]
        chosen = [others[i * len(others) // 5] for i in range(5)] if len(others) >= 5 else others
        edits = edit_visible(preview, project, chosen)
        log(f"guides serve: edits visible after {[round(s, 2) for s in edits]} s")
    finally:
        preview.stop()
    cold = work / "serve-cold"
    shutil.copytree(project, cold, ignore=shutil.ignore_patterns("site", ".cache", ".site.*"))
    preview = Preview(cold, args.jobs, "serve-cold")
    try:
        cold_s = preview.wait_page(f"matters/{first}/")
        log(f"guides serve: first page after {cold_s:.1f}s (empty cache)")
        # the pages left out are rendered as they are opened; the whole site, search included,
        # follows behind them (generator.publish.preview)
        whole_s = preview.wait_page("pagefind/pagefind.js")
        log(f"guides serve: the whole site, with its search, after {whole_s:.1f}s (empty cache)")
    finally:
        preview.stop()
    shutil.rmtree(cold, ignore_errors=True)
    return {
        "serve_ready_s": round(ready_s, 2),
        "serve_ready_cold_s": round(cold_s, 2),
        "serve_whole_site_cold_s": round(whole_s, 2),
        "edit_visible_s": round(statistics.median(edits), 2),
        "edit_visible_all_s": [round(s, 2) for s in edits],
    }


def main() -> None:
    from bench_transfer import transfer_figures

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matters", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--keep", help="keep the work directory here instead of a temporary one")
    parser.add_argument("--shards", type=int, default=0, help="also a cold build in this many shards one after another, then the assembly")
    parser.add_argument("--no-serve", action="store_true", help="leave out the live preview figures")
    args = parser.parse_args()

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="guides-bench-"))
    whole_run = Steal()
    if args.keep and work.exists():
        shutil.rmtree(work)
    try:
        project = make_bench_project(work / "project", args.matters)
        log(f"{args.matters} synthetic matters in {project}")

        cold_s, cold = guides_build(project, args.jobs, work / "cold.json")
        log(f"cold build {cold_s:.1f}s, rendered {cold['rendered']}")
        noop_s, noop = guides_build(project, args.jobs, work / "noop.json")
        log(f"no-change rebuild {noop_s:.1f}s, rendered {noop['rendered']}, site kept as it is: {bool(noop.get('up_to_date'))}")
        # the same, but made to build (as after a change to an input that no page shows): the
        # whole pipeline with every page and artifact from the cache
        (project / ".cache" / "guides" / "last-build.json").unlink(missing_ok=True)
        cached_s, cached = guides_build(project, args.jobs, work / "cached.json")
        log(f"no-change rebuild that builds {cached_s:.1f}s, rendered {cached['rendered']}")

        edited = sorted((project / "matters").glob("[0-9]*.yml"))[args.matters // 2]
        text = edited.read_text(encoding="utf-8")
        edited.write_text(text.replace("申请人身份证件", "申请人居民身份证", 1), encoding="utf-8")
        edit_s, edit = guides_build(project, args.jobs, work / "edit.json")
        log(f"one edited matter rebuild {edit_s:.1f}s, rendered {edit['rendered']}")

        preview_figures: dict = {}
        if not args.no_serve:
            preview_figures = preview_benchmark(project, work, args)

        bare = work / "bare"
        bare.mkdir()
        pages = export_generated_pages(project, bare)
        bare_s = bare_mkdocs(project, bare)
        log(f"bare mkdocs build of the same {pages} generated pages {bare_s:.1f}s")

        import_s = import_benchmark(work)
        log(f"guides import of 2000 matter rows and 20000 material rows {import_s:.1f}s")

        site = project / "site"
        pdfs = sorted(site.glob("matters/*/slips/*.pdf"))
        pages_kb = sorted(p.stat().st_size / 1e3 for p in site.glob("matters/*/index.html"))
        slip_times = cold.get("slip_render_s") or []
        figures = {
            "matters": args.matters,
            "jobs": args.jobs or os.cpu_count(),
            "cold_build_s": round(cold_s, 2),
            "noop_rebuild_s": round(noop_s, 2),
            "one_edit_rebuild_s": round(edit_s, 2),
            "stage_s": cold["stage_s"],
            "noop_stage_s": noop["stage_s"],
            "noop_kept_site": bool(noop.get("up_to_date")),
            "noop_building_rebuild_s": round(cached_s, 2),
            "noop_building_stage_s": cached["stage_s"],
            "rendered_on_noop_building": sum(cached["rendered"].values()),
            "one_edit_stage_s": edit["stage_s"],
            "rendered_cold": cold["rendered"],
            "rendered_on_noop": sum(noop["rendered"].values()),
            "rendered_on_one_edit": edit["rendered"],
            "slip_median_s": round(statistics.median(slip_times), 4) if slip_times else None,
            # CPU seconds in the worker: wall time above includes waiting for a core
            "slip_cpu_median_s": round(statistics.median(cold["slip_cpu_s"]), 4) if cold.get("slip_cpu_s") else None,
            "slips": len(pdfs),
            "slip_median_kb": round(statistics.median(p.stat().st_size for p in pdfs) / 1e3, 1) if pdfs else None,
            "slip_max_kb": round(max(p.stat().st_size for p in pdfs) / 1e3, 1) if pdfs else None,
            "matter_page_median_kb": round(statistics.median(pages_kb), 1) if pages_kb else None,
            "matter_page_max_kb": round(pages_kb[-1], 1) if pages_kb else None,
            "site_mb": round(tree_mb(site), 1),
            # the whole Pagefind bundle on disk; a visitor fetches only parts of it (transfer below)
            "search_index_mb": round(tree_mb(site / "pagefind"), 2),
            # PSS summed over each build's processes, sampled every 0.25 s (the largest of the three builds)
            "peak_rss_mb": round(max(PEAK_MB.values()), 1),
            "largest_process_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
            "bare_mkdocs_s": round(bare_s, 2),
            "noop_vs_bare_mkdocs": round(noop_s / bare_s, 3),
            "import_2000_s": round(import_s, 2),
            # gzip KB of a first visit to a matter page and of a search for its name (budgets 150 and 300)
            "transfer": transfer_figures(site),
        }
        figures.update(preview_figures)
        for name in ("serve_ready_s", "one_edit_rebuild_s", "noop_rebuild_s", "noop_building_rebuild_s"):
            if name in figures:
                figures[f"{name[:-2]}_vs_bare_mkdocs"] = round(figures[name] / bare_s, 3)
        if args.shards:
            log(f"cold build in {args.shards} shards, one after another, then the assembly")
            cold_project = work / "sharded"
            make_bench_project(cold_project, args.matters)
            shard_times, assemble_s, assembly = sharded_build(cold_project, args.jobs, args.shards, work)
            log(f"shards {[round(t, 1) for t in shard_times]} s, assembly {assemble_s:.1f} s, rendered {assembly['rendered']}")
            figures.update(
                shards=args.shards,
                shard_s=[round(t, 2) for t in shard_times],
                shard_max_s=round(max(shard_times), 2),
                assemble_s=round(assemble_s, 2),
                rendered_on_assemble=assembly["rendered"],
                sharded_cold_s=round(max(shard_times) + assemble_s, 2),
                sharded_cold_vs_bare_mkdocs=round((max(shard_times) + assemble_s) / bare_s, 3),
            )
            figures["peak_rss_mb"] = round(max(PEAK_MB.values()), 1)
        figures["peak_mb_by_run"] = dict(PEAK_MB)
        figures["cpu_steal_pct"] = whole_run.pct()
        figures["cpu_steal_pct_by_run"] = dict(STEAL_PCT)
        print(json.dumps(figures, ensure_ascii=False))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
