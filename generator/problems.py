"""The one problem model: everything the portal finds wrong in data is a `Problem`.

Loaders, schema checks and rules all produce problems as values (never exceptions), so a
single run reports every problem at once and the exit code is decided at the edge (cli.py).
Rules may leave `line`/`column` at 0: the checker fills positions in afterwards from the
YAML source, using `path` (see checker.py). Rules therefore never touch the parser.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from collections.abc import Iterable

Path = tuple[str | int, ...]


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        return "错误" if self is Severity.ERROR else "警告"


ERROR = Severity.ERROR
WARNING = Severity.WARNING


@dataclass(frozen=True)
class Problem:
    #: Stable kebab-case identifier, e.g. ``schema-required`` or ``unknown-item``.
    code: str
    #: What is wrong and what to do, in Chinese for department users.
    message: str
    #: File path relative to the project root, with ``/`` separators.
    file: str
    #: Line of the offending value, starting at 1 (0: the whole file / not yet located).
    line: int = 0
    #: Column of the offending value, starting at 1 (0: unknown).
    column: int = 0
    #: Field path inside the file, e.g. ``("officers", 0, "cert_no")``.
    path: Path = ()
    severity: Severity = ERROR
    #: The legal source of the rule, e.g. ``《中华人民共和国行政处罚法》第四十二条``.
    source: str | None = None
    #: When true the position points at the key of ``path[-1]`` (e.g. an unknown field).
    at_key: bool = field(default=False, compare=False)

    @property
    def field_path(self) -> str:
        return format_path(self.path)

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.code, self.field_path, self.message)


def format_path(path: Path) -> str:
    """``("officers", 0, "cert_no")`` → ``officers[0].cert_no`` (how editors show it)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=Problem.sort_key)


def has_errors(problems: Iterable[Problem], *, strict: bool = False) -> bool:
    return any(p.severity is ERROR or strict for p in problems)
