"""`guides fmt`: the canonical form of a matter file, so diffs contain only real changes.

Canonical form:

* first line ``# yaml-language-server: $schema=../schema/matter.schema.json``;
* keys in the order of the model's fields (:class:`generator.model.matter.Matter`), at every
  level; keys the model does not know stay, after the known ones, in their own order;
* two-space indentation, list items indented under their key (``  - id: …``);
* mappings and lists of mappings in block style, lists of plain values in flow style
  (``levels: [市级, 县级]``), no line wrapping;
* text plain where YAML allows it, otherwise in double quotes; text with line breaks as a
  literal block (``|``);
* comments kept (ruamel.yaml round trip).

Formatting never changes the data: the result is loaded back with the project's own loader
and compared with the original; a file whose data would change is left alone and reported.

Tools that write matter files from data (``guides import``, the proposal of ``guides audit``)
use :func:`canonical_data` (which keys a written matter has) and :func:`dump_matter` (its
canonical text, optionally with comments), so what they write is what ``guides fmt`` keeps.
"""

from __future__ import annotations

import argparse
import difflib
import io
import sys
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from generator.load.reader import load_yaml, read_text
from generator.load.messages import inner_model
from generator.model.matter import Matter
from generator.problems import InvalidInput, Problem, UsageError

SCHEMA_LINE = "# yaml-language-server: $schema=../schema/matter.schema.json"
_SCHEMA_PREFIX = "# yaml-language-server:"
_STR_TAG = "tag:yaml.org,2002:str"
_PYYAML_RESOLVER = yaml.resolver.Resolver()


class _DoubleQuoteEmitter(Emitter):
    """Where plain style is impossible, quote with double quotes (never single quotes)."""

    def choose_scalar_style(self) -> Any:
        style = super().choose_scalar_style()
        return '"' if style == "'" else style


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.Emitter = _DoubleQuoteEmitter
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 1_000_000_000
    y.allow_unicode = True
    y.preserve_quotes = False
    return y


def _needs_quotes(text: str) -> bool:
    """Would the plain scalar be read back as something other than this text (YAML 1.1 or 1.2)?"""
    if text == "":
        return True
    return _PYYAML_RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) != _STR_TAG


def canonical_scalar(value: Any) -> Any:
    if isinstance(value, str):
        text = str(value)
        if "\n" in text:
            return LiteralScalarString(text)
        if _needs_quotes(text):
            return DoubleQuotedScalarString(text)
        return text
    return value


def _canonicalise(node: Any, model: type[BaseModel] | None) -> Any:
    """Reorder keys by the model, set block/flow styles and scalar styles, in place."""
    if isinstance(node, CommentedMap):
        fields = getattr(model, "model_fields", {}) if model is not None else {}
        known = [key for key in fields if key in node]
        unknown = [key for key in node if key not in fields]
        old_last = next(reversed(node), None)
        for key in known + unknown:
            node.move_to_end(key)
        _keep_trailing_lines(node, old_last)
        for key in list(node):
            field = fields.get(key)
            node[key] = _canonicalise(node[key], inner_model(field.annotation) if field is not None else None)
        node.fa.set_block_style()
        return node
    if isinstance(node, CommentedSeq):
        for i, item in enumerate(node):
            node[i] = _canonicalise(item, model)
        if len(node) and all(not isinstance(item, (CommentedMap, CommentedSeq, dict, list)) and not isinstance(item, LiteralScalarString) for item in node):
            node.fa.set_flow_style()
        else:
            node.fa.set_block_style()
        return node
    return canonical_scalar(node)


