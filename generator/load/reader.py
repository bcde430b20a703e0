"""Load YAML files, remembering where every value came from — the one reader of every input.

PyYAML's node graph carries line and column marks; we build plain Python data and, next to
it, a map from field path to position, so every later check can point at the exact line.
Duplicate keys, which PyYAML would silently overwrite, are reported as problems.

Every input goes through here: the matter files, ``regions.yml``, the themes, ``policy.yml``,
``holidays.yml``, both sides of ``guides diff`` (files and git blobs) and ``guides fmt``;
command-line text (``guides slip --applicant``) through :func:`text_problem`. Nothing a file
contains can make the reader raise, hang or use unbounded memory: every failure becomes a
positioned :class:`~generator.problems.Problem`, within the :class:`Limits` below (the
README lists them):

* the file: a regular file (not a directory, a dangling or looping symbolic link, a pipe or a
  device), at most ``max_bytes``, UTF-8;
* the YAML: one document, nesting at most ``max_depth`` deep, at most ``max_aliases`` uses of
  anchors (``*alias``) adding at most ``max_alias_values`` values, at most ``max_nodes``
  values in all (counted as they are built: a "billion laughs" file stops at the limit,
  after milliseconds), no alias that contains itself, only the plain YAML types (no ``!!python/…``, ``!!binary``, ``!!set`` or custom tags,
  on scalars, lists and mappings alike), keys that are plain values;
* each value: text at most ``max_string`` characters, without control characters (newline and
  tab are allowed), dates that exist (2026-02-30 and month 13 are problems, not crashes).

Ranges that belong to the domain (days, copies, fees) are field constraints of the models
in :mod:`generator.model`; ASCII-only codes are their patterns.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.problems import Problem, field_path

try:  # libyaml is several times faster on large catalogues
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pure-Python fallback
    _Loader = yaml.SafeLoader

Position = tuple[int, int]


@dataclass(frozen=True)
class Limits:
    """What one file may contain. The defaults fit a matter, a theme, the policy and the
    holiday calendar; :data:`REGION_LIMITS` fits a province's whole region directory."""

    max_bytes: int = 1 << 20  # 1 MiB; a large matter file is about 20 KiB
    max_depth: int = 32  # a matter nests 5 deep, a region directory about 17
    max_nodes: int = 100_000  # values in all, aliases expanded
    max_aliases: int = 100  # uses of an anchor (*name)
    max_alias_values: int = 10_000  # values that the uses of anchors add
    max_string: int = 20_000  # characters of one text value
    max_key: int = 200  # characters of one key
    max_problems: int = 100  # then one more line says the rest were not listed


DEFAULT_LIMITS = Limits()
REGION_LIMITS = Limits(max_bytes=64 << 20, max_nodes=5_000_000)

_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
# the types of plain YAML: everything else (python objects, binary, sets, custom tags) is refused
_SCALAR_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("null", "bool", "int", "float", "str", "timestamp")
)

# Characters no text may contain: C0 controls except tab and newline, DEL, C1 controls, and
# the non-characters U+FFFE/U+FFFF (XML 1.0 cannot carry any of these, nor can dot), and
# lone surrogates (what Python makes of bytes that are not UTF-8, e.g. in a command line).
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_FORBIDDEN_ON_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def text_problem(value: str, max_length: int = DEFAULT_LIMITS.max_string, *, newlines: bool = True) -> str | None:
    """What is wrong with one text value (None: nothing). Used for every text the reader
    builds and for text given on the command line."""
    if len(value) > max_length:
        return f"文字过长：最多 {max_length} 个字符，实际 {len(value)} 个"
    found = (_FORBIDDEN if newlines else _FORBIDDEN_ON_ONE_LINE).search(value)
    if found is None:
        return None
    char = found.group(0)
    if "\ud800" <= char <= "\udfff":
        return "文字不是有效的 UTF-8（含有无法解码的字节）"
    allowed = "只允许换行和制表符" if newlines else "这里不允许换行或制表符"
    return f"文字含有控制字符 U+{ord(char):04X}（第 {found.start() + 1} 个字符）；{allowed}"


