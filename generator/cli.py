"""The ``guides`` command. Exit codes: 0 success, 1 invalid input or failed check, 2 wrong usage.

Every command and its options are declared here, in one parser; each command's work is in
the stage it belongs to and is imported only when that command runs, so ``guides check``
never loads MkDocs, Jinja or WeasyPrint.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib
import logging
import os
import sys
from pathlib import Path

from generator.contract import DEFAULT_CORRECTION_DAYS, SLIP_KINDS
from generator.problems import InvalidInput, UsageError
from generator.workers import keep_lost_interrupts, raise_lost_interrupt

MATTERS_DIR = Path("matters")
MAX_JOBS = 64


def print_problems(problems) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    count = len(problems)
    print(f"共 {count} 个问题", file=sys.stderr)


def require_matters_dir(matters: Path) -> Path:
    """The matters directory a command reads; wrong usage (exit 2) if it is not there."""
    if not matters.is_dir():
        raise UsageError(f"找不到事项目录 {matters}；请用 --matters 指定存放事项文件的目录")
    return matters


def check_targets(matters: Path, paths: list[str]) -> dict[Path, list[Path] | None]:
    """Which matters directories to load, and which files of each (None: all of them).

    A directory is checked as a matters directory of its own; a file inside ``matters`` is
    checked with the rest of that catalogue (cross-references, duplicate codes), a file
    elsewhere with the directory it lies in. Nothing named is ever silently skipped."""
    from generator.load.matters import MATTER_FILE

    targets: dict[Path, list[Path] | None] = {}
    if not paths:
        return {require_matters_dir(matters): None}
    for name in paths:
        path = Path(name)
        if not path.exists():
            raise UsageError(f"没有这个文件：{path}")
        if path.is_dir():
            targets[path] = None
            continue
        if path.suffix not in (".yml", ".yaml"):
            raise UsageError(f"{path} 不是事项文件；应为 基本编码.yml（如 000117012000.yml）或一个事项目录")
        root = matters if path.resolve().is_relative_to(matters.resolve()) else path.parent
        if not MATTER_FILE.match(path.name):  # regions, themes, holidays: with their catalogue
            targets[root] = None
        elif targets.get(root, []) is not None:
            targets.setdefault(root, []).append(path)
    return targets


def cmd_check(args: argparse.Namespace) -> int:
    from generator.load.corpus import load_corpus

    cache_dir = Path(args.cache_dir) if args.cache_dir else None
    problems, checked, others = [], 0, []
    for root, only in check_targets(Path(args.matters), args.paths).items():
        try:
            corpus = load_corpus(root, only=only, cache_dir=cache_dir)
        except InvalidInput as exc:
            problems += exc.problems
            continue
        checked += len(corpus.matters)
        # gaps worth knowing (e.g. coverage of levels by halls) that do not make the input wrong
        for warning in sorted(corpus.warnings):
            print(f"提醒：{warning}", file=sys.stderr)
        if corpus.themes:
            others.append(f"{len(corpus.themes)} 个一件事主题")
        if corpus.directory.places:
            others.append(f"{len(corpus.directory.places)} 个地区")
    if problems:
        raise InvalidInput(problems)
    print(f"检查通过：{checked} 个事项" + (f"（另有 {'、'.join(others)}）" if others else ""), file=sys.stderr)
    return 0


def require_config(config: str) -> None:
    if not Path(config).is_file():
        raise UsageError(f"没有站点配置文件 {config}；请用 --config 指定 mkdocs.yml")


def cmd_build(args: argparse.Namespace) -> int:
    require_config(args.config)
    jobs = args.jobs or os.cpu_count() or 1
    if args.shard:
        from generator.publish.shard import build_shard

        part, total = args.shard
        stats = build_shard(Path(args.config), part, total, jobs)
        rendered = ", ".join(f"{count} {kind}" for kind, count in sorted(stats["rendered"].items())) or "nothing new"
        print(f"guides build --shard {part}/{total}: {stats['shard_matters']} matters, rendered into the cache: {rendered}", file=sys.stderr)
        return 0
    from generator.publish.build import build_site

    build_site(Path(args.config), jobs=jobs, clean=args.clean)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import signal

    from mkdocs.commands import serve

    require_config(args.config)

    def stop(signum, frame):
        # as Ctrl-C: MkDocs stops the server and the preview removes its folders (on_shutdown);
        # a plain SIGTERM ended the process and left them in the temporary folder
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    _log_to_terminal()
    serve.serve(config_file=args.config, open_in_browser=False, dev_addr=args.dev_addr, livereload=True)
    return 0


class _PageListFilter(logging.Filter):
    """MkDocs lists every page not in the navigation at each build: the matter pages, which
    the browse pages link to (1,814 lines at a city's catalogue)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno < logging.WARNING and record.getMessage().startswith("The following pages exist in the docs directory"))


def _log_to_terminal() -> None:
    """What MkDocs and the plugin say at INFO (the address served, each build, the pages made
    later), as ``mkdocs serve`` shows it: the editor's only view of the preview's work."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    handler.addFilter(_PageListFilter())
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def _elsewhere(module: str, function: str, *, reads_matters: bool = False):
    """A command whose work lives in another stage, imported only when it runs.

    ``reads_matters``: the command always reads the matters directory; a missing one is
    wrong usage, said in one line before the command's module is even imported."""

    def run(args: argparse.Namespace) -> int:
        if reads_matters:
            require_matters_dir(Path(args.matters))
        return getattr(importlib.import_module(module), function)(args)

    return run


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为整数，实际为「{_printable(value)}」") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"应为 0 或更大的整数，实际为 {number}")
    return number


def _address(value: str) -> str:
    host, _, port = value.rpartition(":")
    if not host or not port.isascii() or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise argparse.ArgumentTypeError(f"应写作 主机:端口，例如 127.0.0.1:8000，实际为「{_printable(value)}」")
    return value


def _cache_dir(value: str) -> str:
    if value and Path(value).exists() and not Path(value).is_dir():
        raise argparse.ArgumentTypeError(f"{value} 不是目录；请给一个目录，或留空（不用缓存）")
    return value


def _shard(value: str) -> tuple[int, int]:
    part, _, total = value.partition("/")
    if not (part.isascii() and part.isdigit() and total.isascii() and total.isdigit()) or not 1 <= int(part) <= int(total):
        raise argparse.ArgumentTypeError(f"expected K/N with 1 ≤ K ≤ N, e.g. 2/4, got '{_printable(value)}'")
    return int(part), int(total)


def _date(value: str) -> dt.date:
    from generator.model.limits import FIRST_DATE, LAST_DATE

    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为日期，写作 YYYY-MM-DD（如 2026-01-01），实际为「{_printable(value)}」") from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise argparse.ArgumentTypeError(f"日期应在 {FIRST_DATE} 至 {LAST_DATE} 之间，实际为 {day}")
    return day


def _jobs(value: str) -> int:
    number = _count(value)
    if number > MAX_JOBS:
        raise argparse.ArgumentTypeError(f"最多 {MAX_JOBS} 个工作进程，实际为 {number}")
    return number


def _text(max_length: int):
    """Text given on the command line, checked like text in a file (the reader's rules):
    valid UTF-8, no control characters, one line, at most ``max_length`` characters."""

    def check(value: str) -> str:
        from generator.load.reader import text_problem

        problem = text_problem(value, max_length, newlines=False)
        if problem:
            raise argparse.ArgumentTypeError(problem)
        return value

    return check


def _printable(value: str) -> str:
    """A value to quote in a message: undecodable bytes and control characters escaped."""
    return value if value.isprintable() else ascii(value)[1:-1]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="guides", description="政务服务事项标准：校验、构建、比对、打印。")
    parser.add_argument("--matters", default=str(MATTERS_DIR), help="matters directory (default: matters)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="validate matters; print every problem; exit 1 if any")
    check.add_argument("paths", nargs="*", help="matter files or matters directories (default: the matters directory)")
    check.add_argument("--cache-dir", type=_cache_dir, default=".cache/guides", help="reuse files validated before (default: .cache/guides; '' to disable)")
    check.set_defaults(run=cmd_check)

    build = sub.add_parser("build", help="check, then render everything into site/")
    build.add_argument("--jobs", type=_jobs, default=0, help=f"worker processes (default: CPU count; at most {MAX_JOBS})")
    build.add_argument("--clean", action="store_true", help="ignore the artifact cache and render everything")
    build.add_argument(
        "--shard",
        type=_shard,
        metavar="K/N",
        help="render only the slips and diagrams of the K-th of N equal parts of the matters into the cache, publish nothing (a CI matrix; a plain build then publishes)",
    )
    build.add_argument("--config", default="mkdocs.yml", help=argparse.SUPPRESS)
    build.set_defaults(run=cmd_build)

    serve = sub.add_parser("serve", help="live preview for editors (rebuilds on save)")
    serve.add_argument("--config", default="mkdocs.yml", help=argparse.SUPPRESS)
    serve.add_argument("--dev-addr", type=_address, default="127.0.0.1:8000", help="HOST:PORT to listen on (default 127.0.0.1:8000)")
    serve.set_defaults(run=cmd_serve)

    fmt = sub.add_parser("fmt", help="rewrite matter files in canonical form; --check exits 1 if any would change")
    fmt.add_argument("--check", action="store_true", help="change nothing; print a unified diff of what would change, per file; exit 1 if any would")
    fmt.add_argument("paths", nargs="*", help="only these matter files or directories (default: all in the matters directory)")
    fmt.set_defaults(run=_elsewhere("generator.review.fmt", "cmd_fmt"))

    diff = sub.add_parser("diff", help="what changed in the standards between two git revisions or directories")
    diff.add_argument("base", metavar="BASE", help="git revision (e.g. origin/main) or directory of matters")
    diff.add_argument("head", metavar="HEAD", nargs="?", default=None, help="git revision or directory (default: the work tree)")
    diff.add_argument("--format", choices=("md", "json"), default="md", help="md for a pull-request comment, json for tools")
    diff.add_argument("--check", action="store_true", help="exit 1 if a tightening change has no change note citing its legal basis")
    diff.set_defaults(run=_elsewhere("generator.review.diff", "cmd_diff"))

    imp = sub.add_parser(
        "import",
        help="read an XLSX or CSV 事项清单 into matter files and regions.yml (into the matters directory)",
        description="导入事项清单（XLSX 或 CSV）：写出规范格式的事项文件和地区目录中的实施机关。先全部校验，有任何问题则一个文件也不写（exit 1）。",
    )
    imp.add_argument("file", metavar="FILE", nargs="?", help="the spreadsheet: .xlsx, or .csv (one sheet per file; the other sheets' CSV files beside it)")
    imp.add_argument("--sheet", action="append", metavar="S", help="import only these sheets of the template (repeat or comma-separate); for a CSV file: which sheet it is")
    imp.add_argument("--mapping", metavar="M", help="a mapping file (YAML) for spreadsheets with another column layout")
    imp.add_argument("--force", action="store_true", help="overwrite matter files and regions.yml facts that differ from the spreadsheet")
    imp.add_argument("--template", metavar="FILE", help="write the empty import template (.xlsx) instead of importing")
    imp.set_defaults(run=_elsewhere("generator.adopt.importer", "cmd_import"))

    export = sub.add_parser("export", help="the current standards in the import template (round trip)")
    export.add_argument("--xlsx", metavar="FILE", required=True, help="the workbook to write")
    export.set_defaults(run=_elsewhere("generator.adopt.exporter", "cmd_export", reads_matters=True))

    audit = sub.add_parser(
        "audit",
        help="how local versions of the same matter differ from each other and from the standard; a proposed unified standard",
        description="审核各地同一事项的版本：逐要素列出与标准和彼此的差异，提出统一标准的建议稿（带注释的事项文件），并写出 Markdown 和 XLSX 报告。",
    )
    audit.add_argument("dirs", metavar="DIR", nargs="+", help="one directory of matter files per region (e.g. imports/350926000000, as guides import writes it)")
    audit.add_argument("--choose", choices=("union", "strictest", "loosest"), default="union", help="the proposal: union (every requirement of any region, values of the standard), strictest or loosest per element (default: union)")
    audit.add_argument("--out", default="audit", help="where the proposals (proposed/CODE.yml) and the report (audit.md, audit.xlsx) go (default: audit)")
    audit.add_argument("--date", type=_date, help="the date of the proposal's change note, YYYY-MM-DD (default: today)")
    audit.set_defaults(run=_elsewhere("generator.adopt.audit", "cmd_audit"))

    slip = sub.add_parser(
        "slip",
        help="a filled slip for one applicant, as PDF",
        description="打印一份填好的告知单/通知书。Exit 1: unknown code or material id; exit 2: wrong usage.",
    )
    slip.add_argument("code", type=_text(64), help="the matter's 12-character code (its file name in matters/)")
    slip.add_argument("--kind", required=True, choices=list(SLIP_KINDS), help="notice, correction, acceptance or rejection")
    slip.add_argument("--missing", type=_text(10_000), help="correction: ids of the missing materials, comma-separated")
    slip.add_argument("--applicant", type=_text(100), help="the applicant's name (at most 100 characters)")
    slip.add_argument("--date", type=_date, help="date the materials were received, YYYY-MM-DD")
    slip.add_argument("--stub", action="store_true", help="add the counterfoil (存根) the agency keeps, on its own page")
    slip.add_argument("--within", type=int, help=f"correction: working days to supply them (default {DEFAULT_CORRECTION_DAYS})")
    slip.add_argument(
        "--at",
        metavar="PLACE",
        help="the place: an 实施编码 or a 12-digit division code; the slip then carries that agency, hall, phones and remedy bodies (default: blank for staff to fill in)",
    )
    slip.add_argument("-o", "--output", help="output file (default CODE-KIND.pdf; '-' for standard output)")
    slip.add_argument("--config", default="mkdocs.yml", help=argparse.SUPPRESS)
    slip.add_argument("--cache-dir", type=_cache_dir, default=".cache/guides", help=argparse.SUPPRESS)
    slip.set_defaults(run=_elsewhere("generator.outputs.slips.command", "cmd_slip", reads_matters=True))
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    keep_lost_interrupts()
    try:
        code = args.run(args) or 0
        raise_lost_interrupt()  # a Ctrl-C a finaliser swallowed after the last stage
        return code
    except InvalidInput as exc:
        print_problems(exc.problems)
        return 1
    except UsageError as exc:
        print(f"guides {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"guides {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader of standard output went away (guides diff | head): nothing more to say
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:
        # a full or read-only disk, a file that vanished: one line; what was published stays
        where = f" {exc.filename}" if exc.filename else ""
        print(f"guides {args.command}: 无法读写{where}：{exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        # MkDocs has already logged the reason of an aborted build (a plugin error, a failed
        # render) in one line; a traceback would only hide it.
        if "mkdocs" in sys.modules:
            from mkdocs.exceptions import MkDocsException

            if isinstance(exc, MkDocsException):
                print(f"guides {args.command}: build aborted: {exc.format_message()}", file=sys.stderr)
                return 1
        return internal_error(args.command, exc)


def internal_error(command: str, exc: BaseException) -> int:
    """A bug, not bad input: never a traceback on the screen. One line names the error and
    the file the traceback was written to (GUIDES_DEBUG=1 shows it instead)."""
    if os.environ.get("GUIDES_DEBUG"):
        raise exc
    import tempfile
    import traceback

    where = ""
    with contextlib.suppress(OSError):
        fd, path = tempfile.mkstemp(prefix="guides-error-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as handle:
            traceback.print_exception(exc, file=handle)
        where = f"；详情见 {path}"
    message = str(exc).splitlines()[0] if str(exc) else ""
    print(f"guides {command}: 内部错误 (internal error) {type(exc).__name__}: {message}{where}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