def _keep_trailing_lines(node: CommentedMap, old_last: Any) -> None:
    """Blank lines and comments that followed the old last key stay at the end of the mapping.

    ruamel.yaml attaches them to the key they follow; when that key moves up, they would
    move with it into the middle of the mapping. Only whole-line material (no end-of-line
    comment) is moved, and only onto a scalar value.
    """
    new_last = next(reversed(node), None)
    if old_last is None or new_last == old_last or isinstance(node[new_last], (CommentedMap, CommentedSeq)):
        return
    if isinstance(node[old_last], (CommentedMap, CommentedSeq)):
        return
    item = node.ca.items.get(old_last)
    token = item[2] if item and len(item) > 2 else None
    if token is None or not token.value.startswith("\n"):
        return
    target = node.ca.items.setdefault(new_last, [None, None, None, None])
    if target[2] is None:
        target[2], item[2] = token, None
    elif target[2].value.endswith("\n"):
        target[2].value = target[2].value + token.value[1:]
        item[2] = None


def _split_header(text: str) -> str:
    """The text without its leading yaml-language-server line(s)."""
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith(_SCHEMA_PREFIX):
        lines.pop(0)
    return "".join(lines)


class FormatError(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


def _typed(value: Any) -> Any:
    """Data with types made explicit, so 1, 1.0 and True do not compare equal."""
    if isinstance(value, dict):
        return ("map", sorted((str(k), _typed(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("seq", [_typed(v) for v in value])
    return (type(value).__name__, value)


def format_text(text: str, display: str = "<text>") -> str:
    """The canonical form of one matter file's text; raises FormatError if it cannot be formatted safely."""
    before = load_yaml(Path(display), display, text=text)
    if before.problems:
        raise FormatError(before.problems[0])
    y = _yaml()
    try:
        data = y.load(_split_header(text))
    except YAMLError as exc:  # pragma: no cover - PyYAML above reports syntax errors first
        raise FormatError(Problem(display, 1, 1, "", "YAML 格式错误，无法读取；请检查缩进、冒号和引号")) from exc
    if not isinstance(data, CommentedMap):
        raise FormatError(Problem(display, 1, 1, "", "文件顶层应为若干“字段: 值”（code: …、name: … 每个一行，不缩进）"))
    _canonicalise(data, Matter)
    out = io.StringIO()
    y.dump(data, out)
    result = SCHEMA_LINE + "\n" + out.getvalue()
    after = load_yaml(Path(display), display, text=result)
    if after.problems or _typed(after.data) != _typed(before.data):
        path = _first_difference(before.data, after.data, ())
        line, col = before.where(path)
        raise FormatError(
            Problem(display, line, col, ".".join(str(p) for p in path), "格式化会改变此处的数据，未改写；请给该值加上双引号")
        )
    return result


# Keys written even when they hold the model's default: that a matter is free (fees: []),
# not 通办 (tongban) and how many copies of a material are needed are said explicitly.
ALWAYS_WRITTEN = {(): ("tongban", "fees"), ("materials",): ("copies",)}


def canonical_data(matter: Matter) -> dict:
    """The data a written matter file holds: every value that is not the model's default (plus
    :data:`ALWAYS_WRITTEN`), whole numbers of a float field written as whole numbers."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    data = matter.model_dump(exclude_defaults=True)
    for key in ALWAYS_WRITTEN[()]:
        data.setdefault(key, plain(getattr(matter, key)))
    for item, material in zip(data["materials"], matter.materials):
        for key in ALWAYS_WRITTEN[("materials",)]:
            item.setdefault(key, getattr(material, key))
    return plain(data)


def _commented(value: Any) -> Any:
    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = _commented(item)
        return node
    if isinstance(value, list):
        return CommentedSeq(_commented(item) for item in value)
    return value


def dump_matter(data: dict, comments: dict[tuple, str] | None = None) -> str:
    """The canonical text of one matter given as plain data (as :func:`canonical_data` makes it).

    ``comments``: end-of-line comments by location, e.g. ``{("materials", 2, "id"): "…"}``
    or ``{("time_limit", "promised_days"): "…"}``; a location names a key of a mapping.
    The text is read back (libyaml) and must hold exactly ``data``: nothing is escaped by hand.
    """
    node = _canonicalise(_commented(data), Matter)
    for loc, text in (comments or {}).items():
        parent = node
        for part in loc[:-1]:
            parent = parent[part]
        parent.yaml_add_eol_comment("# " + " ".join(text.split()), loc[-1])
    out = io.StringIO()
    _yaml().dump(node, out)
    result = SCHEMA_LINE + "\n" + out.getvalue()
    after = load_yaml(Path("<data>"), "<data>", text=result)
    if after.problems or _typed(after.data) != _typed(data):
        raise ValueError("the canonical text does not hold the data it was made from")  # pragma: no cover
    return result


def _first_difference(a: Any, b: Any, loc: tuple) -> tuple:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in a:
            if key not in b:
                return loc + (key,)
            if _typed(a[key]) != _typed(b[key]):
                return _first_difference(a[key], b[key], loc + (key,))
        return loc
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b)):
            if _typed(x) != _typed(y):
                return _first_difference(x, y, loc + (i,))
        return loc
    return loc


def format_file(path: Path, display: str, check: bool) -> str | None:
    """Format one file; return the change as a unified diff if it was (or, with check, would
    be) changed, else None. The diff names the file ``a/…`` and ``b/…`` as git does, so
    ``guides fmt --check > fmt.patch`` can be read in review or applied with ``git apply``."""
    text, problems = read_text(path, display)
    if text is None:
        raise FormatError(problems[0])
    result = format_text(text, display)
    if result == text:
        return None
    diff = "".join(difflib.unified_diff(text.splitlines(keepends=True), result.splitlines(keepends=True), f"a/{display}", f"b/{display}"))
    if not check:
        try:
            write_atomically(path, result)
        except OSError as exc:
            raise FormatError(Problem(display, 1, 1, "", f"无法写入：{exc.strerror or exc}")) from None
    return diff


def write_atomically(path: Path, text: str) -> None:
    """Replace the file by a complete new one (a full disk never leaves half a file)."""
    import os
    import tempfile

    path = Path(os.path.realpath(path))  # a linked matter file stays a link
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cmd_fmt(args: argparse.Namespace) -> int:
    from generator.load.matters import MATTER_FILE, display_path, matter_paths

    root = Path(args.matters)
    if args.paths:
        paths = []
        for path in map(Path, args.paths):
            if path.is_dir():  # a matters directory: every matter file in it
                paths += matter_paths(path)[0]
            elif not path.is_file():
                raise UsageError(f"没有这个文件：{path}")
            elif MATTER_FILE.match(path.name):
                paths.append(path)
            else:  # regions.yml, mkdocs.yml, …: the canonical form of a matter is not theirs
                raise UsageError(f"{path} 不是事项文件；fmt 只改写 基本编码.yml（如 000117012000.yml）")
    else:
        if not root.is_dir():
            raise UsageError(f"找不到事项目录 {root}；请用 --matters 指定存放事项文件的目录")
        paths, _ = matter_paths(root)
    changed, problems = [], []
    for path in paths:
        display = display_path(path, root)
        try:
            diff = format_file(path, display, args.check)
        except FormatError as exc:
            problems.append(exc.problem)
            continue
        if diff is not None:
            changed.append(display)
            if args.check:  # what guides fmt would change, per file, on stdout (a patch)
                sys.stdout.write(diff if diff.endswith("\n") else diff + "\n")
    for display in changed:
        if args.check:
            print(f"{display}: 不是规范格式，请运行 guides fmt（改动见上面的差异）", file=sys.stderr)
        else:
            print(f"formatted {display}", file=sys.stderr)
    if problems:
        raise InvalidInput(problems)
    if args.check:
        if changed:
            print(f"{len(paths)} 个文件中有 {len(changed)} 个需要重新格式化（运行 guides fmt）", file=sys.stderr)
            return 1
        print(f"格式检查通过：{len(paths)} 个文件均为规范格式", file=sys.stderr)
        return 0
    print(f"{len(changed)} of {len(paths)} files reformatted", file=sys.stderr)
    return 0
