"""Read the files of one matters directory: paths, YAML with positions, the schema, and a
parse cache. :func:`generator.load.corpus.load_corpus` calls this first."""

from __future__ import annotations

import contextlib
import os
import pickle
import re
from functools import lru_cache
from pathlib import Path

from generator.cache import code_digest, digest
from generator.load.downloads import download_problems
from generator.load.reader import SourceFile, decode, load_yaml, read_bytes, safe_resolve
from generator.load.validate import matter_problems, schema_problems
from generator.model.matter import Matter
from generator.problems import InvalidInput, Problem

MATTER_FILE = re.compile(r"^[0-9A-Z]{12}\.yml$")
# files in matters/ that are not matters; each is read by its own module
RESERVED_FILES = {"regions.yml", "holidays.yml", "policy.yml", "laws.yml"}
RESERVED_DIRS = {"themes", "files"}


def display_path(path: Path, root: Path) -> str:
    """A path as the user would type it: relative to the working directory where possible."""
    # the folder is resolved, not the file: a file may be a link (even a looping one)
    where = safe_resolve(path.parent) / path.name
    try:
        return str(where.relative_to(safe_resolve(Path.cwd())))
    except ValueError:
        try:
            return str(Path(root.name) / where.relative_to(safe_resolve(root)))
        except ValueError:
            return str(path)


def load_matter_file(path: Path, root: Path, text: str | None = None) -> tuple[Matter | None, SourceFile, list[Problem]]:
    source = load_yaml(path, display_path(path, root), text=text)
    problems = list(source.problems)
    if source.data is None:
        return None, source, problems
    if not isinstance(source.data, dict):
        problems.append(source.problem((), "文件顶层应为若干“字段: 值”（code: …、name: … 每个一行，不缩进）"))
        return None, source, problems
    moved = local_fact_problems(source)
    matter, schema_errors = schema_problems(source, Matter)
    # an element that moved to the region directory is explained once, not also as unknown
    problems += moved + [p for p in schema_errors if not any(p.field == m.field or p.field.startswith(m.field + ".") for m in moved)]
    problems += matter_problems(source, path.stem if MATTER_FILE.match(path.name) else None)
    return (matter if not problems else None), source, problems


# Facts that differ from place to place are not part of the standard: each has one source,
# the region directory. Files written before the split get this explanation, not "unknown field".
_LOCAL_CONTACT = "咨询电话、监督投诉电话、受理窗口、办理时间和网上办理地址是各地的事实，只写在地区目录 regions.yml（办理点的 phones、hours、windows，实施机关的 phone、online_url，地区的 complaint_phone、online_url）"
_LOCAL_REMEDY = "行政复议机关和行政诉讼管辖法院是各地的，只写在地区目录 regions.yml（地区的 government、court，实行垂直领导的机关另写 reconsideration_body）；这里只留期限 reconsideration_days、litigation_months"


def local_fact_problems(source: SourceFile) -> list[Problem]:
    data = source.data
    problems = []
    if "contact" in data:
        problems.append(source.problem(("contact",), f"contact 已不属于事项标准：{_LOCAL_CONTACT}。请删去 contact"))
    department = data.get("department")
    if isinstance(department, dict):
        problems.append(
            source.problem(
                ("department",),
                "department 只写实施部门的职能名称、不带地名，如 department: 市场监督管理局；机关全称和统一社会信用代码写在地区目录 regions.yml 的 agencies",
            )
        )
    remedy = data.get("remedy")
    if isinstance(remedy, dict):
        for key in ("reconsideration_body", "litigation_court"):
            if key in remedy:
                problems.append(source.problem(("remedy", key), f"remedy.{key} 已不属于事项标准：{_LOCAL_REMEDY}"))
    return problems


def matter_paths(root: Path) -> tuple[list[Path], list[Problem]]:
    paths, problems = [], []
    for path in sorted(root.glob("*.y*ml")):
        if path.name in RESERVED_FILES:
            continue
        if MATTER_FILE.match(path.name):
            paths.append(path)
        else:
            problems.append(Problem(display_path(path, root), 1, 1, "", "事项文件名应为12位基本编码加 .yml，例如 310115001000.yml"))
    return paths, problems


