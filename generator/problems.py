"""Problems found in input files, reported the way a compiler reports them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class InvalidInput(Exception):
    """Raised with every problem at once; the CLI prints them and exits 1."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(Exception):
    """Wrong usage that argparse cannot catch: one line, exit 2. Defined here, not in the
    command module, so it is the same class under ``guides`` and ``python -m generator.cli``."""


def field_path(loc: tuple) -> str:
    """('materials', 2, 'copies') -> 'materials[2].copies'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
