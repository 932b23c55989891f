"""Output formatters for problems ("reporters"): text for people, json for tools, github
for workflow annotations on the changed line of a pull request.

The JSON shape is fixed, documented in docs/validation.md, and tested:

    {"ok": bool,
     "counts": {"error": int, "warning": int, "files": int},
     "problems": [{"code", "severity", "file", "line", "column", "field", "message", "source"}]}
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from .problems import ERROR, WARNING, Problem


def _text(problems: Sequence[Problem], files: int) -> str:
    lines = []
    for p in problems:
        where = f"{p.file}:{p.line}:{p.column}"
        field = f"{p.field_path}：" if p.path else ""
        source = f"（依据：{p.source}）" if p.source else ""
        line = f"{where}: {p.severity.label} [{p.code}] {field}{p.message}{source}"
        # one problem per line, whatever a key or value in the data contains
        lines.append(line.replace("\r", "\\r").replace("\n", "\\n"))
    errors = sum(p.severity is ERROR for p in problems)
    warnings = sum(p.severity is WARNING for p in problems)
    if problems:
        lines.append(f"共检查 {files} 个文件：{errors} 个错误，{warnings} 个警告。")
    else:
        lines.append(f"共检查 {files} 个文件：全部通过。")
    return "\n".join(lines) + "\n"


def as_dict(problem: Problem) -> dict:
    return {
        "code": problem.code,
        "severity": problem.severity.value,
        "file": problem.file,
        "line": problem.line,
        "column": problem.column,
        "field": problem.field_path,
        "message": problem.message,
        "source": problem.source,
    }


def _json(problems: Sequence[Problem], files: int) -> str:
    body = {
        "ok": not any(p.severity is ERROR for p in problems),
        "counts": {
            "error": sum(p.severity is ERROR for p in problems),
            "warning": sum(p.severity is WARNING for p in problems),
            "files": files,
        },
        "problems": [as_dict(p) for p in problems],
    }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def _escape_data(text: str) -> str:
    # https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(problems: Sequence[Problem], files: int) -> str:
    lines = []
    for p in problems:
        level = "error" if p.severity is ERROR else "warning"
        field = f"{p.field_path}：" if p.path else ""
        source = f"（依据：{p.source}）" if p.source else ""
        lines.append(
            f"::{level} file={_escape_property(p.file)},line={p.line},col={p.column},"
            f"title={_escape_property(p.code)}::{_escape_data(field + p.message + source)}")
    lines.append(_text([], files).strip() if not problems else
                 f"共检查 {files} 个文件：{sum(p.severity is ERROR for p in problems)} 个错误，"
                 f"{sum(p.severity is WARNING for p in problems)} 个警告。")
    return "\n".join(lines) + "\n"


REPORTERS: dict[str, Callable[[Sequence[Problem], int], str]] = {
    "text": _text,
    "json": _json,
    "github": _github,
}


def render(name: str, problems: Sequence[Problem], files: int) -> str:
    return REPORTERS[name](problems, files)
