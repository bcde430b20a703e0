"""Fuzz: valid matter files mutated (wrong types, any Unicode, control characters, deep
structures, aliases, huge numbers, broken YAML), a fixed budget.

Every mutated file goes through ``guides check`` in this process: it exits 0 or 1, raises
nothing (an exception out of ``main`` is a traceback), and stays within a time and memory
bound. The mutated matters that pass are then built together into one site, and every
published HTML page, SVG, Atom feed, XML and JSON file must be well-formed.

Reproducible: ``derandomize=True`` gives the same examples on every run; the budget (200
examples, well under a minute) keeps it in CI.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import resource
import shutil
import tempfile
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, build_project, make_project
from generator.cli import main

VALID_TEXT = (FIXTURES / "foundation" / "valid" / "310115001000.yml").read_text(encoding="utf-8")
VALID = yaml.safe_load(VALID_TEXT)
EXAMPLES = 200
SECONDS_PER_CHECK = 5
MEMORY_GROWTH_MB = 400
BUILT_AT_MOST = 30  # passing mutants published together at the end


def paths(data: Any, loc: tuple = ()) -> list[tuple]:
    """Every path to a value in ``data``, containers included."""
    found = [loc]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, loc + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += paths(value, loc + (i,))
    return found


PATHS = [p for p in paths(VALID) if p and p != ("code",)]
# free-text fields: any printable text is valid there, so these mutants reach the publishers
TEXT_FIELDS = {"name", "summary", "title", "article", "question", "label", "text", "answer", "actor", "note"}
TEXT_PATHS = [p for p in PATHS if isinstance(p[-1], str) and p[-1] in TEXT_FIELDS]

# text that has broken publishers before: markup, entities, CDATA ends, quotes, backslashes,
# full-width digits, right-to-left marks, and every kind of control character
HOSTILE_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("<>&\"'/\\]]>{}[]#:*!|%@`\n\t\r\x00\x07\x1b\x7f\x85\u2028\u202e\ufeff\ufffe１２３")),
        st.characters(codec="utf-8"),
    ),
    max_size=40,
)
SCALARS = st.one_of(
    HOSTILE_TEXT,
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
)
PRINTABLE_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("<>&\"'/\\]]>{}[]#:*!|%@`\u2028\u202e\ufeff１２３<script>--&amp;")),
        st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")).filter(lambda c: c not in "\ufffe\uffff"),
    ),
    min_size=1,
    max_size=40,
).filter(lambda t: t.strip())
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(HOSTILE_TEXT, inner, max_size=4)), max_leaves=12)


def set_at(data: Any, loc: tuple, value: Any) -> None:
    for part in loc[:-1]:
        data = data[part]
    data[loc[-1]] = value


def deep(depth: int, flow: bool) -> str:
    return "[" * depth + "]" * depth if flow else "\n" + "\n".join("  " * i + "- " for i in range(depth)) + "x"


@st.composite
def mutants(draw) -> str:
    """The text of one mutated matter file (its code set by the caller)."""
    data = json.loads(json.dumps(VALID, default=str))  # a deep copy with dates as text
    data["effective_date"] = dt.date(2026, 1, 1)
    kind = draw(st.sampled_from(["printable"] * 4 + ["value", "value", "text", "text", "deep", "aliases", "number", "yaml"]))
    if kind in ("value", "text", "number", "printable"):
        for _ in range(draw(st.integers(min_value=1, max_value=3))):
            loc = draw(st.sampled_from(TEXT_PATHS if kind == "printable" else PATHS))
            value = draw(
                {
                    "value": VALUES,
                    "text": HOSTILE_TEXT,
                    "printable": PRINTABLE_TEXT,
                    "number": st.one_of(st.integers(min_value=-(10**40), max_value=10**40), st.floats()),
                }[kind]
            )
            with contextlib.suppress(KeyError, IndexError, TypeError):
                set_at(data, loc, value)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9)
    if kind == "deep":
        text += "extra:" + deep(draw(st.integers(min_value=1, max_value=1500)), draw(st.booleans())) + "\n"
    elif kind == "aliases":
        width = draw(st.integers(min_value=1, max_value=30))
        levels = draw(st.integers(min_value=1, max_value=8))
        lines = ["lol0: &lol0 [" + ", ".join(["lol"] * width) + "]"]
        lines += [f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * width) + "]" for i in range(1, levels)]
        text += "\n".join(lines) + "\n" + draw(st.sampled_from(["", "loop: &loop [*loop]\n", "m: &m {<<: *m}\n"]))
    elif kind == "yaml":
        for _ in range(draw(st.integers(min_value=1, max_value=4))):
            at = draw(st.integers(min_value=0, max_value=len(text)))
            cut = draw(st.integers(min_value=0, max_value=20))
            text = text[:at] + draw(HOSTILE_TEXT) + text[at + cut :]
    return text


def with_code(text: str, code: str) -> str:
    return re.sub(r"^code: .*$", f"code: '{code}'", text, count=1, flags=re.M)


class Balanced(HTMLParser):
    """Every element that HTML does not close implicitly is closed, in order."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
    OPTIONAL = {"p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot", "colgroup", "rt", "rp", "caption"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)
        self._in_json_ld = tag == "script" and ("type", "application/ld+json") in attrs

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(data)

    def handle_endtag(self, tag):
        self._in_json_ld = False
        if tag in self.VOID:
            return
        if tag not in self.stack:
            self.errors.append(f"stray </{tag}> at {self.getpos()}")
            return
        while self.stack:
            top = self.stack.pop()
            if top == tag:
                break
            if top not in self.OPTIONAL:
                self.errors.append(f"<{top}> closed by </{tag}> at {self.getpos()}")