def safe_resolve(path: Path) -> Path:
    """``path.resolve()`` that never raises: a symbolic link loop resolves to the path itself."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def read_bytes(path: Path, display: str, limits: Limits = DEFAULT_LIMITS) -> tuple[bytes | None, list[Problem]]:
    """The bytes of one input file, or the one problem that prevents reading it. Only a
    regular file within ``limits.max_bytes`` is read (a pipe would block, a device never end)."""

    def problem(message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(display, 1, 1, "", message)]

    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return problem("符号链接形成循环，无法读取；应为事项文件或指向文件的链接")
        if exc.errno == errno.ENOENT and os.path.islink(path):
            return problem(f"符号链接指向不存在的文件 {os.readlink(path)}；应指向一个文件")
        return problem(f"无法读取：{exc.strerror or exc}")
    if stat.S_ISDIR(info.st_mode):
        return problem("这是一个目录，不是文件；目录不能以 .yml 结尾")
    if not stat.S_ISREG(info.st_mode):
        return problem("不是普通文件（管道、设备或套接字），未读取")
    if info.st_size > limits.max_bytes:
        return problem(f"文件过大：最多 {limits.max_bytes} 字节，实际 {info.st_size} 字节")
    try:
        with open(path, "rb") as handle:
            data = handle.read(limits.max_bytes + 1)
    except OSError as exc:
        return problem(f"无法读取：{exc.strerror or exc}")
    if len(data) > limits.max_bytes:
        return problem(f"文件过大：最多 {limits.max_bytes} 字节")
    return data, []


def decode(data: bytes, display: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 text of a file's bytes, or a problem at the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        return None, [Problem(display, line, column, "", f"文件不是 UTF-8 编码的文字：此处的字节 0x{data[exc.start]:02X} 无法按 UTF-8 读取；请在编辑器中把文件另存为 UTF-8 编码")]


def read_text(path: Path, display: str, limits: Limits = DEFAULT_LIMITS) -> tuple[str | None, list[Problem]]:
    data, problems = read_bytes(path, display, limits)
    if data is None:
        return None, problems
    return decode(data, display)


def present(path: Path) -> bool:
    """Whether anything is at ``path``, even a dangling or looping link (which the reader
    then reports), so an optional input file is never silently taken as missing."""
    return os.path.lexists(path)


class SourceFile:
    """One YAML document with the position of each value, keyed by its path tuple.

    A file whose validated model came from the parse cache is parsed again only when a
    later check asks where something is, so unchanged catalogues load without YAML work.
    """

    def __init__(self, path: Path, display: str, data: Any = None, text: str | None = None, limits: Limits = DEFAULT_LIMITS):
        self.path = path
        self.display = display
        self.text = text
        self.limits = limits
        self.problems: list[Problem] = []
        # paths of the values the reader refused (they are None in the data): a schema error
        # there would only repeat the reader's problem
        self.refused: set[tuple] = set()
        self._data = data
        self._positions: dict[tuple, Position] | None = None if text is not None else {}

    @property
    def data(self) -> Any:
        self._parse()
        return self._data

    @data.setter
    def data(self, value: Any) -> None:
        self._data = value

    @property
    def positions(self) -> dict[tuple, Position]:
        self._parse()
        return self._positions

    def _parse(self) -> None:
        if self._positions is None:
            self._positions = {}
            _parse_into(self, self.text)

    def where(self, loc: tuple) -> Position:
        """Position of the deepest existing prefix of ``loc`` (a missing key points at its parent)."""
        positions = self.positions
        loc = tuple(loc)
        while loc and loc not in positions:
            loc = loc[:-1]
        return positions.get(loc, (1, 1))

    def was_refused(self, loc: tuple) -> bool:
        """Whether the reader refused the value at ``loc`` or one that contains it."""
        loc = tuple(loc)
        return any(loc[:n] in self.refused for n in range(len(loc) + 1)) if self.refused else False

    def problem(self, loc: tuple, message: str) -> Problem:
        line, col = self.where(loc)
        return Problem(self.display, line, col, field_path(loc), message)


def load_yaml(path: Path, display: str | None = None, text: str | None = None, limits: Limits = DEFAULT_LIMITS) -> SourceFile:
    """Parse one YAML file; every failure (reading, syntax, limits, values) becomes a problem."""
    display = display or str(path)
    source = SourceFile(path=path, display=display, limits=limits)
    if text is None:
        text, problems = read_text(path, display, limits)
        if text is None:
            source.problems += problems
            return source
    source.text = text
    _parse_into(source, text)
    return source


# ---------------------------------------------------------------------------- parsing


class _Stop(Exception):
    """Too many problems in one file: stop building it."""


def _mark(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _parse_into(source: SourceFile, text: str) -> None:
    display = source.display
    limits = source.limits
    source._positions = {}
    if len(text) > limits.max_bytes:
        source.problems.append(Problem(display, 1, 1, "", f"文件过大：最多 {limits.max_bytes} 字节"))
        return
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            source.problems.append(Problem(display, 1, 1, "", "文件是空的；应为若干“字段: 值”"))
            return
        source._data = _Builder(loader, source).build(node, ())
    except _Stop:
        source._data = None
    except yaml.MarkedYAMLError as exc:
        line, col, message = syntax_message(exc, text)
        source.problems.append(Problem(display, line, col, "", message))
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position] if isinstance(exc.position, int) else ""
        line, col = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character) if isinstance(exc.character, str) and exc.character else 0
        source.problems.append(Problem(display, line, col, "", f"文件含有不允许的字符 U+{char:04X}（控制字符）；只允许换行和制表符"))
    except yaml.YAMLError:
        source.problems.append(Problem(display, 1, 1, "", "YAML 格式错误，无法读取；请检查缩进、冒号和引号"))
    except (RecursionError, MemoryError) as exc:  # pragma: no cover - the limits come first
        source.problems.append(Problem(display, 1, 1, "", f"文件结构过于复杂，无法读取（{type(exc).__name__}）"))
    finally:
        loader.dispose()


# PyYAML's words for the syntax errors staff meet, said in Chinese with the fix
_SYNTAX_WORDS = (
    ("mapping values are not allowed", "这里不能有“: ”；值里含冒号加空格时，请给整个值加引号"),
    ("could not find expected ':'", "缺少“: ”；每行应写作 字段: 值，或检查上一行的引号是否配对"),
    ("did not find expected key", "缩进不一致：同一层的字段应左对齐"),
    ("expected <block end>", "缩进不一致：同一层的字段应左对齐"),
    ("did not find expected '-' indicator", "列表的各项应以“- ”开头并左对齐"),
    ("did not find expected ',' or ']'", "方括号列表没有正确结束：各项用逗号分隔，最后写“]”"),
    ("did not find expected ',' or '}'", "花括号映射没有正确结束：各项用逗号分隔，最后写“}”"),
    ("found unexpected end of stream", "引号没有配对：文件结束前缺少结束引号"),
    ("found undefined alias", "引用（*名称）指向不存在的锚点（&名称）"),
    ("found duplicate anchor", "锚点（&名称）重复定义"),
    ("found unknown escape character", "双引号里的反斜杠“\\”后是未知的转义字符；请改用单引号，或写两个反斜杠"),
    ("found unexpected ':'", "这里不能有“:”；值里含冒号时，请给整个值加引号"),
)


def syntax_message(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str]:
    """(line, column, message) of a YAML syntax error, in Chinese; a tab is named as a tab."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = text.splitlines()
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in (here[col - 1 : col] if col <= len(here) else "") or ("cannot start any token" in str(exc.problem) and "\t" in here):
        col = here.index("\t") + 1 if here[col - 1 : col] != "\t" else col
        return line, col, f"第{line}行第{col}列有制表符（Tab），请改用空格缩进"
    what = " ".join(part for part in (exc.context, exc.problem) if part)
    words = next((zh for en, zh in _SYNTAX_WORDS if en in what), "请检查缩进、冒号和引号")
    return line, col, f"YAML 语法错误：{words}"


