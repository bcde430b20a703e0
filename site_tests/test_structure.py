"""The shape of the pipeline: what each command loads, how stages are wired, who imports whom.

Stages, lowest first: ``generator.model`` and ``generator.load``/``check``/``domain`` (the
corpus), ``generator.outputs`` (what is rendered), ``generator.publish`` (MkDocs and the
build). ``generator.review`` holds reviewer tools (diff, fmt) and ``generator.adopt`` the
adoption tools (import, export, audit) that only the commands use.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "generator"


# ------------------------------------------------------------------ (a) what `guides check` loads

@pytest.mark.parametrize("argv", [["check"], ["check", "--cache-dir", ""]], ids=["cached", "uncached"])
def test_check_imports_no_mkdocs_jinja_or_weasyprint(argv):
    script = (
        "import json, sys\n"
        "from generator.cli import main\n"
        f"code = main({argv!r})\n"
        "print(json.dumps({'code': code, 'roots': sorted({name.split('.')[0] for name in sys.modules})}))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["code"] in (0, 1), result.stderr  # the check ran (the matters may be mid-edit)
    assert "generator" in report["roots"] and "pydantic" in report["roots"]  # the probe sees imports
    assert {"mkdocs", "jinja2", "weasyprint"} & set(report["roots"]) == set()


# ------------------------------------------------------------------ (b) no import-time registration

REGISTRIES = [
    "ARTIFACT_PRODUCERS", "POST_BUILD", "OUTPUT_MODULES", "PAGE_CONTRIBUTORS", "CATALOGUE_SECTIONS",
    "AREA_NAMES", "_COMMANDS", "_EXTENSIONS", "CHECK_MODULES", "@extension", ".extras",
]


def test_no_import_time_registration_remains():
    """Stages are called explicitly; nothing adds itself to a table when it is imported."""
    found = []
    for path in sorted(PACKAGE.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:  # fonts and other binary data
            continue
        for number, line in enumerate(text.splitlines(), 1):
            found += [f"{path.relative_to(ROOT)}:{number}: {name}" for name in REGISTRIES if name in line]
    assert found == []


# ------------------------------------------------------------------ (c) the import graph

@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    type_checking: bool  # under ``if TYPE_CHECKING:``: never executed

    def __str__(self) -> str:
        return f"{self.source}:{self.line} -> {self.target}" + (" (TYPE_CHECKING)" if self.type_checking else "")


def generator_modules() -> dict[str, tuple[Path, bool]]:
    """Every module of the generator package: dotted name -> (file, is a package __init__)."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        modules[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(name: str, path: Path, is_package: bool, modules: dict) -> list[Import]:
    """Every import of a generator module in one module, at any depth (functions included)."""
    found: list[Import] = []

    def resolve(dotted: str) -> str | None:
        while dotted not in modules and "." in dotted:
            dotted = dotted.rsplit(".", 1)[0]
        return dotted if dotted in modules else None

    def add(dotted: str, line: int, type_checking: bool) -> None:
        target = resolve(dotted) if dotted.split(".")[0] == "generator" else None
        if target is not None:
            found.append(Import(name, target, line, type_checking))

    def visit(node: ast.AST, type_checking: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for statement in child.body:
                    visit_one(statement, True)
                for statement in child.orelse:
                    visit_one(statement, type_checking)
            else:
                visit_one(child, type_checking)

    def visit_one(node: ast.AST, type_checking: bool) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno, type_checking)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the package this module is in
                package = name.split(".") if is_package else name.split(".")[:-1]
                package = package[: len(package) - node.level + 1]
                base = ".".join(package + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:  # `from generator.x import y`: module generator.x.y if there is one
                add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base, node.lineno, type_checking)
        visit(node, type_checking)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)), False)
    return found


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    modules = generator_modules()
    return [i for name, (path, is_package) in modules.items() for i in imports_of(name, path, is_package, modules)]


def import_cycles(edges: list[Import]) -> list[list[Import]]:
    """One cycle (as its chain of imports) for every strongly connected group of modules."""
    graph: dict[str, dict[str, Import]] = {}
    for edge in edges:
        graph.setdefault(edge.source, {}).setdefault(edge.target, edge)
        graph.setdefault(edge.target, {})
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def connect(node: str) -> None:  # Tarjan
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph[node]:
                groups.append(group)

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            connect(node)

    cycles = []
    for group in groups:  # the shortest way back to the group's first module
        start = min(group)
        paths = {start: []}
        frontier = [start]
        while frontier and start not in {t for n in frontier for t in graph[n]}:
            nxt = []
            for node in frontier:
                for target, edge in sorted(graph[node].items()):
                    if target in group and target not in paths:
                        paths[target] = paths[node] + [edge]
                        nxt.append(target)
            frontier = nxt
        last = next(n for n in frontier if start in graph[n])
        cycles.append(paths[last] + [graph[last][start]])
    return cycles


def test_the_import_graph_is_read_completely(imports):
    """The graph sees imports inside functions and resolves `from package import module`."""
    edges = {(i.source, i.target) for i in imports}
    assert ("generator.cli", "generator.load.corpus") in edges  # inside cmd_check
    assert ("generator.review.diff", "generator.review.sides") in edges
    assert len(edges) > 50


def test_no_import_cycles(imports):
    """No circle of imports among generator modules (package __init__ edges aside; imports under
    ``if TYPE_CHECKING:`` never run and are left out)."""
    modules = generator_modules()
    runtime = [i for i in imports if not i.type_checking and not modules[i.source][1] and not modules[i.target][1]]
    cycles = [" -> ".join([str(chain[0].source)] + [f"{e.target} (line {e.line} of {e.source})" for e in chain]) for chain in import_cycles(runtime)]
    assert cycles == []


def test_the_cycle_finder_finds_a_cycle():
    a = Import("generator.a", "generator.b", 1, False)
    b = Import("generator.b", "generator.c", 2, False)
    c = Import("generator.c", "generator.a", 3, False)
    assert import_cycles([a, b, c, Import("generator.c", "generator.d", 4, False)]) == [[a, b, c]]
    assert import_cycles([a, Import("generator.b", "generator.d", 2, False)]) == []


CORPUS_STAGES = ("generator.load", "generator.check", "generator.domain", "generator.model")


def _in(module: str, stages: tuple[str, ...]) -> bool:
    return any(module == stage or module.startswith(stage + ".") for stage in stages)


LAYERS = {
    # rule id: (importing stages, imported stages, imports under TYPE_CHECKING allowed)
    "corpus-stages-import-no-output-publish-or-review": (CORPUS_STAGES, ("generator.outputs", "generator.publish", "generator.review"), False),
    "outputs-import-publish-only-for-types": (("generator.outputs",), ("generator.publish",), True),
    "the-build-never-imports-review": (CORPUS_STAGES + ("generator.outputs", "generator.publish"), ("generator.review",), False),
    # guides import / export / audit are adoption tools: nothing the build runs may load them
    "the-build-never-imports-adopt": (CORPUS_STAGES + ("generator.outputs", "generator.publish", "generator.review"), ("generator.adopt",), False),
}


@pytest.mark.parametrize(
    "rule",
    [
        "corpus-stages-import-no-output-publish-or-review",
        "outputs-import-publish-only-for-types",
        "the-build-never-imports-review",
        "the-build-never-imports-adopt",
    ],
)
def test_stage_layering(imports, rule):
    importers, imported, types_only_allowed = LAYERS[rule]
    wrong = [
        str(i) for i in imports
        if _in(i.source, importers) and _in(i.target, imported) and not (types_only_allowed and i.type_checking)
    ]
    assert wrong == []