def well_formed(site: Path) -> list[str]:
    """What is malformed in the published site (nothing, hopefully)."""
    bad = []
    for path in sorted(site.rglob("*")):
        name = str(path.relative_to(site))
        try:
            if path.suffix in (".svg", ".xml", ".atom"):
                ET.fromstring(path.read_bytes())
            elif path.suffix in (".json", ".jsonld"):
                json.loads(path.read_text(encoding="utf-8"))
            elif path.suffix == ".html":
                checker = Balanced()
                checker.feed(path.read_text(encoding="utf-8"))
                checker.close()
                left = [tag for tag in checker.stack if tag not in Balanced.OPTIONAL]
                if checker.errors or left:
                    bad.append(f"{name}: {(checker.errors + left)[:3]}")
                for block in checker.json_ld:
                    json.loads(block)
        except (ET.ParseError, ValueError) as exc:
            bad.append(f"{name}: {exc}")
    return bad


def test_mutated_matters_never_crash_and_publish_well_formed_files(tmp_path, monkeypatch):
    passing: list[str] = []
    counter = iter(range(10**6))
    baseline_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    slowest = [0.0]

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,  # timed below, with a clearer message
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much, HealthCheck.large_base_example],
    )
    @given(mutants())
    def check_one(text: str) -> None:
        code = f"3101159{next(counter):05d}"
        text = with_code(text, code)
        folder = Path(tempfile.mkdtemp(dir=tmp_path))
        try:
            (folder / f"{code}.yml").write_text(text, encoding="utf-8", errors="surrogatepass")
            err = io.StringIO()
            started = time.monotonic()
            with contextlib.redirect_stderr(err):
                exit_code = main(["--matters", str(folder), "check", "--cache-dir", ""])
            took = time.monotonic() - started
            slowest[0] = max(slowest[0], took)
            assert exit_code in (0, 1), err.getvalue()
            assert "Traceback" not in err.getvalue()
            assert took < SECONDS_PER_CHECK, f"check took {took:.1f}s"
            if exit_code == 0 and len(passing) < BUILT_AT_MOST:
                passing.append(text)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    check_one()
    print(f"fuzz: {next(counter)} examples, {len(passing)} passed the check, slowest check {slowest[0]:.2f}s")
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - baseline_mb
    assert grown < MEMORY_GROWTH_MB, f"peak memory grew by {grown:.0f} MB"
    assert passing, "no mutant passed the check: the mutations are too coarse to test publishing"

    # the passing mutants, published together (slips left out: PDFs are not what is checked)
    from generator.publish import plugin

    monkeypatch.setattr(plugin, "OUTPUTS", tuple(item for item in plugin.OUTPUTS if item[0] != "slips"))
    matters = tmp_path / "mutants"
    matters.mkdir()
    for text in passing:
        code = re.search(r"^code: '(\w+)'", text, re.M).group(1)
        (matters / f"{code}.yml").write_text(text, encoding="utf-8")
    site = build_project(make_project(tmp_path / "site", matters))
    assert len(list((site / "matters").glob("*/index.html"))) == len(passing)
    assert well_formed(site) == []


def test_the_well_formedness_check_finds_broken_files(tmp_path):
    """The checks above can fail: a stray tag, bad XML and bad JSON are found."""
    (tmp_path / "a.html").write_text("<html><body><div><span></div></body></html>", encoding="utf-8")
    (tmp_path / "b.svg").write_text("<svg><title>\x07</title></svg>", encoding="utf-8")
    (tmp_path / "c.atom").write_text("<feed><entry></feed>", encoding="utf-8")
    (tmp_path / "d.json").write_text("{", encoding="utf-8")
    (tmp_path / "e.html").write_text('<html><body><script type="application/ld+json">{</script></body></html>', encoding="utf-8")
    assert [line.split(":")[0] for line in well_formed(tmp_path)] == ["a.html", "b.svg", "c.atom", "d.json", "e.html"]