class _Builder:
    """Plain data from a YAML node graph, with positions, within the limits."""

    def __init__(self, loader: Any, source: SourceFile):
        self.loader = loader
        self.source = source
        self.limits = source.limits
        self.positions = source._positions
        self.count = 0  # values built, aliases expanded
        self.aliases = 0  # uses of an anchor
        self.seen: set[int] = set()  # nodes built at least once
        self.replaying = 0  # > 0 while an alias is being expanded
        self.expanded = 0  # values built again for aliases
        self.path: set[int] = set()  # the lists and mappings being built, outermost first

    def report(self, node: yaml.Node | None, loc: tuple, message: str, *, refuse: bool = True) -> None:
        if refuse:
            self.source.refused.add(loc)
        problems = self.source.problems
        line, col = _mark(node) if node is not None else self.positions.get(loc, (1, 1))
        problems.append(Problem(self.source.display, line, col, field_path(loc), message))
        if len(problems) >= self.limits.max_problems:
            problems.append(Problem(self.source.display, line, col, "", f"问题过多，只列出前 {self.limits.max_problems} 个"))
            raise _Stop

    def build(self, node: yaml.Node, loc: tuple) -> Any:
        """The value of ``node``. Each value built counts, so an alias used a million times
        stops at ``max_nodes``; depth is checked before going deeper, and an alias inside
        its own anchor is found on the path, so nothing can recurse without end."""
        limits = self.limits
        self.count += 1
        if self.count > limits.max_nodes:
            self.fatal(node, loc, f"内容过多：最多 {limits.max_nodes} 个值（含别名展开的）")
        if len(loc) >= limits.max_depth:
            self.fatal(node, loc, f"嵌套过深：最多 {limits.max_depth} 层")
        key = id(node)
        replay = key in self.seen  # an alias: the anchor's content built again
        if replay:
            if key in self.path:
                self.fatal(node, loc, "别名引用了包含它自己的内容（&锚点 里用了 *同一锚点），无法展开")
            if not self.replaying:  # the aliases inside were counted when first built
                self.aliases += 1
                if self.aliases > limits.max_aliases:
                    self.fatal(node, loc, f"别名（*引用）用得过多：最多 {limits.max_aliases} 次")
        if replay or self.replaying:
            self.expanded += 1
            if self.expanded > limits.max_alias_values:
                self.fatal(node, loc, f"别名展开后的值过多：别名最多再添 {limits.max_alias_values} 个值")
        self.seen.add(key)
        self.positions[loc] = _mark(node)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, loc)
        self.path.add(key)
        self.replaying += replay
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, loc)
            if node.tag != _SEQ_TAG:
                self.report(node, loc, f"不支持的 YAML 标签 {node.tag}；只允许普通的列表、映射和值")
                return None
            return [self.build(item, loc + (i,)) for i, item in enumerate(node.value)]
        finally:
            self.path.discard(key)
            self.replaying -= replay

    def fatal(self, node: yaml.Node, loc: tuple, message: str) -> None:
        """A limit of the whole file: one problem, and the file is not read further."""
        line, col = _mark(node)
        self.source.problems.append(Problem(self.source.display, line, col, "", message))
        raise _Stop

    def mapping(self, node: yaml.MappingNode, loc: tuple) -> dict | None:
        if node.tag != _MAP_TAG:
            self.report(node, loc, f"不支持的 YAML 标签 {node.tag}；只允许普通的列表、映射和值")
            return None
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                break
        else:
            key_node = None
        if key_node is not None:
            self._merge_sources_acyclic(node, loc)
            self.loader.flatten_mapping(node)  # merge keys (<<: *base)
        result: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.report(key_node, loc, "键必须是简单的文字，不能是列表或映射", refuse=False)
                continue
            key = self.scalar(key_node, loc, is_key=True)
            if key is _INVALID:
                continue
            if not isinstance(key, str):
                key = str(key)
            child = loc + (key,)
            if key in result:
                line, col = _mark(key_node)
                self.source.problems.append(Problem(self.source.display, line, col, field_path(child), "字段重复：同一层里每个字段只能写一次"))
            result[key] = self.build(value_node, child)
            # problems about a field point at its key, where an editor's cursor belongs
            self.positions[child] = _mark(key_node)
        return result

    def _merge_sources_acyclic(self, node: yaml.MappingNode, loc: tuple) -> None:
        """PyYAML merges recursively: refuse a merge that reaches a mapping being built
        (``&a {<<: *a}``), too deep a chain of merges, or too many of them."""
        pending, steps = [(node, 0)], 0
        while pending:
            current, depth = pending.pop()
            for key_node, value_node in current.value:
                if key_node.tag != _MERGE_TAG:
                    continue
                for merged in value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]:
                    steps += 1
                    if id(merged) in self.path or merged is node:
                        self.fatal(merged, loc, "别名引用了包含它自己的内容（&锚点 里用了 *同一锚点），无法展开")
                    if depth >= self.limits.max_depth or steps > self.limits.max_aliases:
                        self.fatal(merged, loc, f"合并（<<）过多或过深：最多 {self.limits.max_aliases} 次")
                    if isinstance(merged, yaml.MappingNode):
                        pending.append((merged, depth + 1))

    def scalar(self, node: yaml.Node, loc: tuple, is_key: bool = False) -> Any:
        limits = self.limits
        if node.tag == _STR_TAG:  # the common case, without the generic constructor's overhead
            value = node.value
            problem = text_problem(value, limits.max_key if is_key else limits.max_string, newlines=not is_key)
            if problem:
                self.report(node, loc, ("键" if is_key else "") + problem, refuse=not is_key)
                return _INVALID if is_key else None
            return value
        if node.tag not in _SCALAR_TAGS:
            self.report(node, loc, f"不支持的 YAML 标签 {node.tag}；只允许普通的列表、映射和值", refuse=not is_key)
            return _INVALID if is_key else None
        if len(node.value) > limits.max_string:
            self.report(node, loc, f"值过长：最多 {limits.max_string} 个字符", refuse=not is_key)
            return _INVALID if is_key else None
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError, TypeError) as exc:
            if node.tag == _TIMESTAMP_TAG:
                self.report(node, loc, f"日期不存在：{node.value}（{_date_reason(exc)}）；应为真实的日期 YYYY-MM-DD", refuse=not is_key)
            else:
                self.report(node, loc, f"无法读取的值 {node.value[:40]!r}：{exc}", refuse=not is_key)
            return _INVALID if is_key else None


_INVALID = object()


def _date_reason(exc: Exception) -> str:
    text = str(exc)
    if "day is out of range" in text:
        return "这个月没有这一天"
    if "month" in text:
        return "月份应为 1–12"
    if "hour" in text or "minute" in text or "second" in text:
        return "时间不存在"
    return text
