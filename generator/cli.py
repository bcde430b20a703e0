"""The ``guides`` command. Exit codes: 0 success, 1 invalid input or failed check, 2 wrong usage."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from generator.problems import InvalidInput

MATTERS_DIR = Path("matters")


class UsageError(Exception):
    """Wrong usage of a command that argparse cannot catch (exit 2)."""


def print_problems(problems) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    count = len(problems)
    print(f"{count} problem{'s' if count != 1 else ''} found", file=sys.stderr)


def check_targets(matters: Path, paths: list[str]) -> dict[Path, list[Path] | None]:
    """Which matters directories to load, and which files of each (None: all of them).

    A directory is checked as a matters directory of its own; a file inside ``matters`` is
    checked with the rest of that catalogue (cross-references, duplicate codes), a file
    elsewhere with the directory it lies in. Nothing named is ever silently skipped."""
    from generator.corpus import MATTER_FILE

    targets: dict[Path, list[Path] | None] = {}
    if not paths:
        return {matters: None}
    for name in paths:
        path = Path(name)
        if not path.exists():
            raise UsageError(f"no such file: {path}")
        if path.is_dir():
            targets[path] = None
            continue
        root = matters if path.resolve().is_relative_to(matters.resolve()) else path.parent
        if not MATTER_FILE.match(path.name):  # regions, themes, holidays: with their catalogue
            targets[root] = None
        elif targets.get(root, []) is not None:
            targets.setdefault(root, []).append(path)
    return targets


def cmd_check(args: argparse.Namespace) -> int:
    from generator.corpus import load_corpus

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
        for warning in sorted(corpus.extras.get("warnings", ())):
            print(f"warning: {warning}", file=sys.stderr)
        if corpus.extras.get("themes"):
            others.append(f"{len(corpus.extras['themes'])} themes")
        regions = corpus.extras.get("regions")
        if regions is not None and getattr(regions, "places", None):
            others.append(f"{len(regions.places)} regions")
    if problems:
        raise InvalidInput(problems)
    print(f"ok: {checked} matters checked" + (f" (with {', '.join(others)})" if others else ""), file=sys.stderr)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from generator.build import build_site

    build_site(Path(args.config), jobs=args.jobs or os.cpu_count() or 1, clean=args.clean)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from mkdocs.commands import serve

    serve.serve(config_file=args.config, open_in_browser=False, dev_addr=args.dev_addr, livereload=True)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="guides", description="政务服务事项标准：校验、构建、比对、打印。")
    parser.add_argument("--matters", default=str(MATTERS_DIR), help="matters directory (default: matters)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="validate matters; print every problem; exit 1 if any")
    check.add_argument("paths", nargs="*", help="matter files or matters directories (default: the matters directory)")
    check.add_argument("--cache-dir", default=".cache/guides", help="reuse files validated before (default: .cache/guides; '' to disable)")
    check.set_defaults(run=cmd_check)

    build = sub.add_parser("build", help="check, then render everything into site/")
    build.add_argument("--jobs", type=int, default=0, help="worker processes (default: CPU count)")
    build.add_argument("--clean", action="store_true", help="ignore the artifact cache and render everything")
    build.add_argument("--config", default="mkdocs.yml", help=argparse.SUPPRESS)
    build.set_defaults(run=cmd_build)

    serve = sub.add_parser("serve", help="live preview for editors (rebuilds on save)")
    serve.add_argument("--config", default="mkdocs.yml", help=argparse.SUPPRESS)
    serve.add_argument("--dev-addr", default="127.0.0.1:8000")
    serve.set_defaults(run=cmd_serve)

    for register in _COMMANDS:
        register(sub)
    return parser


def _register_extra_commands() -> list:
    """Commands owned by their output modules (fmt, diff, slip) add their own sub-parsers."""
    registrars = []
    for module_name in EXTRA_COMMAND_MODULES:
        module = importlib.import_module(module_name)
        registrars.append(module.register_command)
    return registrars


_COMMANDS: list = []
EXTRA_COMMAND_MODULES: tuple[str, ...] = ("generator.fmt", "generator.diff", "generator.slips")


def main(argv: list[str] | None = None) -> int:
    _COMMANDS[:] = _register_extra_commands()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args) or 0
    except InvalidInput as exc:
        print_problems(exc.problems)
        return 1
    except UsageError as exc:
        print(f"guides {args.command}: {exc}", file=sys.stderr)
        return 2
    except BaseException as exc:
        # MkDocs has already logged the reason of an aborted build (a plugin error, a failed
        # render) in one line; a traceback would only hide it.
        from mkdocs.exceptions import MkDocsException

        if not isinstance(exc, MkDocsException):
            raise
        print(f"guides {args.command}: build aborted: {exc.format_message()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
