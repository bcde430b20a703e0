"""Load YAML files, remembering where every value came from.

PyYAML's node graph carries line and column marks; we build plain Python data and, next to
it, a map from field path to position, so every later check can point at the exact line.
Duplicate keys, which PyYAML would silently overwrite, are reported as problems.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator.problems import Problem, field_path

try:  # libyaml is several times faster on large catalogues
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pure-Python fallback
    _Loader = yaml.SafeLoader

Position = tuple[int, int]


class SourceFile:
    """One YAML document with the position of each value, keyed by its path tuple.

    A file whose validated model came from the parse cache is parsed again only when a
    later check asks where something is, so unchanged catalogues load without YAML work.
    """

    def __init__(self, path: Path, display: str, data: Any = None, text: str | None = None):
        self.path = path
        self.display = display
        self.text = text
        self.problems: list[Problem] = []
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

    def problem(self, loc: tuple, message: str) -> Problem:
        line, col = self.where(loc)
        return Problem(self.display, line, col, field_path(loc), message)


_STR_TAG = "tag:yaml.org,2002:str"


def _build(loader: yaml.SafeLoader, node: yaml.Node, loc: tuple, source: SourceFile) -> Any:
    source._positions[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            child = loc + (key,)
            if key in result:
                line = key_node.start_mark.line + 1
                source.problems.append(
                    Problem(source.display, line, key_node.start_mark.column + 1, field_path(child), "duplicate key; each key may appear once")
                )
            result[key] = _build(loader, value_node, child, source)
            # problems about a field point at its key, where an editor's cursor belongs
            source._positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, loc + (i,), source) for i, item in enumerate(node.value)]
    if node.tag == _STR_TAG:  # the common case, without the generic constructor's overhead
        return node.value
    return loader.construct_object(node, deep=True)


def load_yaml(path: Path, display: str | None = None, text: str | None = None) -> SourceFile:
    """Parse one YAML file; syntax errors become problems with the parser's own position."""
    display = display or str(path)
    source = SourceFile(path=path, display=display)
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            source.problems.append(Problem(display, 1, 1, "", f"file is not UTF-8 text ({exc.reason})"))
            return source
    source.text = text
    _parse_into(source, text)
    return source


def _parse_into(source: SourceFile, text: str) -> None:
    display = source.display
    source._positions = {}
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            source.problems.append(Problem(display, 1, 1, "", "file is empty; expected a YAML mapping"))
            return
        source._data = _build(loader, node, (), source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(part for part in (exc.context, exc.problem) if part)
        source.problems.append(Problem(display, line, col, "", f"YAML syntax error: {what}"))
    except yaml.YAMLError as exc:
        source.problems.append(Problem(display, 1, 1, "", f"YAML error: {exc}"))
    finally:
        loader.dispose()