class ParseCache:
    """Validated matters from earlier runs, keyed by a hash of the file's bytes and of the code
    that validates it; a catalogue of 1,800 unchanged files then loads without YAML parsing.
    Only files that passed are kept, so every problem is always found afresh.

    The file is a journal of pickled ``{key: Matter}`` chunks: a save appends the matters
    parsed since (an edit of one matter appends one), and writes the whole file anew only
    when more than an eighth of it is matters no longer used. Rewriting all of it on every
    edit took 0.65 s (profiled) of a one-edit rebuild at 907 matters. A chunk cut short (a
    crash while appending) ends the reading: the chunks before it are used, and the next
    save writes the file anew."""

    FILE = "parsed-matters.pickle"

    def __init__(self, cache_dir: Path | None):
        self.path = Path(cache_dir) / self.FILE if cache_dir else None
        self.entries: dict[str, Matter] = {}
        self.used: dict[str, Matter] = {}
        self._whole = True  # every chunk read to the end
        if self.path and self.path.is_file():  # a pipe or a device there would block or never end
            try:
                with self.path.open("rb") as handle:
                    size = os.fstat(handle.fileno()).st_size
                    while handle.tell() < size:
                        chunk = pickle.load(handle)
                        if not isinstance(chunk, dict):
                            raise ValueError("not a chunk of matters")
                        self.entries.update(chunk)
            except Exception:  # a cache from another version, or a torn file: use what was read
                self._whole = False

    @staticmethod
    @lru_cache(maxsize=1)
    def _code_digest() -> str:
        return code_digest(__name__)

    def key(self, name: str, data: bytes) -> str:
        # the file name is an input too: the code inside must match it
        return digest(self._code_digest(), name, data)

    def get(self, key: str) -> Matter | None:
        matter = self.entries.get(key)
        if matter is not None:
            self.used[key] = matter
        return matter

    def put(self, key: str, matter: Matter) -> None:
        self.used[key] = matter

    def save(self) -> None:
        if self.path is None:
            return
        added = {key: matter for key, matter in self.used.items() if key not in self.entries}
        unused = len(self.entries) - (len(self.used) - len(added))
        if not added and (not unused or self._whole and unused * 8 <= len(self.entries)):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self._whole and unused * 8 <= len(self.entries) + len(added) and self.path.is_file():
                # one write of the whole chunk: a build beside this one appends its own after
                with self.path.open("ab") as handle:
                    handle.write(pickle.dumps(added, protocol=pickle.HIGHEST_PROTOCOL))
                return
            tmp = self.path.with_suffix(f".tmp-{os.getpid()}")
            try:
                with tmp.open("wb") as handle:
                    pickle.dump(self.used, handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self.path)
            finally:
                with contextlib.suppress(OSError):
                    tmp.unlink()
        except OSError:  # a read-only or full disk: the cache only saves time
            pass


# Files to parse at once before they are parsed in worker processes too: with an empty parse
# cache the 1,814 files of the benchmark took 16 to 28 s of YAML on one core (a live
# preview's start, a cold build, each shard) while the other idled
PARALLEL_FILES = 64


def _parse(root: Path, files: list[tuple[Path, str]]) -> dict[Path, tuple[Matter | None, list[Problem]]]:
    """Each file's matter (None when it has problems) and problems, in worker processes when
    there are many and more than one core."""
    jobs = int(os.environ.get("GUIDES_JOBS", 0)) or os.cpu_count() or 1
    if len(files) < PARALLEL_FILES or jobs < 2:
        chunks = [files]
        results = [_parse_chunk(root, files)]
    else:
        import multiprocessing  # noqa: PLC0415
        from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

        from generator.workers import interrupts_deferred, worker_started  # noqa: PLC0415

        chunks = [files[i::jobs] for i in range(jobs)]
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"), initializer=worker_started, initargs=(os.getpid(),)) as pool:
            with interrupts_deferred():  # (the first submit forks the workers)
                results = list(pool.map(_parse_chunk, [root] * jobs, chunks))
    return {path: result for chunk, done in zip(chunks, results) for (path, _), result in zip(chunk, done)}


def _parse_chunk(root: Path, files: list[tuple[Path, str]]) -> list[tuple[Matter | None, list[Problem]]]:
    """In a worker process: the matter and problems of each file (its source is made again
    from the text where it is needed, as for a file from the parse cache)."""
    return [load_matter_file(path, root, text=text)[::2] for path, text in files]


def read_matters(root: Path, only: list[Path] | None = None, cache_dir: Path | None = None) -> tuple[dict[str, Matter], dict[str, SourceFile], list[Problem], "ParseCache"]:
    """Every matter file under ``root``, validated on its own; with ``cache_dir``, files
    unchanged since a previous successful load are not parsed again (save the returned cache
    once the whole corpus has passed)."""
    if not root.is_dir():
        raise InvalidInput([Problem(str(root), 1, 1, "", "找不到事项目录；请用 --matters 指定存放事项文件的目录")])
    paths, problems = matter_paths(root)
    if only:
        wanted = {safe_resolve(p) for p in only}
        paths = [p for p in paths if safe_resolve(p) in wanted]
    matters: dict[str, Matter] = {}
    sources: dict[str, SourceFile] = {}
    cache = ParseCache(cache_dir)
    first_file: dict[str, str] = {}
    # (path, display, text, key, the cached matter or None), in order
    read: list[tuple[Path, str, str, str, Matter | None]] = []
    for path in paths:
        display = display_path(path, root)
        raw, found = read_bytes(path, display)
        if raw is None:
            problems += found
            continue
        key = cache.key(path.name, raw)
        matter = cache.get(key)
        if matter is not None:
            read.append((path, display, raw.decode("utf-8"), key, matter))
            continue
        text, found = decode(raw, display)
        if text is None:
            problems += found
            continue
        read.append((path, display, text, key, None))
    parsed = _parse(root, [(path, text) for path, _, text, _, matter in read if matter is None])
    for path, display, text, key, matter in read:
        if matter is None:
            matter, found = parsed[path]
            problems += found
            if matter is None:
                continue
            cache.put(key, matter)
        source = SourceFile(path, display, text=text)
        if matter.code in first_file:
            problems.append(source.problem(("code",), f"基本编码 {matter.code} 重复，{first_file[matter.code]} 已经使用；每个事项的基本编码不同"))
            continue
        first_file[matter.code] = source.display
        # the files beside the matter are checked on every load, cached or not: they can go missing
        problems += download_problems(root, matter, source)
        matters[matter.code] = matter
        sources[matter.code] = source
    return matters, sources, problems, cache
